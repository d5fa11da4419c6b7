import { describe, expect, it } from 'vitest';
import { buildReceipt, buildReceiptRequest, parseReceipt, wantsReceipt } from './0184-receipts.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0184 builders', () => {
  it('builds the request', () => {
    expectXmlEqual(buildReceiptRequest(), `<request xmlns='urn:xmpp:receipts'/>`);
  });

  it('builds an ack message with only <received/>, a fresh id and the content message type', () => {
    const ack = buildReceipt('northumberland@shakespeare.lit/westminster', 'richard2-4.1.247', { type: 'chat' });
    const id = ack.attrs.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expectXmlEqual(
      ack,
      `<message to='northumberland@shakespeare.lit/westminster' id='${id}' type='chat'><received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>`,
    );
    expect(buildReceipt('a@b.c/d', 'x').attrs.id).not.toBe(id);
    expectXmlEqual(
      buildReceipt('a@b.c/d', 'x', { stanzaId: 's1' }),
      `<message to='a@b.c/d' id='s1'><received xmlns='urn:xmpp:receipts' id='x'/></message>`,
    );
  });

  it('refuses to build a receipt without recipient or id', () => {
    expect(() => buildReceipt('', 'x')).toThrow(RangeError);
    expect(() => buildReceipt('a@b.c', '')).toThrow(RangeError);
  });
});

describe('XEP-0184 parsing', () => {
  it('reads the acknowledged id', () => {
    expect(
      parseReceipt(
        xmlOf(
          `<message from='kingrichard@royalty.england.lit/throne' id='bi29sg183b4v'><received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>`,
        ),
      ),
    ).toEqual({ receivedId: 'richard2-4.1.247' });
  });

  it('ignores receipts without id, in errors, or in another namespace', () => {
    expect(parseReceipt(xmlOf(`<message><received xmlns='urn:xmpp:receipts'/></message>`))).toBeUndefined();
    expect(parseReceipt(xmlOf(`<message type='error'><received xmlns='urn:xmpp:receipts' id='x'/></message>`))).toBeUndefined();
    expect(parseReceipt(xmlOf(`<message><received xmlns='urn:xmpp:chat-markers:0' id='x'/></message>`))).toBeUndefined();
    expect(parseReceipt(xmlOf(`<iq><received xmlns='urn:xmpp:receipts' id='x'/></iq>`))).toBeUndefined();
  });

  it('answers requests in chats and normal messages that have an id and a sender', () => {
    const m = (attrs: string, body = `<body>hi</body><request xmlns='urn:xmpp:receipts'/>`) => xmlOf(`<message ${attrs}>${body}</message>`);
    expect(wantsReceipt(m(`from='a@b.c/d' id='1' type='chat'`))).toBe(true);
    expect(wantsReceipt(m(`from='a@b.c/d' id='1'`))).toBe(true);
    expect(wantsReceipt(m(`from='a@b.c/d' id='1' type='chat'`, '<body>hi</body>'))).toBe(false);
  });

  it('never answers groupchat, errors, messages without id or sender, or acks (loops)', () => {
    const req = `<request xmlns='urn:xmpp:receipts'/>`;
    expect(wantsReceipt(xmlOf(`<message from='room@muc.b.c/nick' id='1' type='groupchat'>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message from='a@b.c/d' id='1' type='error'>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message from='a@b.c/d' type='chat'>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message from='a@b.c/d' id='' type='chat'>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message id='1' type='chat'>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message from='a@b.c/d' id='1'><received xmlns='urn:xmpp:receipts' id='0'/>${req}</message>`))).toBe(false);
    expect(wantsReceipt(xmlOf(`<message from='a@b.c/d' id='1'><request xmlns='urn:xmpp:receipts:1'/></message>`))).toBe(false);
  });
});
