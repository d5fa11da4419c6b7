// Bytes that break the stream itself, for the fuzzer: what a server or a man in the middle can write
// that is not well-formed XML, or that XMPP forbids (RFC 6120 §4.9.3.18 restricted-xml: DOCTYPE,
// entities other than the five predefined, comments, processing instructions; §4.9.3.13
// not-well-formed: mismatched tags, bad UTF-8, characters XML does not allow; §4.9.3.12
// policy-violation: a stanza over Vireo's 1 MiB limit), the server's end of the stream
// (</stream:stream>, §4.4) followed by more bytes, and a stream-management count from the future
// (XEP-0198 §5). Each ends the stream; Vireo must close it, keep running, be back online at once and
// hear the next message.
import type { FuzzContext, Rng } from './hostile-stanzas.js';

export function createMalformedStream(ctx: FuzzContext, rng: Rng) {
  const from = `${ctx.peer}/evil`;
  const msg = (inner: string | Buffer): Buffer =>
    Buffer.concat([
      Buffer.from(`<message from='${from}' type='chat' id='m-${Math.floor(rng() * 1e9)}'><body>`),
      typeof inner === 'string' ? Buffer.from(inner) : inner,
      Buffer.from('</body></message>'),
    ]);
  const cases: Record<string, () => Buffer> = {
    undefinedEntity: () => msg('&xxe;'),
    doctype: () =>
      Buffer.concat([Buffer.from(`<!DOCTYPE message [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">]>`), msg('&xxe;&lol;')]),
    billionLaughs: () =>
      Buffer.from(
        `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><message from='${from}'><body>&lol2;</body></message>`,
      ),
    mismatchedEndTag: () => Buffer.from(`<message from='${from}' type='chat'><body>x</bdy></message>`),
    streamEndThenMore: () => Buffer.concat([Buffer.from('</stream:stream>'), msg('after the end')]),
    invalidUtf8: () => msg(Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80])),
    comment: () => Buffer.concat([Buffer.from('<!-- a comment is not allowed -->'), msg('after a comment')]),
    processingInstruction: () => Buffer.from(`<?evil payload?>`),
    forbiddenCharacter: () => msg(['&#0;', '&#x1;', '&#xD800;', '\u0001', '&#xFFFF;'][Math.floor(rng() * 5)]!),
    overOneMebibyte: () => msg('a'.repeat(1024 * 1024 + 16)),
    // XEP-0198 §5: an <a h/> counting more stanzas than Vireo sent ends the stream (handled-count-too-high).
    ackTooHigh: () => Buffer.from(`<a xmlns='urn:xmpp:sm:3' h='${2_000_000_000 + Math.floor(rng() * 1e6)}'/>`),
    unboundPrefix: () => Buffer.from(`<evil:message from='${from}'><body>x</body></evil:message>`),
  };
  const names = Object.keys(cases);
  return function next(): { kind: string; bytes: Buffer } {
    const kind = names[Math.floor(rng() * names.length)]!;
    return { kind, bytes: cases[kind]!() };
  };
}
