import { describe, expect, it } from 'vitest';
import { expectXmlEqual, xmlOf } from '../test-xml.js';
import { buildDiscoInfo, buildDiscoItems, parseDiscoInfo, parseDiscoItems } from './0030-disco.js';

describe('XEP-0030 service discovery', () => {
  it('builds empty info and items queries', () => {
    expectXmlEqual(
      buildDiscoInfo('example.org'),
      `<iq type='get' to='example.org'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
    );
    expectXmlEqual(
      buildDiscoItems('example.org'),
      `<iq type='get' to='example.org'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>`,
    );
  });

  it('reads identities and features of the entity asked, and nothing from anyone else', () => {
    const answer = (from: string) =>
      xmlOf(`<iq type='result' from='${from}'><query xmlns='http://jabber.org/protocol/disco#info'>
      <identity category='conference' type='text' name='Chatrooms'/><identity category='broken'/>
      <feature var='http://jabber.org/protocol/muc'/><feature/></query></iq>`);
    expect(parseDiscoInfo(answer('conference.example.org'), 'conference.example.org')).toEqual({
      identities: [{ category: 'conference', type: 'text', name: 'Chatrooms' }],
      features: ['http://jabber.org/protocol/muc'],
    });
    expect(parseDiscoInfo(answer('evil.example'), 'conference.example.org')).toBeUndefined();
    expect(parseDiscoInfo(xmlOf(`<iq type='error' from='conference.example.org'/>`), 'conference.example.org')).toBeUndefined();
  });

  it('lists items by JID once, skipping nodes and malformed JIDs', () => {
    const iq = xmlOf(`<iq type='result' from='example.org'><query xmlns='http://jabber.org/protocol/disco#items'>
      <item jid='conference.example.org'/><item jid='Conference.example.org'/><item jid='example.org' node='x'/>
      <item jid='upload.example.org' name='Uploads'/><item/></query></iq>`);
    expect(parseDiscoItems(iq, 'example.org')).toEqual(['conference.example.org', 'upload.example.org']);
    expect(parseDiscoItems(iq, 'other.org')).toEqual([]);
  });
});
