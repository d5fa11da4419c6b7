import { describe, expect, it } from 'vitest';
import {
  buildLegacyBookmarksPepPublish,
  buildLegacyBookmarksPepRequest,
  buildLegacyBookmarksRequest,
  buildLegacyBookmarksStore,
  parseLegacyBookmarks,
  parseLegacyBookmarksEvent,
  parseLegacyBookmarksPepResult,
} from './0048-bookmarks.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0048 legacy bookmarks', () => {
  it('requests and stores the whole list, keeping other entries', () => {
    expectXmlEqual(buildLegacyBookmarksRequest(), `<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query>`);
    const got = parseLegacyBookmarks(
      xmlOf(`<iq type='result'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>
        <conference name='Council of Oberon' autojoin='true' jid='Council@conference.underhill.org'><nick>Puck</nick><password>titania</password></conference>
        <url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>
        <conference jid='council@conference.underhill.org' name='dup'/>
        <conference jid='conference.underhill.org'/>
        <conference name='no jid'/>
      </storage></query></iq>`),
    )!;
    expect(got.bookmarks).toEqual([
      { jid: 'council@conference.underhill.org', name: 'Council of Oberon', autojoin: true, nick: 'Puck', password: 'titania' },
    ]);
    expectXmlEqual(
      buildLegacyBookmarksStore([...got.bookmarks, { jid: 'orchard@conference.underhill.org', autojoin: false }], got.others),
      `<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>
        <conference jid='council@conference.underhill.org' autojoin='true' name='Council of Oberon'><nick>Puck</nick><password>titania</password></conference>
        <conference jid='orchard@conference.underhill.org' autojoin='false'/>
        <url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>
      </storage></query>`,
    );
  });

  it('refuses errors, missing storage and bad JIDs', () => {
    expect(parseLegacyBookmarks(xmlOf(`<iq type='error'/>`))).toBeUndefined();
    expect(
      parseLegacyBookmarks(xmlOf(`<iq type='result'><query xmlns='jabber:iq:private'><storage xmlns='storage:rosternotes'/></query></iq>`)),
    ).toBeUndefined();
    expect(() => buildLegacyBookmarksStore([{ jid: 'a@b.c/d', autojoin: false }])).toThrow(RangeError);
  });

  it('XEP-0048 §3.3 in PEP: reads and publishes the whole document as item "current", private to the user', () => {
    expectXmlEqual(
      buildLegacyBookmarksPepRequest(),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='storage:bookmarks'/></pubsub>`,
    );
    const got = parseLegacyBookmarksPepResult(
      xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='storage:bookmarks'><item id='current'>
        <storage xmlns='storage:bookmarks'><conference jid='council@conference.underhill.org' autojoin='1'><nick>Puck</nick></conference>
        <url name='Works' url='http://the-tech.mit.edu/Shakespeare/'/></storage></item></items></pubsub></iq>`),
    )!;
    expect(got.bookmarks).toEqual([{ jid: 'council@conference.underhill.org', autojoin: true, nick: 'Puck' }]);
    expectXmlEqual(
      buildLegacyBookmarksPepPublish(got.bookmarks, got.others),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'>
        <publish node='storage:bookmarks'><item id='current'><storage xmlns='storage:bookmarks'>
          <conference jid='council@conference.underhill.org' autojoin='true'><nick>Puck</nick></conference>
          <url name='Works' url='http://the-tech.mit.edu/Shakespeare/'/>
        </storage></item></publish>
        <publish-options><x xmlns='jabber:x:data' type='submit'>
          <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
          <field var='pubsub#persist_items'><value>true</value></field>
          <field var='pubsub#access_model'><value>whitelist</value></field>
        </x></publish-options>
      </pubsub>`,
    );
    // An empty node: nothing stored there yet (the caller then reads private storage).
    expect(
      parseLegacyBookmarksPepResult(
        xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='storage:bookmarks'/></pubsub></iq>`),
      ),
    ).toBeUndefined();
  });

  it("takes a pushed document only from the user's own account", () => {
    const push = (from: string) =>
      xmlOf(`<message ${from}><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='storage:bookmarks'>
      <item id='current'><storage xmlns='storage:bookmarks'><conference jid='trap@rooms.evil.example' autojoin='true'/></storage></item>
    </items></event></message>`);
    const own = 'alice@example.test';
    expect(parseLegacyBookmarksEvent(push(`from='${own}'`), own)?.bookmarks.map((b) => b.jid)).toEqual(['trap@rooms.evil.example']);
    expect(parseLegacyBookmarksEvent(push(''), own)?.bookmarks).toHaveLength(1);
    expect(parseLegacyBookmarksEvent(push(`from='mallory@example.test'`), own)).toBeUndefined();
    expect(parseLegacyBookmarksEvent(push(`from='${own}/phone'`), own)).toBeUndefined();
    expect(parseLegacyBookmarksEvent(push(`from='example.test'`), own)).toBeUndefined();
  });
});
