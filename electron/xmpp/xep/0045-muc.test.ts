import { describe, expect, it } from 'vitest';
import {
  buildDeclineInvite,
  buildJoinPresence,
  buildLeavePresence,
  buildMediatedInvite,
  buildNickChangePresence,
  buildSubjectChange,
  isRoomCreated,
  parseGroupchat,
  parseMucPresence,
  parseMucUserMessage,
  parseRoomInfo,
  parseRoomList,
  removalReason,
  type MucOccupant,
} from './0045-muc.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const room = 'coven@chat.shakespeare.lit';
const occ = (body: string, attrs = `from='${room}/thirdwitch'`) =>
  xmlOf(`<presence xmlns='jabber:client' ${attrs} to='hag66@shakespeare.lit/pda'>${body}</presence>`);
const asOcc = (x: unknown) => x as MucOccupant;

describe('XEP-0045 join, leave, nick', () => {
  it('joins with history 0 and an optional password', () => {
    expectXmlEqual(
      buildJoinPresence(room, 'thirdwitch'),
      `<presence to='${room}/thirdwitch'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>`,
    );
    expectXmlEqual(
      buildJoinPresence('Coven@Chat.Shakespeare.lit', 'thirdwitch', { password: "cauldron<'>" }),
      `<presence to='${room}/thirdwitch'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/><password>cauldron&lt;'&gt;</password></x></presence>`,
    );
  });

  it('refuses a room JID with a resource, a server JID or an empty nick', () => {
    expect(() => buildJoinPresence(`${room}/x`, 'n')).toThrow(RangeError);
    expect(() => buildJoinPresence('chat.shakespeare.lit', 'n')).toThrow(RangeError);
    expect(() => buildJoinPresence(room, '  ')).toThrow(RangeError);
    expect(() => buildJoinPresence(room, 'n', { maxStanzas: -1 })).toThrow(RangeError);
  });

  it('leaves and changes nick', () => {
    expectXmlEqual(
      buildLeavePresence(room, 'thirdwitch', 'bye'),
      `<presence to='${room}/thirdwitch' type='unavailable'><status>bye</status></presence>`,
    );
    expectXmlEqual(buildLeavePresence(room, 'thirdwitch'), `<presence to='${room}/thirdwitch' type='unavailable'/>`);
    expectXmlEqual(buildNickChangePresence(room, 'oldhag'), `<presence to='${room}/oldhag'/>`);
  });
});

describe('XEP-0045 occupant presence', () => {
  it('reads the self-presence of a newly created room (110 + 201)', () => {
    const p = parseMucPresence(
      occ(
        `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator' jid='hag66@shakespeare.lit/pda'/><status code='110'/><status code='201'/></x>`,
      ),
      room,
    );
    expect(p).toEqual({
      kind: 'occupant',
      nick: 'thirdwitch',
      available: true,
      role: 'moderator',
      affiliation: 'owner',
      realJid: 'hag66@shakespeare.lit/pda',
      statusCodes: [110, 201],
      isSelf: true,
    });
    expect(isRoomCreated(asOcc(p))).toBe(true);
  });

  it('reads a nick change (303 with the new nick) and 210', () => {
    const p = asOcc(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant' nick='oldhag'/><status code='303'/><status code='110'/></x>`,
          `from='${room}/thirdwitch' type='unavailable'`,
        ),
        room,
      ),
    );
    expect(p).toMatchObject({ available: false, newNick: 'oldhag', isSelf: true, statusCodes: [303, 110] });
    expect(removalReason(p)).toBeUndefined();
    // 'nick' on an item of a normal presence is not a nick change.
    const q = asOcc(
      parseMucPresence(
        occ(`<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant' nick='x'/></x>`),
        room,
      ),
    );
    expect(q.newNick).toBeUndefined();
  });

  it('reads kicks and bans with reason and actor', () => {
    const kick = asOcc(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'><actor nick='Fluellen'/><reason>Avaunt, you cullion!</reason></item><status code='307'/><status code='110'/></x>`,
          `from='${room}/pistol' type='unavailable'`,
        ),
        room,
      ),
    );
    expect(kick).toMatchObject({ nick: 'pistol', role: 'none', reason: 'Avaunt, you cullion!', actor: { nick: 'Fluellen' }, isSelf: true });
    expect(removalReason(kick)).toBe('kicked');
    const ban = asOcc(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='outcast' role='none'/><status code='301'/></x>`,
          `from='${room}/x' type='unavailable'`,
        ),
        room,
      ),
    );
    expect(removalReason(ban)).toBe('banned');
    for (const [code, why] of [
      [321, 'affiliation'],
      [322, 'members-only'],
      [332, 'shutdown'],
      [333, 'error'],
    ] as const) {
      const p = asOcc(
        parseMucPresence(
          occ(
            `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/><status code='${code}'/></x>`,
            `from='${room}/x' type='unavailable'`,
          ),
          room,
        ),
      );
      expect(removalReason(p)).toBe(why);
    }
  });

  it('reads a room destruction', () => {
    const p = asOcc(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/><destroy jid='coven@chat.shakespeare.lit'><reason>Macbeth doth come.</reason></destroy></x>`,
          `from='heath@chat.shakespeare.lit/x' type='unavailable'`,
        ),
        'heath@chat.shakespeare.lit',
      ),
    );
    expect(p.destroyed).toEqual({ alternate: room, reason: 'Macbeth doth come.' });
    expect(removalReason(p)).toBe('destroyed');
  });

  it('trusts occupant-id only when the room announces it, and only one, of at most 128 characters', () => {
    const body = (ids: string) => `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x>${ids}`;
    const one = `<occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72'/>`;
    expect(asOcc(parseMucPresence(occ(body(one)), room)).occupantId).toBeUndefined();
    expect(asOcc(parseMucPresence(occ(body(one)), { roomJid: room, occupantIdTrusted: true })).occupantId).toBe('dd72');
    expect(asOcc(parseMucPresence(occ(body(one + one)), { roomJid: room, occupantIdTrusted: true })).occupantId).toBeUndefined();
    const long = `<occupant-id xmlns='urn:xmpp:occupant-id:0' id='${'a'.repeat(129)}'/>`;
    expect(asOcc(parseMucPresence(occ(body(long)), { roomJid: room, occupantIdTrusted: true })).occupantId).toBeUndefined();
  });

  it('maps join errors to words-ready codes', () => {
    const cases: [string, string][] = [
      ['not-authorized', 'password-required'],
      ['forbidden', 'banned'],
      ['registration-required', 'members-only'],
      ['conflict', 'nick-conflict'],
      ['service-unavailable', 'room-full'],
      ['not-allowed', 'not-allowed'],
      ['item-not-found', 'room-not-found'],
      ['not-acceptable', 'nick-reserved'],
      ['jid-malformed', 'nick-invalid'],
      ['gone', 'unknown'],
    ];
    for (const [condition, code] of cases) {
      const p = occ(
        `<x xmlns='http://jabber.org/protocol/muc'/><error by='${room}' type='auth'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>t</text></error>`,
        `from='${room}/thirdwitch' type='error'`,
      );
      expect(parseMucPresence(p, room)).toEqual({ kind: 'error', code, condition, text: 't' });
    }
    const noCondition = occ(`<error type='cancel'/>`, `from='${room}/thirdwitch' type='error'`);
    expect(parseMucPresence(noCondition, room)).toMatchObject({ code: 'unknown', condition: 'undefined-condition' });
  });

  it('ignores presence from elsewhere, from the bare room, and malformed items', () => {
    const x = `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x>`;
    expect(parseMucPresence(occ(x, `from='coven@evil.example/thirdwitch'`), room)).toBeUndefined();
    expect(parseMucPresence(occ(x, `from='${room}'`), room)).toBeUndefined();
    expect(parseMucPresence(occ(x, ''), room)).toBeUndefined();
    expect(parseMucPresence(occ(x, `from='${room}/a' type='subscribe'`), room)).toBeUndefined();
    expect(
      parseMucPresence(occ(`<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='god' role='participant'/></x>`), room),
    ).toBeUndefined();
    expect(parseMucPresence(occ(`<x xmlns='http://jabber.org/protocol/muc#user'/>`), room)).toBeUndefined();
    expect(parseMucPresence(occ(x + x), room)).toBeUndefined();
    expect(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/><item affiliation='owner' role='moderator'/></x>`,
        ),
        room,
      ),
    ).toBeUndefined();
    // Several sessions of one account under one nick (Prosody multi-session): one item per session.
    const multi = `<item affiliation='owner' role='moderator' jid='hag66@shakespeare.lit/a'/><item affiliation='owner' role='moderator' jid='hag66@shakespeare.lit/b'/>`;
    expect(parseMucPresence(occ(`<x xmlns='http://jabber.org/protocol/muc#user'>${multi}<status code='110'/></x>`), room)).toMatchObject({
      affiliation: 'owner',
      isSelf: true,
      realJid: 'hag66@shakespeare.lit/a',
    });
    const twoPeople = `<item affiliation='owner' role='moderator' jid='hag66@shakespeare.lit/a'/><item affiliation='owner' role='moderator' jid='crone1@shakespeare.lit/b'/>`;
    expect(parseMucPresence(occ(`<x xmlns='http://jabber.org/protocol/muc#user'>${twoPeople}</x>`), room)).toBeUndefined();
    // Status codes are three digits; junk is dropped, duplicates folded.
    const p = asOcc(
      parseMucPresence(
        occ(
          `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant' jid='not a jid@'/><status code='110'/><status code='110'/><status code='abc'/><status code='0110'/></x>`,
        ),
        room,
      ),
    );
    expect(p.statusCodes).toEqual([110]);
    expect(p.realJid).toBeUndefined();
  });
});

describe('XEP-0045 room messages', () => {
  const msg = (attrs: string, body: string) =>
    xmlOf(`<message xmlns='jabber:client' ${attrs} to='hag66@shakespeare.lit/pda'>${body}</message>`);

  it('reads an occupant message, trusting occupant-id only when told', () => {
    const m = msg(
      `from='${room}/thirdwitch' type='groupchat'`,
      `<body>Harpier cries</body><occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72'/>`,
    );
    expect(parseGroupchat(m, room)).toEqual({ nick: 'thirdwitch', body: 'Harpier cries', statusCodes: [] });
    expect(parseGroupchat(m, { roomJid: room, occupantIdTrusted: true })).toMatchObject({ occupantId: 'dd72' });
  });

  it('reads subjects: a <subject/> with no <body/>, also empty, from the room or an occupant', () => {
    expect(
      parseGroupchat(msg(`from='${room}/secondwitch' type='groupchat'`, `<subject>Fire Burn and Cauldron Bubble!</subject>`), room),
    ).toEqual({ nick: 'secondwitch', subject: 'Fire Burn and Cauldron Bubble!', statusCodes: [] });
    expect(parseGroupchat(msg(`from='${room}' type='groupchat'`, `<subject/>`), room)).toEqual({ subject: '', statusCodes: [] });
    expect(parseGroupchat(msg(`from='${room}/a' type='groupchat'`, `<subject>s</subject><body>b</body>`), room)).toEqual({
      nick: 'a',
      body: 'b',
      statusCodes: [],
    });
  });

  it('reads status codes in room messages', () => {
    expect(
      parseGroupchat(
        msg(`from='${room}' type='groupchat'`, `<x xmlns='http://jabber.org/protocol/muc#user'><status code='170'/></x>`),
        room,
      ),
    ).toEqual({ statusCodes: [170] });
  });

  it('refuses messages that are not groupchat from this room', () => {
    expect(parseGroupchat(msg(`from='juliet@capulet.lit/balcony' type='groupchat'`, `<body>x</body>`), room)).toBeUndefined();
    expect(parseGroupchat(msg(`from='coven@chat.evil.lit/thirdwitch' type='groupchat'`, `<body>x</body>`), room)).toBeUndefined();
    expect(parseGroupchat(msg(`from='${room}/thirdwitch' type='chat'`, `<body>x</body>`), room)).toBeUndefined();
    expect(parseGroupchat(msg(`from='${room}/thirdwitch'`, `<body>x</body>`), room)).toBeUndefined();
    expect(parseGroupchat(msg(`type='groupchat'`, `<body>x</body>`), room)).toBeUndefined();
  });

  it('builds a subject change', () => {
    expectXmlEqual(buildSubjectChange(room, 'Fire'), `<message to='${room}' type='groupchat'><subject>Fire</subject></message>`);
  });
});

describe('XEP-0045 mediated invitations', () => {
  it('builds an invitation and a decline', () => {
    expectXmlEqual(
      buildMediatedInvite(room, 'hecate@shakespeare.lit/broom', 'Hey Hecate'),
      `<message to='${room}'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='hecate@shakespeare.lit'><reason>Hey Hecate</reason></invite></x></message>`,
    );
    expectXmlEqual(
      buildDeclineInvite(room, 'crone1@shakespeare.lit', 'Sorry'),
      `<message to='${room}'><x xmlns='http://jabber.org/protocol/muc#user'><decline to='crone1@shakespeare.lit'><reason>Sorry</reason></decline></x></message>`,
    );
  });

  it('reads an invitation with password and continue, and a decline', () => {
    const inv = xmlOf(
      `<message from='${room}' to='hecate@shakespeare.lit'><x xmlns='http://jabber.org/protocol/muc#user'><invite from='crone1@shakespeare.lit/desktop'><reason>Hey</reason><continue thread='e0ffe42b'/></invite><password>cauldronburn</password></x></message>`,
    );
    expect(parseMucUserMessage(inv)).toEqual({
      kind: 'invite',
      roomJid: room,
      inviter: 'crone1@shakespeare.lit/desktop',
      reason: 'Hey',
      password: 'cauldronburn',
      continueThread: 'e0ffe42b',
    });
    const dec = xmlOf(
      `<message from='${room}' to='crone1@shakespeare.lit/desktop'><x xmlns='http://jabber.org/protocol/muc#user'><decline from='hecate@shakespeare.lit'><reason>Sorry</reason></decline></x></message>`,
    );
    expect(parseMucUserMessage(dec)).toEqual({ kind: 'decline', roomJid: room, decliner: 'hecate@shakespeare.lit', reason: 'Sorry' });
  });

  it('refuses invitations from full JIDs, domains, errors, groupchat, or with several payloads', () => {
    const x = `<x xmlns='http://jabber.org/protocol/muc#user'><invite from='a@b.c'/></x>`;
    expect(parseMucUserMessage(xmlOf(`<message from='${room}/nick'>${x}</message>`))).toBeUndefined();
    expect(parseMucUserMessage(xmlOf(`<message from='chat.shakespeare.lit'>${x}</message>`))).toBeUndefined();
    expect(parseMucUserMessage(xmlOf(`<message>${x}</message>`))).toBeUndefined();
    expect(parseMucUserMessage(xmlOf(`<message from='${room}' type='error'>${x}</message>`))).toBeUndefined();
    expect(parseMucUserMessage(xmlOf(`<message from='${room}' type='groupchat'>${x}</message>`))).toBeUndefined();
    expect(
      parseMucUserMessage(
        xmlOf(`<message from='${room}'><x xmlns='http://jabber.org/protocol/muc#user'><invite/><decline/></x></message>`),
      ),
    ).toBeUndefined();
  });
});

describe('XEP-0045 discovery', () => {
  const info = (from: string, inner: string) =>
    xmlOf(`<iq from='${from}' type='result' id='i'><query xmlns='http://jabber.org/protocol/disco#info'>${inner}</query></iq>`);

  it('reads room features and the muc#roominfo form', () => {
    const r = parseRoomInfo(
      info(
        room,
        `<identity category='conference' name='A Dark Cave' type='text'/>
         <feature var='http://jabber.org/protocol/muc'/><feature var='muc_passwordprotected'/><feature var='muc_membersonly'/>
         <feature var='muc_nonanonymous'/><feature var='muc_persistent'/><feature var='muc_moderated'/><feature var='urn:xmpp:mam:2'/>
         <feature var='urn:xmpp:occupant-id:0'/><feature var='muc_persistent'/>
         <x xmlns='jabber:x:data' type='result'>
           <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
           <field var='muc#roominfo_description' label='Description'><value>The place for all good witches!</value></field>
           <field var='muc#roominfo_occupants'><value>3</value></field>
           <field var='muc#roomconfig_roomname'><value>Cave</value></field>
           <field var='muc#roominfo_contactjid'><value>crone1@shakespeare.lit</value><value>@@</value></field>
         </x>`,
      ),
      room,
    );
    expect(r).toEqual({
      jid: room,
      name: 'Cave',
      description: 'The place for all good witches!',
      occupants: 3,
      contactJids: ['crone1@shakespeare.lit'],
      features: [
        'http://jabber.org/protocol/muc',
        'muc_passwordprotected',
        'muc_membersonly',
        'muc_nonanonymous',
        'muc_persistent',
        'muc_moderated',
        'urn:xmpp:mam:2',
        'urn:xmpp:occupant-id:0',
      ],
      passwordProtected: true,
      membersOnly: true,
      nonAnonymous: true,
      persistent: true,
      moderated: true,
      public: false,
      mam: true,
      occupantId: true,
    });
  });

  it('falls back to the identity name and ignores a bad occupant count or a non-roominfo form', () => {
    const r = parseRoomInfo(
      info(
        room,
        `<identity category='conference' name='Cave' type='text'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:other</value></field><field var='muc#roominfo_occupants'><value>9</value></field></x>`,
      ),
      room,
    );
    expect(r).toMatchObject({ name: 'Cave', features: [], mam: false });
    expect(r?.occupants).toBeUndefined();
  });

  it('refuses a non-room, another sender, or an error', () => {
    expect(parseRoomInfo(info(room, `<identity category='client' type='pc'/>`), room)).toBeUndefined();
    expect(parseRoomInfo(info('evil@chat.shakespeare.lit', `<identity category='conference' type='text'/>`), room)).toBeUndefined();
    expect(parseRoomInfo(xmlOf(`<iq from='${room}' type='error'/>`), room)).toBeUndefined();
  });

  it('lists the rooms a service hosts, dropping foreign and malformed items', () => {
    const iq = xmlOf(`<iq from='chat.shakespeare.lit' type='result' id='i'><query xmlns='http://jabber.org/protocol/disco#items'>
      <item jid='heath@chat.shakespeare.lit' name='A Lonely Heath'/>
      <item jid='Heath@chat.shakespeare.lit' name='dup'/>
      <item jid='darkcave@chat.shakespeare.lit'/>
      <item jid='evil@elsewhere.example' name='phish'/>
      <item jid='chat.shakespeare.lit'/>
      <item jid='x@chat.shakespeare.lit/nick'/>
      <item/>
    </query></iq>`);
    expect(parseRoomList(iq, 'chat.shakespeare.lit')).toEqual([
      { jid: 'heath@chat.shakespeare.lit', name: 'A Lonely Heath' },
      { jid: 'darkcave@chat.shakespeare.lit' },
    ]);
    expect(parseRoomList(iq, 'other.example')).toEqual([]);
  });
});
