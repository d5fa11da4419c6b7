import { describe, expect, it } from 'vitest';
import { buildMamQuery, parseMamFin, parseMamResult } from './0313-mam.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const own = { queryId: 'f27', archiveJid: 'juliet@capulet.lit' };

// A result as Prosody sends it for the user's own archive: no 'from', one <result> per message.
const result = (opts: { from?: string; queryid?: string; id?: string; inner?: string } = {}) =>
  xmlOf(`<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' id='aeb213' ${opts.from ? `from='${opts.from}'` : ''}>
    <result xmlns='urn:xmpp:mam:2' queryid='${opts.queryid ?? 'f27'}' ${opts.id === '' ? '' : `id='${opts.id ?? '28482-98726-73623'}'`}>
      <forwarded xmlns='urn:xmpp:forward:0'>
        <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
        ${
          opts.inner ??
          `<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard' type='chat' id='m1'>
          <body>Call me but love, and I'll be new baptized</body>
        </message>`
        }
      </forwarded>
    </result>
  </message>`);

describe('XEP-0313 queries', () => {
  it('builds the last page of a conversation with a form and RSM', () => {
    expectXmlEqual(
      buildMamQuery({
        queryId: 'q1',
        with: 'romeo@montague.lit',
        start: Date.UTC(2010, 5, 7),
        end: Date.UTC(2010, 6, 7, 13, 23, 54, 500),
        before: true,
        max: 50,
      }),
      `<query xmlns='urn:xmpp:mam:2' queryid='q1'>
        <x xmlns='jabber:x:data' type='submit'>
          <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>
          <field var='with'><value>romeo@montague.lit</value></field>
          <field var='start'><value>2010-06-07T00:00:00Z</value></field>
          <field var='end'><value>2010-07-07T13:23:54.500Z</value></field>
        </x>
        <set xmlns='http://jabber.org/protocol/rsm'><max>50</max><before/></set>
      </query>`,
    );
  });

  it('pages forward after a known archive id, without a form when nothing is filtered', () => {
    expectXmlEqual(
      buildMamQuery({ queryId: 'q2', after: '09af3-cc343-b409f', max: 10 }),
      `<query xmlns='urn:xmpp:mam:2' queryid='q2'><set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>09af3-cc343-b409f</after></set></query>`,
    );
    expectXmlEqual(
      buildMamQuery({ queryId: 'q3', before: 'abc', max: 5 }),
      `<query xmlns='urn:xmpp:mam:2' queryid='q3'><set xmlns='http://jabber.org/protocol/rsm'><max>5</max><before>abc</before></set></query>`,
    );
  });

  it('escapes whatever the ids contain', () => {
    const q = buildMamQuery({ queryId: `a'b"<c>`, after: `x</after><max>999999</max><after>y`, max: 1 });
    expect(q.toString()).not.toContain('<max>999999');
    expect(q.getChild('set')?.getChildText('after')).toBe(`x</after><max>999999</max><after>y`);
  });

  it('refuses queries it cannot express', () => {
    expect(() => buildMamQuery({ queryId: 'q', after: 'a', before: 'b', max: 1 })).toThrow(RangeError);
    expect(() => buildMamQuery({ queryId: 'q', max: -1 })).toThrow(RangeError);
    expect(() => buildMamQuery({ queryId: 'q', max: 1.5 })).toThrow(RangeError);
    expect(() => buildMamQuery({ queryId: 'q', start: Number.NaN, max: 1 })).toThrow(RangeError);
    expect(() => buildMamQuery({ queryId: '', max: 1 })).toThrow(RangeError);
    expect(() => buildMamQuery({ queryId: 'q', with: '/nodomain', max: 1 })).toThrow(RangeError);
  });
});

describe('XEP-0313 results', () => {
  it('parses a page of the own archive (no from, or from the bare JID)', () => {
    for (const from of [undefined, 'juliet@capulet.lit', 'Juliet@Capulet.lit']) {
      const r = parseMamResult(result({ ...(from ? { from } : {}) }), own);
      expect(r).toMatchObject({ archiveId: '28482-98726-73623', delayedAt: Date.UTC(2010, 6, 10, 23, 8, 25) });
      expectXmlEqual(
        r!.forwarded,
        `<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard' type='chat' id='m1'>
          <body>Call me but love, and I'll be new baptized</body>
        </message>`,
      );
    }
  });

  it('parses a room archive result from the room', () => {
    const room = parseMamResult(
      xmlOf(`<message from='coven@chat.shakespeare.lit' to='hag66@shakespeare.lit/pda'>
        <result xmlns='urn:xmpp:mam:2' queryid='g27' id='34482-21985-73620'>
          <forwarded xmlns='urn:xmpp:forward:0'>
            <delay xmlns='urn:xmpp:delay' stamp='2002-10-13T23:58:37Z'/>
            <message xmlns='jabber:client' from='coven@chat.shakespeare.lit/firstwitch' type='groupchat'><body>Thrice</body></message>
          </forwarded>
        </result>
      </message>`),
      { queryId: 'g27', archiveJid: 'coven@chat.shakespeare.lit' },
    );
    expect(room?.archiveId).toBe('34482-21985-73620');
    expect(room?.forwarded.attrs.from).toBe('coven@chat.shakespeare.lit/firstwitch');
  });

  it('refuses a forged result from another JID, including our own other resources', () => {
    expect(parseMamResult(result({ from: 'mallory@evil.example' }), own)).toBeUndefined();
    expect(parseMamResult(result({ from: 'juliet@capulet.lit/other-device' }), own)).toBeUndefined();
    expect(parseMamResult(result({ from: 'capulet.lit' }), own)).toBeUndefined();
    // A room result is not accepted for the own archive, nor the other way round.
    expect(parseMamResult(result({ from: 'coven@chat.shakespeare.lit' }), own)).toBeUndefined();
  });

  it('refuses a result for another (or no) query', () => {
    expect(parseMamResult(result({ queryid: 'f28' }), own)).toBeUndefined();
    expect(parseMamResult(result(), { queryId: '', archiveJid: 'juliet@capulet.lit' })).toBeUndefined();
  });

  it('refuses results without an archive id, a forwarded message, or with duplicates', () => {
    expect(parseMamResult(result({ id: '' }), own)).toBeUndefined();
    expect(parseMamResult(result({ inner: '' }), own)).toBeUndefined();
    expect(parseMamResult(result({ inner: `<message xmlns='urn:evil'><body>x</body></message>` }), own)).toBeUndefined();
    expect(parseMamResult(result({ inner: `<message xmlns='jabber:client'/><message xmlns='jabber:client'/>` }), own)).toBeUndefined();
    const noForwarded = xmlOf(
      `<message><result xmlns='urn:xmpp:mam:2' queryid='f27' id='1'><message xmlns='jabber:client'/></result></message>`,
    );
    expect(parseMamResult(noForwarded, own)).toBeUndefined();
    const twoResults = xmlOf(`<message>
      <result xmlns='urn:xmpp:mam:2' queryid='f27' id='1'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>
      <result xmlns='urn:xmpp:mam:2' queryid='f27' id='2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></result>
    </message>`);
    expect(parseMamResult(twoResults, own)).toBeUndefined();
    expect(
      parseMamResult(xmlOf(`<message type='error'><result xmlns='urn:xmpp:mam:2' queryid='f27' id='1'/></message>`), own),
    ).toBeUndefined();
    expect(parseMamResult(xmlOf(`<iq type='set'><result xmlns='urn:xmpp:mam:2' queryid='f27' id='1'/></iq>`), own)).toBeUndefined();
  });

  it('ignores an unparsable delay', () => {
    const r = parseMamResult(
      xmlOf(`<message><result xmlns='urn:xmpp:mam:2' queryid='f27' id='1'><forwarded xmlns='urn:xmpp:forward:0'>
        <delay xmlns='urn:xmpp:delay' stamp='yesterday'/><message xmlns='jabber:client'/></forwarded></result></message>`),
      own,
    );
    expect(r).toBeDefined();
    expect(r).not.toHaveProperty('delayedAt');
  });
});

describe('XEP-0313 fin', () => {
  it('reads a complete last page', () => {
    expect(
      parseMamFin(
        xmlOf(`<iq type='result' id='u29303'>
        <fin xmlns='urn:xmpp:mam:2' complete='true'>
          <set xmlns='http://jabber.org/protocol/rsm'><first index='0'>23452-4534-1</first><last>390-2342-22</last><count>16</count></set>
        </fin>
      </iq>`),
      ),
    ).toEqual({ complete: true, stable: true, first: '23452-4534-1', last: '390-2342-22', count: 16 });
  });

  it('reads an incomplete page (complete absent or false) and an unstable one', () => {
    expect(
      parseMamFin(
        xmlOf(
          `<iq type='result'><fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><first>a</first><last>b</last></set></fin></iq>`,
        ),
      ),
    ).toEqual({ complete: false, stable: true, first: 'a', last: 'b' });
    expect(parseMamFin(xmlOf(`<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='false' stable='false'/></iq>`))).toEqual({
      complete: false,
      stable: false,
    });
    expect(
      parseMamFin(
        xmlOf(`<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='1'><set xmlns='http://jabber.org/protocol/rsm'/></fin></iq>`),
      ),
    ).toEqual({ complete: true, stable: true });
  });

  it('drops malformed counts and refuses errors or foreign fins', () => {
    expect(
      parseMamFin(
        xmlOf(
          `<iq type='result'><fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><count>-3</count></set></fin></iq>`,
        ),
      ),
    ).toEqual({ complete: false, stable: true });
    expect(parseMamFin(xmlOf(`<iq type='error'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>`))).toBeUndefined();
    expect(parseMamFin(xmlOf(`<iq type='result'><fin xmlns='urn:xmpp:mam:1' complete='true'/></iq>`))).toBeUndefined();
    expect(parseMamFin(xmlOf(`<iq type='result'/>`))).toBeUndefined();
  });
});
