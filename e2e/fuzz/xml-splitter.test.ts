// The fuzzer's proxy must cut the server's stream exactly between top-level elements, whatever the
// reads look like, or its injected stanzas would land inside one of the server's.
import { describe, expect, it } from 'vitest';
import { createSplitter } from './xml-splitter.js';

const STREAM = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' version='1.0'>`;
const A = `<message from='a@b' id="q'>"><body>a &gt; b é😀</body><x a='/>'/></message>`;
const B = `<a xmlns='urn:xmpp:sm:3' h='5'/>`;
const C = `<iq type='result' id='1'><query xmlns='jabber:iq:roster'><item jid='c@d'/><item jid='e@f'><group>g</group></item></query></iq>`;

function split(chunks: Buffer[]) {
  const s = createSplitter();
  return chunks.flatMap((c) => s.push(c));
}

describe('xml-splitter', () => {
  const whole = Buffer.from(`${STREAM}${A} ${B}${C}</stream:stream>`);
  const expected = [
    { kind: 'header', text: `<?xml version='1.0'?>` },
    { kind: 'header' },
    { kind: 'element', name: 'message' },
    { kind: 'text', text: ' ' },
    { kind: 'element', name: 'a' },
    { kind: 'element', name: 'iq' },
    { kind: 'close' },
  ];

  it('yields the header, each top-level element whole, whitespace and the close', () => {
    const pieces = split([whole]);
    expect(pieces).toMatchObject(expected);
    expect(Buffer.from(pieces.map((p) => p.text).join(''), 'latin1').equals(whole)).toBe(true);
  });

  it('gives the same pieces when the bytes arrive one at a time (characters split across reads included)', () => {
    const pieces = split([...whole].map((b) => Buffer.from([b])));
    expect(pieces.filter((p) => p.kind !== 'text' || p.text.trim())).toMatchObject(expected.filter((e) => e.kind !== 'text'));
    expect(Buffer.from(pieces.map((p) => p.text).join(''), 'latin1').equals(whole)).toBe(true);
  });

  it('starts again at a stream restart (after SASL, RFC 6120 §6.4.6)', () => {
    const pieces = split([Buffer.from(`${STREAM}<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>${STREAM}${B}`)]);
    expect(pieces.map((p) => p.kind)).toEqual(['header', 'header', 'element', 'header', 'header', 'element']);
  });
});
