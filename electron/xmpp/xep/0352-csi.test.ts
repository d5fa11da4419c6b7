import { describe, expect, it } from 'vitest';
import { buildActive, buildInactive, supportsCsi } from './0352-csi.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0352', () => {
  it('builds the two nonzas', () => {
    expectXmlEqual(buildActive(), `<active xmlns='urn:xmpp:csi:0'/>`);
    expectXmlEqual(buildInactive(), `<inactive xmlns='urn:xmpp:csi:0'/>`);
  });

  it('finds the stream feature', () => {
    const features = (inner: string) =>
      xmlOf(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'>${inner}</stream:features>`);
    expect(supportsCsi(features(`<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><csi xmlns='urn:xmpp:csi:0'/>`))).toBe(true);
    expect(supportsCsi(features(`<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>`))).toBe(false);
    expect(supportsCsi(features(`<csi xmlns='urn:xmpp:csi:1'/>`))).toBe(false);
  });
});
