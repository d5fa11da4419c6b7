import { describe, expect, it } from 'vitest';
import { buildRsmSet, parseRsmSet } from './0059-rsm.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0059 requests', () => {
  it('builds pages forwards, backwards and the last page', () => {
    expectXmlEqual(buildRsmSet({ max: 10 }), `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set>`);
    expectXmlEqual(
      buildRsmSet({ max: 10, after: 'a1' }),
      `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>a1</after></set>`,
    );
    expectXmlEqual(
      buildRsmSet({ max: 10, before: 'b1' }),
      `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before>b1</before></set>`,
    );
    expectXmlEqual(buildRsmSet({ max: 10, before: true }), `<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set>`);
    expectXmlEqual(buildRsmSet({ max: 0 }), `<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>`);
  });

  it('refuses what cannot be expressed', () => {
    expect(() => buildRsmSet({ max: -1 })).toThrow(RangeError);
    expect(() => buildRsmSet({ max: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => buildRsmSet({ after: '' })).toThrow(RangeError);
    expect(() => buildRsmSet({ before: '' })).toThrow(RangeError);
  });
});

describe('XEP-0059 results', () => {
  it('reads first (with index), last and count', () => {
    expect(
      parseRsmSet(xmlOf(`<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>f</first><last>l</last><count>20</count></set>`)),
    ).toEqual({ first: 'f', firstIndex: 0, last: 'l', count: 20 });
  });

  it('leaves out what is missing or malformed', () => {
    expect(parseRsmSet(undefined)).toEqual({});
    expect(parseRsmSet(xmlOf(`<set xmlns='http://jabber.org/protocol/rsm'/>`))).toEqual({});
    expect(
      parseRsmSet(xmlOf(`<set xmlns='http://jabber.org/protocol/rsm'><first index='-1'>f</first><last/><count>many</count></set>`)),
    ).toEqual({ first: 'f' });
    expect(parseRsmSet(xmlOf(`<set xmlns='urn:other'><first>f</first></set>`))).toEqual({});
    expect(parseRsmSet(xmlOf(`<set xmlns='http://jabber.org/protocol/rsm'><count>1e400</count></set>`))).toEqual({});
  });
});
