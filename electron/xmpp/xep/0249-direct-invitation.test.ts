import { describe, expect, it } from 'vitest';
import { buildDirectInvite, parseDirectInvite } from './0249-direct-invitation.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0249 direct invitations', () => {
  it('builds an invitation', () => {
    expectXmlEqual(
      buildDirectInvite({
        roomJid: 'DarkCave@macbeth.shakespeare.lit',
        reason: 'Hey Hecate',
        password: 'cauldronburn',
        continueThread: 'e0ffe42b',
      }),
      `<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit' reason='Hey Hecate' password='cauldronburn' continue='true' thread='e0ffe42b'/>`,
    );
    expectXmlEqual(
      buildDirectInvite({ roomJid: 'darkcave@macbeth.shakespeare.lit' }),
      `<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit'/>`,
    );
    expect(() => buildDirectInvite({ roomJid: 'macbeth.shakespeare.lit' })).toThrow(RangeError);
    expect(() => buildDirectInvite({ roomJid: 'a@b.c/nick' })).toThrow(RangeError);
  });

  it('reads an invitation with who sent it', () => {
    const m = xmlOf(`<message from='crone1@shakespeare.lit/desktop' to='hecate@shakespeare.lit'>
      <x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit' password='cauldronburn' reason='Hey Hecate, this is the place for all good witches!'/></message>`);
    expect(parseDirectInvite(m)).toEqual({
      inviter: 'crone1@shakespeare.lit/desktop',
      roomJid: 'darkcave@macbeth.shakespeare.lit',
      password: 'cauldronburn',
      reason: 'Hey Hecate, this is the place for all good witches!',
    });
    const cont = xmlOf(`<message from='a@b.c/d'><x xmlns='jabber:x:conference' jid='r@m.c' continue='true'/></message>`);
    expect(parseDirectInvite(cont)).toMatchObject({ continueThread: true });
  });

  it('refuses invitations without a sender or room, to a non-room, errors, groupchat, or two at once', () => {
    const x = `<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit'/>`;
    expect(parseDirectInvite(xmlOf(`<message>${x}</message>`))).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='a@b.c' type='error'>${x}</message>`))).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='r@m.c/n' type='groupchat'>${x}</message>`))).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='a@b.c'>${x}${x}</message>`))).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='a@b.c'><x xmlns='jabber:x:conference'/></message>`))).toBeUndefined();
    expect(
      parseDirectInvite(xmlOf(`<message from='a@b.c'><x xmlns='jabber:x:conference' jid='macbeth.shakespeare.lit'/></message>`)),
    ).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='a@b.c'><x xmlns='jabber:x:conference' jid='r@m.c/nick'/></message>`))).toBeUndefined();
    expect(parseDirectInvite(xmlOf(`<message from='a@b.c'><x xmlns='jabber:x:data' jid='r@m.c'/></message>`))).toBeUndefined();
  });
});
