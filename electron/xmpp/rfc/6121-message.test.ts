import { describe, expect, it } from 'vitest';
import { buildChatMessage, parseChatMessage } from './6121-message.js';
import { parsePresence } from './6121-presence.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('chat messages', () => {
  it('builds a chat with an origin-id equal to the stanza id', () => {
    expectXmlEqual(
      buildChatMessage({ to: 'juliet@example.com', body: 'Wherefore art thou?', id: 'abc-1' }),
      `<message type='chat' to='juliet@example.com' id='abc-1'><body>Wherefore art thou?</body><origin-id xmlns='urn:xmpp:sid:0' id='abc-1'/></message>`,
    );
  });

  it('parses body, ids and delay; trusts stanza-id only from our own server', () => {
    const m = parseChatMessage(
      xmlOf(`<message type='chat' from='Juliet@example.com/balcony' to='me@example.com' id='m1'>
        <body>&lt;b&gt;hi&lt;/b&gt;</body>
        <origin-id xmlns='urn:xmpp:sid:0' id='o1'/>
        <stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.com' id='forged'/>
        <stanza-id xmlns='urn:xmpp:sid:0' by='me@example.com' id='real'/>
        <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>
      </message>`),
      'me@example.com',
    );
    expect(m).toMatchObject({
      from: 'juliet@example.com',
      fromResource: 'balcony',
      body: '<b>hi</b>',
      originId: 'o1',
      stanzaId: 'real',
      delayedAt: Date.UTC(2002, 8, 10, 23, 8, 25),
    });
  });

  it('ignores errors, groupchat and body-less messages', () => {
    expect(parseChatMessage(xmlOf(`<message type='error' from='a@b.c'><body>x</body></message>`), 'me@b.c')).toBeUndefined();
    expect(parseChatMessage(xmlOf(`<message type='groupchat' from='r@b.c/n'><body>x</body></message>`), 'me@b.c')).toBeUndefined();
    expect(
      parseChatMessage(
        xmlOf(`<message type='chat' from='a@b.c'><active xmlns='http://jabber.org/protocol/chatstates'/></message>`),
        'me@b.c',
      ),
    ).toBeUndefined();
  });
});

describe('presence', () => {
  it('parses availability, subscriptions and unavailability', () => {
    expect(parsePresence(xmlOf(`<presence from='a@b.c/r'><show>dnd</show><status>busy</status><priority>5</priority></presence>`))).toEqual(
      {
        kind: 'available',
        from: 'a@b.c',
        resource: 'r',
        show: 'dnd',
        status: 'busy',
        priority: 5,
      },
    );
    expect(parsePresence(xmlOf(`<presence from='a@b.c/r' type='subscribe'/>`))).toEqual({
      kind: 'subscription',
      type: 'subscribe',
      from: 'a@b.c',
    });
    expect(parsePresence(xmlOf(`<presence from='a@b.c/r' type='unavailable'/>`))).toEqual({
      kind: 'unavailable',
      from: 'a@b.c',
      resource: 'r',
    });
    expect(parsePresence(xmlOf(`<presence from='a@b.c/r'><show>bogus</show></presence>`))).toMatchObject({ show: 'online' });
  });
});
