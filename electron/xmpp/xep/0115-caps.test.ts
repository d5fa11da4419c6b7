import { describe, expect, it } from 'vitest';
import { buildCaps, capsVer } from './0115-caps.js';
import { expectXmlEqual } from '../test-xml.js';

describe('XEP-0115 entity capabilities', () => {
  it('computes the verification string of the spec example (§5.2)', () => {
    const ver = capsVer(
      [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }],
      [
        'http://jabber.org/protocol/caps',
        'http://jabber.org/protocol/disco#info',
        'http://jabber.org/protocol/disco#items',
        'http://jabber.org/protocol/muc',
      ],
    );
    expect(ver).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  it('builds the <c/> element', () => {
    expectXmlEqual(
      buildCaps('abc=', 'https://vireo.im'),
      `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://vireo.im' ver='abc='/>`,
    );
  });
});
