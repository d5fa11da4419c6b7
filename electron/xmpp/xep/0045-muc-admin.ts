// XEP-0045: Multi-User Chat — https://xmpp.org/extensions/xep-0045.html
// Moderator use cases (§8: kick, voice), admin use cases (§9: ban, member/admin lists) and owner use
// cases (§10: configuration, instant rooms, destruction). Each builder returns the payload of an
// `<iq>` (type in the doc comment) addressed to the room's bare JID; the caller sends it.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import { NS_DATA, parseForm, type ParsedForm } from './0004-data-forms.js';
import { isAffiliation, isRole, type MucAffiliation, type MucRole } from './0045-muc.js';

export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
/** §15.5.3: the FORM_TYPE of the room configuration form. */
export const FORM_ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';

const reasonEl = (reason?: string) => (reason ? [xml('reason', {}, reason)] : []);

function requireNick(nick: string): string {
  if (!nick.trim()) throw new RangeError('MUC nick is empty');
  return nick;
}

function requireBare(jid: string): string {
  const j = parseJid(jid);
  if (!j) throw new RangeError(`Not a JID: ${jid}`);
  return j.bare;
}

/**
 * `<iq type='set'>`: set an occupant's role by nick. Roles are per visit, addressed by nick (§5.1).
 * - §8.2 Kicking: "The moderator can then revoke voice ... or kick ... by changing the role to 'none'" —
 *   `buildSetRole(nick, 'none', reason)`; the kicked user gets status 307.
 * - §8.3 Granting Voice: role 'participant'; §8.4 Revoking Voice: role 'visitor'.
 * - §8.6/8.7 Granting / revoking moderator status: role 'moderator' / 'participant'.
 */
export function buildSetRole(nick: string, role: MucRole, reason?: string): Element {
  if (!isRole(role)) throw new RangeError(`Not a MUC role: ${String(role)}`);
  return xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { nick: requireNick(nick), role }, ...reasonEl(reason)));
}

export const buildKick = (nick: string, reason?: string): Element => buildSetRole(nick, 'none', reason);
export const buildGrantVoice = (nick: string, reason?: string): Element => buildSetRole(nick, 'participant', reason);
export const buildRevokeVoice = (nick: string, reason?: string): Element => buildSetRole(nick, 'visitor', reason);

/**
 * `<iq type='set'>`: set a user's affiliation by bare JID. Affiliations are long-lived and belong to
 * the bare JID (§5.2), so the 'jid' is always made bare.
 * - §9.1 Banning a User: "the admin MUST send an IQ set to the room with affiliation 'outcast'" — the
 *   `buildBan` shorthand; §9.3/§9.4 members, §10.3/§10.6 owners and admins; 'none' removes it.
 */
export function buildSetAffiliation(jid: string, affiliation: MucAffiliation, reason?: string): Element {
  if (!isAffiliation(affiliation)) throw new RangeError(`Not a MUC affiliation: ${String(affiliation)}`);
  return xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation, jid: requireBare(jid) }, ...reasonEl(reason)));
}

export const buildBan = (jid: string, reason?: string): Element => buildSetAffiliation(jid, 'outcast', reason);

/** `<iq type='get'>`: §9.2 ban list ('outcast'), §9.5 member list, §10.5 owner list, §10.8 admin list. */
export function buildAffiliationListQuery(affiliation: Exclude<MucAffiliation, 'none'>): Element {
  if (!isAffiliation(affiliation) || (affiliation as string) === 'none')
    throw new RangeError(`Not a listable affiliation: ${String(affiliation)}`);
  return xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation }));
}

export interface AffiliationItem {
  jid: string;
  affiliation: MucAffiliation;
  /** A reserved nick, if the room says. */
  nick?: string;
  reason?: string;
}

/** The items of a list query's `<iq type='result'>`; items with no valid JID or affiliation are dropped. */
export function parseAffiliationList(iq: Element): AffiliationItem[] {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return [];
  const query = iq.getChild('query', NS_MUC_ADMIN);
  if (!query) return [];
  const out: AffiliationItem[] = [];
  for (const item of query.getChildren('item').slice(0, 100_000)) {
    const jid = parseJid(item.attrs.jid as string | undefined);
    const affiliation = item.attrs.affiliation;
    if (!jid || !isAffiliation(affiliation)) continue;
    const nick = (item.attrs.nick as string | undefined) || undefined;
    const reason = item.getChildText('reason') || undefined;
    out.push({ jid: jid.bare, affiliation, ...(nick ? { nick } : {}), ...(reason ? { reason } : {}) });
  }
  return out;
}

/** `<iq type='get'>`: §10.2 "the room owner requests a configuration form by sending an IQ get ... containing an empty <query/>". */
export function buildConfigRequest(): Element {
  return xml('query', { xmlns: NS_MUC_OWNER });
}

/**
 * The room configuration form in the owner's `<iq type='result'>`, for the UI to render; `undefined`
 * when there is none or it is not a 'form'. Not tied to FORM_TYPE muc#roomconfig: some services omit it.
 */
export function parseConfigForm(iq: Element): ParsedForm | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const form = parseForm(iq.getChild('query', NS_MUC_OWNER)?.getChild('x', NS_DATA));
  return form?.type === 'form' ? form : undefined;
}

/** `<iq type='set'>`: §10.2 submit the filled-in form (build it with `buildSubmitFromFields`), or cancel it (`buildCancelForm`). */
export function buildConfigSubmit(form: Element): Element {
  if (!form.is('x', NS_DATA) || (form.attrs.type !== 'submit' && form.attrs.type !== 'cancel')) {
    throw new RangeError('A room configuration is submitted with a jabber:x:data form of type submit or cancel');
  }
  return xml('query', { xmlns: NS_MUC_OWNER }, form);
}

/**
 * `<iq type='set'>`: §10.1.2 Creating an Instant Room — "the room owner MUST send an empty data
 * form of type 'submit'", which accepts the default configuration and unlocks the room (status 201).
 */
export function buildInstantRoom(): Element {
  return xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: NS_DATA, type: 'submit' }));
}

/**
 * `<iq type='set'>`: §10.9 Destroying a Room. An optional alternate venue (a room JID) and reason are
 * passed on to the occupants in their unavailable presence.
 */
export function buildDestroyRoom(opts: { alternate?: string; reason?: string; password?: string } = {}): Element {
  const alternate = opts.alternate === undefined ? undefined : bareOf(opts.alternate);
  if (opts.alternate !== undefined && !alternate) throw new RangeError(`Not a JID: ${opts.alternate}`);
  return xml(
    'query',
    { xmlns: NS_MUC_OWNER },
    xml(
      'destroy',
      alternate ? { jid: alternate } : {},
      ...(opts.password !== undefined ? [xml('password', {}, opts.password)] : []),
      ...reasonEl(opts.reason),
    ),
  );
}
