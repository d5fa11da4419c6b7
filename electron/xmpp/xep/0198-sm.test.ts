import { describe, expect, it } from 'vitest';
import {
  ackedCount,
  buildAck,
  buildEnable,
  buildHandledCountTooHigh,
  buildRequest,
  buildResume,
  isRequest,
  parseAck,
  parseEnabled,
  parseFailed,
  parseResumed,
  supportsSm,
} from './0198-sm.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const MAX = 2 ** 32 - 1;

describe('XEP-0198 builders', () => {
  it('enables, with and without resumption', () => {
    expectXmlEqual(buildEnable({ resume: false }), `<enable xmlns='urn:xmpp:sm:3'/>`);
    expectXmlEqual(buildEnable({ resume: true }), `<enable xmlns='urn:xmpp:sm:3' resume='true'/>`);
    expectXmlEqual(buildEnable({ resume: true, max: 300 }), `<enable xmlns='urn:xmpp:sm:3' resume='true' max='300'/>`);
    expect(() => buildEnable({ resume: true, max: 0 })).toThrow(RangeError);
    expect(() => buildEnable({ resume: true, max: 1.5 })).toThrow(RangeError);
  });

  it('resumes, acks and requests', () => {
    expectXmlEqual(buildResume('some-long-sm-id', 0), `<resume xmlns='urn:xmpp:sm:3' previd='some-long-sm-id' h='0'/>`);
    expectXmlEqual(buildAck(MAX), `<a xmlns='urn:xmpp:sm:3' h='4294967295'/>`);
    expectXmlEqual(buildRequest(), `<r xmlns='urn:xmpp:sm:3'/>`);
  });

  it('refuses an h that is not an unsigned 32-bit integer', () => {
    for (const h of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => buildAck(h)).toThrow(RangeError);
      expect(() => buildResume('id', h)).toThrow(RangeError);
    }
    expect(() => buildResume('', 1)).toThrow(RangeError);
  });

  it('builds the handled-count-too-high stream error', () => {
    expectXmlEqual(
      buildHandledCountTooHigh(10, 8),
      `<stream:error xmlns:stream='http://etherx.jabber.org/streams'>
        <undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
        <handled-count-too-high xmlns='urn:xmpp:sm:3' h='10' send-count='8'/>
      </stream:error>`,
    );
  });
});

describe('XEP-0198 parsers', () => {
  it('finds the stream feature', () => {
    expect(supportsSm(xmlOf(`<features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></features>`))).toBe(
      true,
    );
    expect(supportsSm(xmlOf(`<features><sm xmlns='urn:xmpp:sm:2'/></features>`))).toBe(false);
  });

  it('reads <enabled/>', () => {
    expect(parseEnabled(xmlOf(`<enabled xmlns='urn:xmpp:sm:3'/>`))).toEqual({ resume: false });
    expect(
      parseEnabled(
        xmlOf(`<enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id' location='[2001:41D0:1:A49b::1]:9222' resume='1' max='600'/>`),
      ),
    ).toEqual({
      id: 'some-long-sm-id',
      resume: true,
      max: 600,
      location: '[2001:41D0:1:A49b::1]:9222',
    });
  });

  it('does not offer resumption without an id, and drops a malformed max', () => {
    expect(parseEnabled(xmlOf(`<enabled xmlns='urn:xmpp:sm:3' resume='true'/>`))).toEqual({ resume: false });
    expect(parseEnabled(xmlOf(`<enabled xmlns='urn:xmpp:sm:3' id='x' resume='yes'/>`))).toEqual({ id: 'x', resume: false });
    for (const max of ['-5', '0', 'soon', '1e3', '99999999999']) {
      expect(parseEnabled(xmlOf(`<enabled xmlns='urn:xmpp:sm:3' id='x' resume='true' max='${max}'/>`))).toEqual({ id: 'x', resume: true });
    }
  });

  it('reads <resumed/> and refuses anything else', () => {
    expect(parseResumed(xmlOf(`<resumed xmlns='urn:xmpp:sm:3' h='42' previd='some-long-sm-id'/>`))).toEqual({
      previd: 'some-long-sm-id',
      h: 42,
    });
    expect(parseResumed(xmlOf(`<resumed xmlns='urn:xmpp:sm:3' previd='x'/>`))).toBeUndefined();
    expect(parseResumed(xmlOf(`<resumed xmlns='urn:xmpp:sm:3' h='1'/>`))).toBeUndefined();
    expect(parseResumed(xmlOf(`<resumed xmlns='urn:xmpp:sm:2' h='1' previd='x'/>`))).toBeUndefined();
    expect(
      parseResumed(xmlOf(`<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>`)),
    ).toBeUndefined();
  });

  it('reads <failed/> with its condition and optional h', () => {
    expect(
      parseFailed(xmlOf(`<failed xmlns='urn:xmpp:sm:3' h='7'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>`)),
    ).toEqual({ h: 7, condition: 'item-not-found' });
    expect(
      parseFailed(xmlOf(`<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>`)),
    ).toEqual({ condition: 'unexpected-request' });
    expect(parseFailed(xmlOf(`<failed xmlns='urn:xmpp:sm:3' h='-1'><text xmlns='urn:other'/></failed>`))).toEqual({
      condition: 'undefined-condition',
    });
    expect(parseFailed(xmlOf(`<enabled xmlns='urn:xmpp:sm:3'/>`))).toBeUndefined();
  });

  it('reads acks and refuses a malformed h', () => {
    expect(parseAck(xmlOf(`<a xmlns='urn:xmpp:sm:3' h='0'/>`))).toEqual({ h: 0 });
    expect(parseAck(xmlOf(`<a xmlns='urn:xmpp:sm:3' h='4294967295'/>`))).toEqual({ h: MAX });
    for (const h of ['4294967296', '-1', '+1', ' 1', '1.0', '0x10', '1e3', '', 'NaN', '99999999999999999999']) {
      expect(parseAck(xmlOf(`<a xmlns='urn:xmpp:sm:3' h='${h}'/>`)), `h='${h}'`).toBeUndefined();
    }
    expect(parseAck(xmlOf(`<a xmlns='urn:xmpp:sm:3'/>`))).toBeUndefined();
    expect(parseAck(xmlOf(`<a xmlns='urn:xmpp:sm:2' h='1'/>`))).toBeUndefined();
    expect(parseAck(xmlOf(`<a href='x'/>`))).toBeUndefined();
  });

  it('recognises requests only in the SM namespace', () => {
    expect(isRequest(xmlOf(`<r xmlns='urn:xmpp:sm:3'/>`))).toBe(true);
    expect(isRequest(xmlOf(`<r xmlns='urn:xmpp:sm:2'/>`))).toBe(false);
    expect(isRequest(xmlOf(`<a xmlns='urn:xmpp:sm:3' h='1'/>`))).toBe(false);
  });
});

describe('XEP-0198 h arithmetic', () => {
  it('counts newly acknowledged stanzas', () => {
    expect(ackedCount(0, 0)).toBe(0);
    expect(ackedCount(0, 5)).toBe(5);
    expect(ackedCount(5, 10)).toBe(5);
  });

  it('wraps from 2^32-1 back to 0 (§4)', () => {
    expect(ackedCount(MAX, 0)).toBe(1);
    expect(ackedCount(MAX - 1, 1)).toBe(3);
    expect(ackedCount(MAX - 9, 10)).toBe(20);
  });

  it('turns an h that went backwards into a count too high to be true', () => {
    expect(ackedCount(10, 9)).toBe(MAX);
  });

  it('refuses values outside the unsigned 32-bit range', () => {
    expect(() => ackedCount(-1, 0)).toThrow(RangeError);
    expect(() => ackedCount(0, 2 ** 32)).toThrow(RangeError);
    expect(() => ackedCount(0.5, 1)).toThrow(RangeError);
  });
});
