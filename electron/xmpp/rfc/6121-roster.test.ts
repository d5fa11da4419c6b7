import { describe, expect, it } from 'vitest';
import {
  buildRosterGet,
  buildRosterRemove,
  buildRosterSet,
  isTrustedRosterPush,
  parseRosterPush,
  parseRosterQuery,
} from './6121-roster.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('RFC 6121 roster', () => {
  it('asks for the roster with the cached version', () => {
    expectXmlEqual(buildRosterGet('ver14'), `<query xmlns='jabber:iq:roster' ver='ver14'/>`);
    expectXmlEqual(buildRosterGet(), `<query xmlns='jabber:iq:roster'/>`);
  });

  it('parses items with names, groups and pending requests, lower-casing JIDs', () => {
    const r = parseRosterQuery(
      xmlOf(`<query xmlns='jabber:iq:roster' ver='v2'>
        <item jid='Juliet@Example.com' name='Juliet' subscription='both'><group>Friends</group><group>Friends</group></item>
        <item jid='romeo@example.net' ask='subscribe'/>
        <item name='no jid'/>
      </query>`),
    );
    expect(r.ver).toBe('v2');
    expect(r.items).toEqual([
      { jid: 'juliet@example.com', name: 'Juliet', subscription: 'both', pendingOut: false, groups: ['Friends'] },
      { jid: 'romeo@example.net', subscription: 'none', pendingOut: true, groups: [] },
    ]);
  });

  it('treats an empty result as "your cached roster is current" (§2.6.3)', () => {
    expect(parseRosterQuery(undefined)).toEqual({ items: [], upToDate: true });
  });

  it('builds set and remove', () => {
    expectXmlEqual(
      buildRosterSet({ jid: 'nurse@example.com', name: 'Nurse', groups: ['Servants'] }),
      `<query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse'><group>Servants</group></item></query>`,
    );
    expectXmlEqual(
      buildRosterRemove('nurse@example.com'),
      `<query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='remove'/></query>`,
    );
  });

  it('accepts pushes only from our own server or bare JID', () => {
    const push = (from?: string) =>
      xmlOf(`<iq type='set' id='a' ${from ? `from='${from}'` : ''}><query xmlns='jabber:iq:roster'><item jid='x@y.z'/></query></iq>`);
    expect(isTrustedRosterPush(push(), 'me@example.com')).toBe(true);
    expect(isTrustedRosterPush(push('me@example.com'), 'me@example.com')).toBe(true);
    expect(isTrustedRosterPush(push('mallory@evil.com'), 'me@example.com')).toBe(false);
    expect(isTrustedRosterPush(push('me@example.com/res'), 'me@example.com')).toBe(false);
  });

  it('rejects a push with more than one item', () => {
    const iq = xmlOf(`<iq type='set'><query xmlns='jabber:iq:roster'><item jid='a@b.c'/><item jid='d@e.f'/></query></iq>`);
    expect(parseRosterPush(iq)).toBeUndefined();
  });
});
