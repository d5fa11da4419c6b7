import { describe, expect, it } from 'vitest';
import { buildSelfPing, classifySelfPingReply } from './0410-self-ping.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const err = (condition: string) =>
  xmlOf(
    `<iq from='characters@chat.shakespeare.lit/JuliC' id='s2c1' type='error'><error type='cancel' by='characters@chat.shakespeare.lit'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>x</text></error></iq>`,
  );

describe('XEP-0410 self-ping', () => {
  it('pings the own occupant JID', () => {
    const { to, ping } = buildSelfPing('characters@chat.shakespeare.lit', 'JuliC');
    expect(to).toBe('characters@chat.shakespeare.lit/JuliC');
    expectXmlEqual(ping, `<ping xmlns='urn:xmpp:ping'/>`);
  });

  it('classifies replies per §3.2', () => {
    expect(classifySelfPingReply(xmlOf(`<iq type='result' id='s2c1'/>`))).toBe('joined');
    expect(classifySelfPingReply(err('service-unavailable'))).toBe('joined');
    expect(classifySelfPingReply(err('feature-not-implemented'))).toBe('joined');
    expect(classifySelfPingReply(err('item-not-found'))).toBe('joined');
    expect(classifySelfPingReply(err('not-acceptable'))).toBe('not-joined');
    expect(classifySelfPingReply(err('not-allowed'))).toBe('not-joined');
    expect(classifySelfPingReply(err('bad-request'))).toBe('not-joined');
    expect(classifySelfPingReply(xmlOf(`<iq type='error'><error type='cancel'/></iq>`))).toBe('not-joined');
    expect(classifySelfPingReply(err('remote-server-not-found'))).toBe('unreachable');
    expect(classifySelfPingReply(err('remote-server-timeout'))).toBe('unreachable');
    expect(classifySelfPingReply(undefined)).toBe('unreachable');
  });

  it('does not take a condition from another namespace or the <text/> for the condition', () => {
    expect(
      classifySelfPingReply(
        xmlOf(
          `<iq type='error'><error type='cancel'><service-unavailable xmlns='urn:evil'/><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
        ),
      ),
    ).toBe('not-joined');
  });
});
