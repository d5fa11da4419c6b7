import { describe, expect, it } from 'vitest';
import {
  buildBookmarkPublish,
  buildBookmarkRetract,
  buildBookmarksRequest,
  parseBookmarksEvent,
  parseBookmarksResult,
} from './0402-bookmarks.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const me = 'juliet@capulet.lit';
const PUBSUB = 'http://jabber.org/protocol/pubsub';

describe('XEP-0402 publishing', () => {
  it('publishes one bookmark with the spec publish-options', () => {
    expectXmlEqual(
      buildBookmarkPublish({
        jid: 'ThePlay@conference.shakespeare.lit',
        name: "The Play's the Thing",
        autojoin: true,
        nick: 'JC',
        password: 'secret',
      }),
      `<pubsub xmlns='${PUBSUB}'>
        <publish node='urn:xmpp:bookmarks:1'>
          <item id='theplay@conference.shakespeare.lit'>
            <conference xmlns='urn:xmpp:bookmarks:1' name="The Play's the Thing" autojoin='true'><nick>JC</nick><password>secret</password></conference>
          </item>
        </publish>
        <publish-options>
          <x xmlns='jabber:x:data' type='submit'>
            <field var='FORM_TYPE' type='hidden'><value>${PUBSUB}#publish-options</value></field>
            <field var='pubsub#persist_items'><value>true</value></field>
            <field var='pubsub#max_items'><value>max</value></field>
            <field var='pubsub#send_last_published_item'><value>never</value></field>
            <field var='pubsub#access_model'><value>whitelist</value></field>
          </x>
        </publish-options>
      </pubsub>`,
    );
    expect(() => buildBookmarkPublish({ jid: 'conference.shakespeare.lit', autojoin: false })).toThrow(RangeError);
  });

  it('keeps extensions on re-publish', () => {
    const [b] = parseBookmarksResult(
      xmlOf(`<iq type='result'><pubsub xmlns='${PUBSUB}'><items node='urn:xmpp:bookmarks:1'><item id='orchard@conference.shakespeare.lit'>
        <conference xmlns='urn:xmpp:bookmarks:1' autojoin='false'><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions></conference>
      </item></items></pubsub></iq>`),
    );
    expectXmlEqual(
      buildBookmarkPublish(b!).getChild('publish')!.getChild('item')!,
      `<item id='orchard@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='false'><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions></conference></item>`,
    );
  });

  it('retracts and requests', () => {
    expectXmlEqual(
      buildBookmarkRetract('theplay@conference.shakespeare.lit'),
      `<pubsub xmlns='${PUBSUB}'><retract node='urn:xmpp:bookmarks:1' notify='true'><item id='theplay@conference.shakespeare.lit'/></retract></pubsub>`,
    );
    expectXmlEqual(buildBookmarksRequest(), `<pubsub xmlns='${PUBSUB}'><items node='urn:xmpp:bookmarks:1'/></pubsub>`);
  });
});

describe('XEP-0402 parsing', () => {
  it('reads all bookmarks, skipping invalid and duplicate items', () => {
    const iq = xmlOf(`<iq type='result'><pubsub xmlns='${PUBSUB}'><items node='urn:xmpp:bookmarks:1'>
      <item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' name="The Play's the Thing" autojoin='1'><nick>JC</nick></conference></item>
      <item id='orchard@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard'/></item>
      <item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' name='dup'/></item>
      <item id='conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1'/></item>
      <item id='x@conference.shakespeare.lit/nick'><conference xmlns='urn:xmpp:bookmarks:1'/></item>
      <item id='y@conference.shakespeare.lit'><conference xmlns='storage:bookmarks'/></item>
      <item><conference xmlns='urn:xmpp:bookmarks:1'/></item>
    </items></pubsub></iq>`);
    expect(parseBookmarksResult(iq)).toEqual([
      { jid: 'theplay@conference.shakespeare.lit', name: "The Play's the Thing", autojoin: true, nick: 'JC' },
      { jid: 'orchard@conference.shakespeare.lit', name: 'The Orchard', autojoin: false },
    ]);
    expect(parseBookmarksResult(xmlOf(`<iq type='result'><pubsub xmlns='${PUBSUB}'><items node='urn:other'/></pubsub></iq>`))).toEqual([]);
    expect(parseBookmarksResult(xmlOf(`<iq type='error'/>`))).toEqual([]);
  });

  const event = (from: string | null, inner: string) =>
    xmlOf(
      `<message ${from === null ? '' : `from='${from}'`} to='${me}/balcony' type='headline'><event xmlns='${PUBSUB}#event'><items node='urn:xmpp:bookmarks:1'>${inner}</items></event></message>`,
    );

  it('reads notifications from the own bare JID', () => {
    const added = `<item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'><nick>JC</nick></conference></item>`;
    expect(parseBookmarksEvent(event('Juliet@Capulet.lit', added), me)).toEqual({
      published: [{ jid: 'theplay@conference.shakespeare.lit', autojoin: true, nick: 'JC' }],
      retracted: [],
    });
    expect(parseBookmarksEvent(event(null, `<retract id='theplay@conference.shakespeare.lit'/><retract id='bad/x'/>`), me)).toEqual({
      published: [],
      retracted: ['theplay@conference.shakespeare.lit'],
    });
  });

  it('refuses notifications from anyone else, from a full JID, or for another node', () => {
    const added = `<item id='evil@conference.evil.example'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item>`;
    expect(parseBookmarksEvent(event('romeo@montague.lit', added), me)).toBeUndefined();
    expect(parseBookmarksEvent(event(`${me}/other`, added), me)).toBeUndefined();
    expect(parseBookmarksEvent(event('capulet.lit', added), me)).toBeUndefined();
    expect(
      parseBookmarksEvent(
        xmlOf(`<message from='${me}'><event xmlns='${PUBSUB}#event'><items node='urn:xmpp:bookmarks:0'>${added}</items></event></message>`),
        me,
      ),
    ).toBeUndefined();
  });
});
