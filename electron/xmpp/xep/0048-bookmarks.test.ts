import { describe, expect, it } from 'vitest';
import { buildLegacyBookmarksRequest, buildLegacyBookmarksStore, parseLegacyBookmarks } from './0048-bookmarks.js';
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
    expect(got.bookmarks).toEqual([{ jid: 'council@conference.underhill.org', name: 'Council of Oberon', autojoin: true, nick: 'Puck', password: 'titania' }]);
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
    expect(parseLegacyBookmarks(xmlOf(`<iq type='result'><query xmlns='jabber:iq:private'><storage xmlns='storage:rosternotes'/></query></iq>`))).toBeUndefined();
    expect(() => buildLegacyBookmarksStore([{ jid: 'a@b.c/d', autojoin: false }])).toThrow(RangeError);
  });
});
