import { describe, expect, it } from 'vitest';
import { asksForMarkers, buildDisplayed, buildMarkable, isMarkable, parseMarker } from './0333-chat-markers.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0333 builders', () => {
  it('marks a message markable', () => {
    expectXmlEqual(buildMarkable(), `<markable xmlns='urn:xmpp:chat-markers:0'/>`);
  });

  it('builds a displayed marker for a chat, with a fresh stanza id', () => {
    const m = buildDisplayed('northumberland@shakespeare.lit', 'message-1');
    const id = m.attrs.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expectXmlEqual(
      m,
      `<message to='northumberland@shakespeare.lit' type='chat' id='${id}'><displayed xmlns='urn:xmpp:chat-markers:0' id='message-1'/></message>`,
    );
  });

  it('builds a displayed marker for a room, with the thread', () => {
    expectXmlEqual(
      buildDisplayed('coven@chat.shakespeare.lit', '39K7ZYIp', 'groupchat', { thread: 'Act IV, Scene I', stanzaId: 'message-2' }),
      `<message to='coven@chat.shakespeare.lit' type='groupchat' id='message-2'>
        <thread>Act IV, Scene I</thread>
        <displayed xmlns='urn:xmpp:chat-markers:0' id='39K7ZYIp'/>
      </message>`,
    );
    expect(() => buildDisplayed('a@b.c', '')).toThrow(RangeError);
  });
});

describe('XEP-0333 parsing', () => {
  it('reads each kind of marker', () => {
    for (const kind of ['received', 'displayed', 'acknowledged'] as const) {
      expect(
        parseMarker(xmlOf(`<message from='a@b.c/d' id='m2'><${kind} xmlns='urn:xmpp:chat-markers:0' id='message-1'/></message>`)),
      ).toEqual({ kind, id: 'message-1' });
    }
  });

  it('ignores markers without id, in errors, in other namespaces, or several at once', () => {
    expect(parseMarker(xmlOf(`<message><displayed xmlns='urn:xmpp:chat-markers:0'/></message>`))).toBeUndefined();
    expect(parseMarker(xmlOf(`<message type='error'><displayed xmlns='urn:xmpp:chat-markers:0' id='x'/></message>`))).toBeUndefined();
    expect(parseMarker(xmlOf(`<message><displayed xmlns='urn:xmpp:mds:displayed:0'/></message>`))).toBeUndefined();
    expect(parseMarker(xmlOf(`<message><received xmlns='urn:xmpp:receipts' id='x'/></message>`))).toBeUndefined();
    expect(parseMarker(xmlOf(`<message><body>hi</body></message>`))).toBeUndefined();
    expect(
      parseMarker(
        xmlOf(`<message><received xmlns='urn:xmpp:chat-markers:0' id='a'/><displayed xmlns='urn:xmpp:chat-markers:0' id='b'/></message>`),
      ),
    ).toBeUndefined();
    expect(
      parseMarker(
        xmlOf(`<message><displayed xmlns='urn:xmpp:chat-markers:0' id='a'/><displayed xmlns='urn:xmpp:chat-markers:0' id='b'/></message>`),
      ),
    ).toBeUndefined();
  });

  it('knows markable messages: with id and <markable/>, never markers themselves', () => {
    expect(
      isMarkable(xmlOf(`<message id='message-1' type='chat'><body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>`)),
    ).toBe(true);
    expect(isMarkable(xmlOf(`<message type='chat'><body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>`))).toBe(false);
    expect(isMarkable(xmlOf(`<message id='1' type='chat'><body>hi</body></message>`))).toBe(false);
    expect(isMarkable(xmlOf(`<message id='1' type='error'><markable xmlns='urn:xmpp:chat-markers:0'/></message>`))).toBe(false);
    expect(
      isMarkable(
        xmlOf(`<message id='1'><markable xmlns='urn:xmpp:chat-markers:0'/><displayed xmlns='urn:xmpp:chat-markers:0' id='0'/></message>`),
      ),
    ).toBe(false);
  });

  it('knows a room message that asks for markers without its own id (§8.6: the room stanza-id names it)', () => {
    expect(asksForMarkers(xmlOf(`<message type='groupchat'><body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>`))).toBe(
      true,
    );
    expect(asksForMarkers(xmlOf(`<message type='groupchat'><body>hi</body></message>`))).toBe(false);
    expect(
      asksForMarkers(
        xmlOf(`<message><markable xmlns='urn:xmpp:chat-markers:0'/><received xmlns='urn:xmpp:chat-markers:0' id='0'/></message>`),
      ),
    ).toBe(false);
  });
});
