import { describe, expect, it } from 'vitest';
import { buildModerateRequest, parseModeratedTombstone, parseModeration } from './0425-moderation.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const room = 'room@muc.example.com';

describe('XEP-0425 moderation requests', () => {
  it('builds the 0.3 request', () => {
    expectXmlEqual(
      buildModerateRequest('stanza-id-1', 'This message contains inappropriate content for this forum'),
      `<moderate id='stanza-id-1' xmlns='urn:xmpp:message-moderate:1'><retract xmlns='urn:xmpp:message-retract:1'/><reason>This message contains inappropriate content for this forum</reason></moderate>`,
    );
  });

  it("builds the 0.2 request that Prosody's 2023 mod_muc_moderation handles", () => {
    expectXmlEqual(
      buildModerateRequest('stanza-id-1', 'Spam', 0),
      `<apply-to id='stanza-id-1' xmlns='urn:xmpp:fasten:0'><moderate xmlns='urn:xmpp:message-moderate:0'><retract xmlns='urn:xmpp:message-retract:0'/><reason>Spam</reason></moderate></apply-to>`,
    );
    expectXmlEqual(
      buildModerateRequest('s', undefined, 0),
      `<apply-to id='s' xmlns='urn:xmpp:fasten:0'><moderate xmlns='urn:xmpp:message-moderate:0'><retract xmlns='urn:xmpp:message-retract:0'/></moderate></apply-to>`,
    );
    expect(() => buildModerateRequest('', 'x')).toThrow(RangeError);
  });
});

describe('XEP-0425 moderation notices', () => {
  it('reads the 0.3 notice from the room', () => {
    const m = xmlOf(`<message type='groupchat' id='retraction-id-1' from='${room}' to='${room}/macbeth'>
      <retract id='stanza-id-1' xmlns='urn:xmpp:message-retract:1'>
        <moderated by='${room}/macbeth' xmlns='urn:xmpp:message-moderate:1'><occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72'/></moderated>
        <reason>Some Reason</reason>
      </retract>
    </message>`);
    expect(parseModeration(m, room)).toEqual({
      stanzaId: 'stanza-id-1',
      by: `${room}/macbeth`,
      byOccupantId: 'dd72',
      reason: 'Some Reason',
      version: 1,
    });
  });

  it("reads exactly what Prosody's 2023 mod_muc_moderation broadcasts (reason inside <moderated/>)", () => {
    // st.message({from=room_jid, type="groupchat"}):tag("apply-to",{id}):tag("moderated",{by}):tag("retract"):up():text_tag("reason", reason)
    const m = xmlOf(`<message from='${room}' type='groupchat' id='x1'>
      <apply-to xmlns='urn:xmpp:fasten:0' id='1690810252324584'>
        <moderated xmlns='urn:xmpp:message-moderate:0' by='${room}/mod'><retract xmlns='urn:xmpp:message-retract:0'/><reason>Retract</reason></moderated>
      </apply-to>
    </message>`);
    expect(parseModeration(m, room)).toEqual({ stanzaId: '1690810252324584', by: `${room}/mod`, reason: 'Retract', version: 0 });
  });

  it('discards notices not from the room itself', () => {
    const body = `<retract id='s' xmlns='urn:xmpp:message-retract:1'><moderated by='${room}/m' xmlns='urn:xmpp:message-moderate:1'/></retract>`;
    expect(parseModeration(xmlOf(`<message type='groupchat' from='${room}/oldhag'>${body}</message>`), room)).toBeUndefined();
    expect(parseModeration(xmlOf(`<message type='groupchat' from='other@muc.example.com'>${body}</message>`), room)).toBeUndefined();
    expect(parseModeration(xmlOf(`<message type='chat' from='${room}'>${body}</message>`), room)).toBeUndefined();
    expect(parseModeration(xmlOf(`<message type='groupchat'>${body}</message>`), room)).toBeUndefined();
    // A plain retraction (no <moderated/>) from the room is not a moderation.
    expect(
      parseModeration(
        xmlOf(`<message type='groupchat' from='${room}'><retract id='s' xmlns='urn:xmpp:message-retract:1'/></message>`),
        room,
      ),
    ).toBeUndefined();
    // 0.2 without <retract/> inside <moderated/> is some other moderation action.
    expect(
      parseModeration(
        xmlOf(
          `<message type='groupchat' from='${room}'><apply-to xmlns='urn:xmpp:fasten:0' id='s'><moderated xmlns='urn:xmpp:message-moderate:0' by='${room}/m'/></apply-to></message>`,
        ),
        room,
      ),
    ).toBeUndefined();
  });

  it('reads tombstones in both forms', () => {
    const v1 = xmlOf(
      `<message type='groupchat' from='${room}/oldhag' id='m1'><retracted stamp='2019-09-20T23:19:12Z' xmlns='urn:xmpp:message-retract:1'><moderated by='${room}/macbeth' xmlns='urn:xmpp:message-moderate:1'/><reason>bad</reason></retracted></message>`,
    );
    expect(parseModeratedTombstone(v1)).toEqual({
      by: `${room}/macbeth`,
      reason: 'bad',
      retractedAt: Date.parse('2019-09-20T23:19:12Z'),
      version: 1,
    });
    // Prosody: st.message(...):tag("moderated",{by}):tag("retracted",{stamp}):up():text_tag("reason", reason)
    const v0 = xmlOf(
      `<message type='groupchat' from='${room}/oldhag' id='m1'><moderated xmlns='urn:xmpp:message-moderate:0' by='${room}/mod'><retracted xmlns='urn:xmpp:message-retract:0' stamp='2023-07-31T13:30:59Z'/><reason>spam</reason></moderated></message>`,
    );
    expect(parseModeratedTombstone(v0)).toEqual({
      by: `${room}/mod`,
      reason: 'spam',
      retractedAt: Date.parse('2023-07-31T13:30:59Z'),
      version: 0,
    });
    expect(parseModeratedTombstone(xmlOf(`<message><retracted xmlns='urn:xmpp:message-retract:1'/></message>`))).toBeUndefined();
  });
});
