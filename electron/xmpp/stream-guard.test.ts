// What the guarded parser accepts and what it refuses, with the stream error for each (RFC 6120 §4.9.3,
// §11.1), over the real @xmpp/xml parsers (TCP stream and RFC 7395 frames), fed in chunks as a socket would.
import { describe, expect, it } from 'vitest';
import ConnectionTCP from '@xmpp/connection-tcp';
import ConnectionWebSocket from '@xmpp/websocket/lib/Connection.js';
import type { Element } from '@xmpp/xml';
import { guardParser, MAX_STANZA_BYTES, StreamFault, utf8Decoder } from './stream-guard.js';

type P = { write(s: string): void; on(e: string, f: (el: Element) => void): void };
const TcpParser = guardParser((ConnectionTCP.prototype as unknown as { Parser: never }).Parser, false) as unknown as new () => P;
const FramedParser = guardParser((ConnectionWebSocket.prototype as unknown as { Parser: never }).Parser, true) as unknown as new () => P;
const HEADER = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.test' id='x' version='1.0'>`;

/** Feeds `chunks` to a fresh TCP stream parser; returns the stanzas and the fault, if any. */
function feed(chunks: string[], Parser = TcpParser) {
  const p = new Parser();
  const got: string[] = [];
  let ended = false;
  p.on('element', (el) => got.push(el.toString()));
  p.on('end', () => (ended = true));
  try {
    for (const c of chunks) p.write(c);
    return { got, ended, fault: undefined };
  } catch (err) {
    return { got, ended, fault: err as StreamFault };
  }
}
/** Every way of cutting `s` in two: the guard must decide the same whatever the chunking. */
const cuts = (s: string) => Array.from({ length: s.length + 1 }, (_, i) => [s.slice(0, i), s.slice(i)]);

describe('the guarded stream parser', () => {
  it('passes ordinary stanzas, whitespace keep-alives and the XML declaration, whatever the chunking', () => {
    const s = `${HEADER} <message to='a@example.test'><body>1 &lt; 2 &amp; &#x263A;</body></message>\n<presence/>`;
    for (const chunks of cuts(s)) {
      const r = feed(chunks);
      expect(r.fault).toBeUndefined();
      expect(r.got).toEqual(['<message to="a@example.test"><body>1 &lt; 2 &amp; ☺</body></message>', '<presence/>']);
    }
  });

  it('passes CDATA, with what looks like markup inside it', () => {
    const r = feed([HEADER, `<message><body><![CDATA[<!-- not a comment --> <?pi?> ]]></body></message>`]);
    expect(r.fault).toBeUndefined();
    expect(r.got).toEqual(['<message><body>&lt;!-- not a comment --&gt; &lt;?pi?&gt; </body></message>']);
  });

  for (const [what, bad, condition] of [
    ['an undefined entity', `<message><body>&xxe;</body></message>`, 'restricted-xml'],
    ['an undefined entity in an attribute', `<message id='&xxe;'/>`, 'restricted-xml'],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY xxe "boom">]><message/>`, 'restricted-xml'],
    ['a comment', `<!-- hi --><message/>`, 'restricted-xml'],
    ['a processing instruction after the start', `<?evil x?><message/>`, 'restricted-xml'],
    ['a mismatched end tag', `<message><body>x</bodyx></message>`, 'not-well-formed'],
    ['an end tag with nothing open', `<message/></body>`, 'not-well-formed'],
    ['an illegal character reference', `<message><body>&#0;</body></message>`, 'not-well-formed'],
  ] as const) {
    it(`refuses ${what} with ${condition}, whatever the chunking, and delivers nothing of it`, () => {
      for (const chunks of cuts(bad)) {
        const r = feed([HEADER, ...chunks]);
        expect(r.fault).toBeInstanceOf(StreamFault);
        expect(r.fault!.condition).toBe(condition);
        expect(r.got.filter((x) => x.includes('xxe') || x.includes('boom'))).toEqual([]);
      }
    });
  }

  it('ignores everything after the server closed its stream', () => {
    const r = feed([HEADER, `<presence/></stream:stream><message><body>late</body></message>`, '<message/>']);
    expect(r.fault).toBeUndefined();
    expect(r.ended).toBe(true);
    expect(r.got).toEqual(['<presence/>']);
  });

  it('refuses a stanza over 1 MiB with policy-violation, and accepts one just under it', () => {
    const body = (n: number) => `<message><body>${'x'.repeat(n)}</body></message>`;
    expect(feed([HEADER, body(MAX_STANZA_BYTES - 100)]).fault).toBeUndefined();
    const big = feed([HEADER, body(MAX_STANZA_BYTES + 20 * 1024)]);
    expect(big.fault?.condition).toBe('policy-violation');
    expect(big.got).toEqual([]);
    // Many small stanzas that add up to more are fine: the limit is per stanza.
    expect(feed([HEADER, '<presence/>'.repeat(200_000)]).fault).toBeUndefined();
  });

  it('refuses elements nested deeper than the limit with policy-violation', () => {
    const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    expect(feed([HEADER, `<message>${deep}</message>`]).fault?.condition).toBe('policy-violation');
  });

  it('applies the same rules to WebSocket frames (RFC 7395), one element per frame', () => {
    const open = `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.test' id='x' version='1.0'/>`;
    expect(feed([open, '<presence/>'], FramedParser)).toMatchObject({ fault: undefined, got: ['<presence/>'] });
    expect(feed([open, '<message><body>&xxe;</body></message>'], FramedParser).fault?.condition).toBe('restricted-xml');
    expect(feed([open, '<!DOCTYPE x><presence/>'], FramedParser).fault?.condition).toBe('restricted-xml');
    expect(feed([open, '</presence>'], FramedParser).fault?.condition).toBe('not-well-formed');
  });
});

describe('UTF-8 from the socket', () => {
  it('keeps a character split between chunks and refuses invalid UTF-8 with not-well-formed', () => {
    const bytes = Buffer.from('→ 日本', 'utf8');
    const decode = utf8Decoder();
    expect(decode(bytes.subarray(0, 1)) + decode(bytes.subarray(1))).toBe('→ 日本');
    expect(() => utf8Decoder()(Buffer.from([0x3c, 0xff, 0xfe]))).toThrow(expect.objectContaining({ condition: 'not-well-formed' }));
  });
});
