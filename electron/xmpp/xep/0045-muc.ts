// XEP-0045: Multi-User Chat — https://xmpp.org/extensions/xep-0045.html
// with XEP-0421: Anonymous unique occupant identifiers — https://xmpp.org/extensions/xep-0421.html
// Occupant side: joining, leaving, nick changes, occupant presence, room messages, subjects, mediated
// invitations and room discovery. Moderation and room administration IQs are in 0045-muc-admin.ts.
// Pure protocol: which rooms to join and what to show is the caller's job.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import { NS_DATA, parseForm } from './0004-data-forms.js';
import { parseStanzaError } from '../rfc/6120-stanza-errors.js';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from './0030-disco.js';
import { NS_MAM } from './0313-mam.js';
import { NS_SID } from './0359-stable-ids.js';
import { NS_MODERATE, NS_MODERATE_0 } from './0424-retraction.js';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0';

export type MucRole = 'moderator' | 'participant' | 'visitor' | 'none';
export type MucAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';
const ROLES: readonly string[] = ['moderator', 'participant', 'visitor', 'none'];
const AFFILIATIONS: readonly string[] = ['owner', 'admin', 'member', 'outcast', 'none'];
export const isRole = (r: unknown): r is MucRole => typeof r === 'string' && ROLES.includes(r);
export const isAffiliation = (a: unknown): a is MucAffiliation => typeof a === 'string' && AFFILIATIONS.includes(a);

/** §15.6 status codes a client acts on (the registry has more; any code is passed through). */
export const MucStatus = {
  /** "Inform user that any occupant is allowed to see the user's full JID" (room is non-anonymous). */
  NonAnonymous: 100,
  /** "Inform occupants that a non-privacy-related room configuration change has occurred" (§10.2.1). */
  ConfigChanged: 104,
  /** "Inform user that presence refers to one of its own room occupants". */
  Self: 110,
  /** "Inform occupants that room logging is now enabled" (and on join: the room is logged). */
  Logging: 170,
  /** "Inform user that a new room has been created" — it is locked until configured (§10.1). */
  Created: 201,
  /** "Inform user that service has assigned or modified occupant's roomnick". */
  NickAssigned: 210,
  /** "Inform user that he or she has been banned from the room". */
  Banned: 301,
  /** "Inform all occupants of new room nickname". */
  NickChanged: 303,
  /** "Inform user that he or she has been kicked from the room". */
  Kicked: 307,
  /** "…removed from the room because of an affiliation change". */
  RemovedAffiliation: 321,
  /** "…removed from the room because the room has been changed to members-only and the user is not a member". */
  RemovedMembersOnly: 322,
  /** "…removed from the room because the MUC service is being shut down". */
  RemovedShutdown: 332,
  /** "…removed from the room because of an error in the technical sense" (e.g. unreachable). */
  RemovedError: 333,
} as const;

// ---------------------------------------------------------------------------------------------------
// Joining, leaving, changing nick

export interface JoinOptions {
  password?: string;
  /**
   * How many history messages the room should replay. Default 0: history comes from MAM. §7.2.14:
   * "the user MAY request ... by including a <history/> element" with "maxstanzas ... Limit the
   * total number of messages in the history to 'X'". The room still sends the subject (§7.2.15).
   */
  maxStanzas?: number;
}

/**
 * The join presence to `room@service/nick` (§7.2.1: "the user's client MUST send ... a <presence/>
 * stanza ... containing an empty <x/> element qualified by the 'http://jabber.org/protocol/muc'
 * namespace"). Throws a RangeError for a JID that cannot be a room or an empty nick.
 */
export function buildJoinPresence(roomJid: string, nick: string, opts: JoinOptions = {}): Element {
  const to = occupantJid(roomJid, nick);
  const max = opts.maxStanzas ?? 0;
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`MUC maxstanzas must be a non-negative integer, got ${max}`);
  return xml(
    'presence',
    { to },
    xml(
      'x',
      { xmlns: NS_MUC },
      xml('history', { maxstanzas: String(max) }),
      // §7.2.6: "the user MUST provide the password ... by including a <password/> element".
      ...(opts.password !== undefined ? [xml('password', {}, opts.password)] : []),
    ),
  );
}

/** §7.14: "an occupant exits a room by sending presence of type 'unavailable' to its current <room@service/nick>". */
export function buildLeavePresence(roomJid: string, nick: string, status?: string): Element {
  return xml('presence', { to: occupantJid(roomJid, nick), type: 'unavailable' }, ...(status ? [xml('status', {}, status)] : []));
}

/**
 * §7.6 Changing Nickname: plain presence to `room@service/newnick` — without the join <x/>, which
 * some services would take for a new join. The reply is the old nick's unavailable presence with
 * status 303 and the new nick (see `MucOccupant.newNick`), then the new nick's presence.
 */
export function buildNickChangePresence(roomJid: string, newNick: string): Element {
  return xml('presence', { to: occupantJid(roomJid, newNick) });
}

/** `room@service/nick`; throws a RangeError when the room is not a bare `local@domain` or the nick is empty. */
export function occupantJid(roomJid: string, nick: string): string {
  const room = parseJid(roomJid);
  if (!room || !room.local || room.resource !== '') throw new RangeError(`Not a room JID: ${roomJid}`);
  if (!nick.trim()) throw new RangeError('MUC nick is empty');
  return `${room.bare}/${nick}`;
}

// ---------------------------------------------------------------------------------------------------
// Occupant presence

export interface MucOccupant {
  kind: 'occupant';
  nick: string;
  /** 'unavailable' presence: the occupant left (or was removed; see statusCodes). */
  available: boolean;
  role: MucRole;
  affiliation: MucAffiliation;
  /** Only in non-anonymous rooms, or to moderators of semi-anonymous ones. */
  realJid?: string;
  /** XEP-0421 id, only when the caller says the room announces `urn:xmpp:occupant-id:0`. */
  occupantId?: string;
  statusCodes: number[];
  /** §7.2.3: status 110 — this presence is about the user. */
  isSelf: boolean;
  /** §7.6.3: with status 303 on the unavailable presence, the occupant's new nick. */
  newNick?: string;
  /** §9 kicks and bans, §10 role changes: the <reason/> and <actor/> of the <item/>. */
  reason?: string;
  actor?: { nick?: string; jid?: string };
  /** §10.9: the room was destroyed; an alternate venue and reason may be given. */
  destroyed?: { alternate?: string; reason?: string; password?: string };
  /** <show/> and <status/> of the occupant's own presence. */
  show?: string;
  status?: string;
}

export type MucJoinErrorCode =
  | 'password-required'
  | 'banned'
  | 'members-only'
  | 'nick-conflict'
  | 'room-full'
  | 'not-allowed'
  | 'room-not-found'
  | 'nick-reserved'
  | 'nick-invalid'
  | 'unknown';

export interface MucJoinError {
  kind: 'error';
  code: MucJoinErrorCode;
  /** The RFC 6120 defined condition, e.g. 'not-authorized'. */
  condition: string;
  /** The server's <text/>, for a details view; not a sentence for the UI. */
  text?: string;
}

/**
 * §7.2 error table ("Error Conditions for Entering a Room"): each condition the service returns when
 * a join fails, in words-ready codes.
 */
const JOIN_ERRORS: Readonly<Record<string, MucJoinErrorCode>> = {
  // §7.2.6 "Password-Protected Rooms": <not-authorized/>.
  'not-authorized': 'password-required',
  // §7.2.7 "Banned Users": "the service MUST deny access to the room and inform the user ... <forbidden/>".
  forbidden: 'banned',
  // §7.2.5 "Members-Only Rooms": <registration-required/>.
  'registration-required': 'members-only',
  // §7.2.8 "Nickname Conflict": <conflict/>.
  conflict: 'nick-conflict',
  // §7.2.10 "Max Users": <service-unavailable/>.
  'service-unavailable': 'room-full',
  // §10.1.1: "If the room does not yet exist" and the user may not create it: <not-allowed/>.
  'not-allowed': 'not-allowed',
  // §7.2.11 "Locked Room" / a room that does not exist: <item-not-found/>.
  'item-not-found': 'room-not-found',
  // §7.2.9: "If the user attempts to use a room nickname other than the reserved one": <not-acceptable/>.
  'not-acceptable': 'nick-reserved',
  // §7.2.1 "If the user does not specify a room nickname" (or gives an invalid one): <jid-malformed/>.
  'jid-malformed': 'nick-invalid',
};

function errorCondition(stanza: Element): { condition: string; text?: string } {
  const { condition, text } = parseStanzaError(stanza) ?? { condition: 'undefined-condition' };
  return { condition, ...(text ? { text } : {}) };
}

const attr = (el: Element | undefined, name: string): string | undefined => {
  const v = el?.attrs[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * XEP-0421 §4 Business Rules: "The <occupant-id> element MUST be ignored if support for the feature is
 * not announced via XEP-0030, as malicious clients might forge occupant identifiers if the room does
 * not support them." "Messages and presences MUST NOT contain more then one <occupant-id> element" —
 * so several are refused, as is an id beyond the schema's "maxLength value='128'".
 */
export function occupantIdOf(stanza: Element, trusted: boolean): string | undefined {
  if (!trusted) return undefined;
  const ids = stanza.getChildren('occupant-id', NS_OCCUPANT_ID);
  const id = ids.length === 1 ? attr(ids[0], 'id') : undefined;
  return id !== undefined && id.length <= 128 ? id : undefined;
}

export interface MucContext {
  /** The room's bare JID. */
  roomJid: string;
  /** Did the room's disco#info list `urn:xmpp:occupant-id:0`? */
  occupantIdTrusted?: boolean;
}

const parseStatusCodes = (x: Element | undefined): number[] => [
  ...new Set(
    (x?.getChildren('status') ?? [])
      .map((s) => s.attrs.code as string)
      .filter((c) => /^[1-9][0-9]{2}$/.test(c ?? ''))
      .map(Number),
  ),
];

/**
 * A presence from an occupant of `roomJid` (from `room@service/nick`), or a join error; `undefined`
 * for presence from anywhere else, and for presence of the room's bare JID.
 *
 * The occupant-id is read only when `occupantIdTrusted` (see `occupantIdOf`).
 * A role or affiliation outside the §5 lists makes the presence malformed (dropped).
 */
export function parseMucPresence(presence: Element, ctx: MucContext | string): MucOccupant | MucJoinError | undefined {
  const { roomJid, occupantIdTrusted = false } = typeof ctx === 'string' ? { roomJid: ctx } : ctx;
  if (!presence.is('presence')) return undefined;
  const room = parseJid(roomJid);
  const from = parseJid(presence.attrs.from as string | undefined);
  if (!room || !from || from.bare !== room.bare || from.resource === '') return undefined;
  const type = presence.attrs.type as string | undefined;
  if (type === 'error') {
    const { condition, text } = errorCondition(presence);
    return { kind: 'error', code: JOIN_ERRORS[condition] ?? 'unknown', condition, ...(text ? { text } : {}) };
  }
  if (type !== undefined && type !== 'unavailable') return undefined;
  const xs = presence.getChildren('x', NS_MUC_USER);
  if (xs.length !== 1) return undefined;
  const x = xs[0]!;
  const items = x.getChildren('item');
  // One <item/>; or, for an occupant whose account is in the room from several devices under one nick
  // (Prosody's multi-session occupants), one per session — those must agree on role, affiliation and
  // account, else the presence is malformed.
  const item = items[0];
  if (
    !item ||
    items.length > 64 ||
    !items.every(
      (i) =>
        i.attrs.role === item.attrs.role &&
        i.attrs.affiliation === item.attrs.affiliation &&
        bareOf(i.attrs.jid) === bareOf(item.attrs.jid),
    )
  )
    return undefined;
  const role = item.attrs.role;
  const affiliation = item.attrs.affiliation;
  if (!isRole(role) || !isAffiliation(affiliation)) return undefined;
  const statusCodes = parseStatusCodes(x);
  const realJid = attr(item, 'jid');
  const occupantId = occupantIdOf(presence, occupantIdTrusted);
  const isNickChange = type === 'unavailable' && statusCodes.includes(MucStatus.NickChanged);
  const newNick = isNickChange ? attr(item, 'nick') : undefined;
  const reason = item.getChildText('reason') || undefined;
  const actorEl = item.getChild('actor');
  const actor =
    actorEl && (attr(actorEl, 'nick') || attr(actorEl, 'jid'))
      ? { ...optional('nick', attr(actorEl, 'nick')), ...optional('jid', attr(actorEl, 'jid')) }
      : undefined;
  const destroyEl = type === 'unavailable' ? x.getChild('destroy') : undefined;
  const destroyed = destroyEl
    ? {
        ...optional('alternate', parseJid(attr(destroyEl, 'jid')) ? attr(destroyEl, 'jid') : undefined),
        ...optional('reason', destroyEl.getChildText('reason') || undefined),
        ...optional('password', destroyEl.getChildText('password') || undefined),
      }
    : undefined;
  const show = presence.getChildText('show') || undefined;
  const status = presence.getChildText('status') || undefined;
  return {
    kind: 'occupant',
    nick: from.resource,
    available: type === undefined,
    role,
    affiliation,
    ...optional('realJid', realJid && parseJid(realJid) ? realJid : undefined),
    ...optional('occupantId', occupantId),
    statusCodes,
    isSelf: statusCodes.includes(MucStatus.Self),
    ...optional('newNick', newNick),
    ...optional('reason', reason),
    ...optional('actor', actor),
    ...optional('destroyed', destroyed),
    ...optional('show', show),
    ...optional('status', status),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * §10.1.1: "the service MUST ... create the room, ... and send ... presence ... with status code 201"
 * — the room is locked until the owner submits a configuration or accepts an instant room
 * (`buildInstantRoom()`); until then nobody else can join.
 */
export const isRoomCreated = (o: MucOccupant): boolean => o.isSelf && o.statusCodes.includes(MucStatus.Created);

/** Why the user is no longer in the room, from their own unavailable presence; `undefined` for a normal leave. */
export function removalReason(
  o: MucOccupant,
): 'kicked' | 'banned' | 'affiliation' | 'members-only' | 'shutdown' | 'error' | 'destroyed' | undefined {
  if (o.available) return undefined;
  const s = o.statusCodes;
  if (s.includes(MucStatus.Banned)) return 'banned';
  if (s.includes(MucStatus.Kicked)) return 'kicked';
  if (s.includes(MucStatus.RemovedAffiliation)) return 'affiliation';
  if (s.includes(MucStatus.RemovedMembersOnly)) return 'members-only';
  if (s.includes(MucStatus.RemovedShutdown)) return 'shutdown';
  if (s.includes(MucStatus.RemovedError)) return 'error';
  if (o.destroyed) return 'destroyed';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Room messages

export interface MucGroupchat {
  /** The sender's nick; `undefined` when the room itself speaks (subject, config change notices). */
  nick?: string;
  /** XEP-0421 id of the sender, only when trusted (see `MucContext`). */
  occupantId?: string;
  body?: string;
  /**
   * §7.2.15: set when this is a subject change ("only a message that contains a <subject/> but no
   * <body/> element shall be considered a subject change"). '' clears the subject.
   */
  subject?: string;
  /** §15.6 status codes carried by room messages (104 config changed, 170 logging on, …). */
  statusCodes: number[];
}

/**
 * A type='groupchat' message of `roomJid`, or `undefined`. §7.2.x: room messages come "from the
 * room JID" — a full `room@service/nick` for an occupant, the bare room for the room itself. Anything
 * else (another JID, another type, an error) is not a room message; in particular a 'groupchat'
 * message from a contact's JID must not be shown in the room.
 */
export function parseGroupchat(message: Element, ctx: MucContext | string): MucGroupchat | undefined {
  const { roomJid, occupantIdTrusted = false } = typeof ctx === 'string' ? { roomJid: ctx } : ctx;
  if (!message.is('message') || message.attrs.type !== 'groupchat') return undefined;
  const room = parseJid(roomJid);
  const from = parseJid(message.attrs.from as string | undefined);
  if (!room || !from || from.bare !== room.bare) return undefined;
  const bodyEl = message.getChild('body');
  const subjectEl = message.getChild('subject');
  const isSubject = subjectEl !== undefined && bodyEl === undefined;
  const x = message.getChild('x', NS_MUC_USER);
  return {
    ...optional('nick', from.resource || undefined),
    ...optional('occupantId', from.resource ? occupantIdOf(message, occupantIdTrusted) : undefined),
    ...optional('body', bodyEl ? bodyEl.text() : undefined),
    ...optional('subject', isSubject ? subjectEl.text() : undefined),
    statusCodes: parseStatusCodes(x),
  };
}

/** §8.1: "A MUC client MAY change the subject ... by sending a message of type 'groupchat' to the <room@service>" with only a <subject/>. */
export function buildSubjectChange(roomJid: string, subject: string): Element {
  occupantJid(roomJid, 'x');
  return xml('message', { to: bareOf(roomJid), type: 'groupchat' }, xml('subject', {}, subject));
}

// ---------------------------------------------------------------------------------------------------
// Mediated invitations (§7.8.2)

/**
 * §7.8.2: "the <message/> stanza MUST be addressed to <room@service> ... and contain an <x/> ... with
 * an <invite/> child whose 'to' attribute is the bare JID of the invitee". For members-only rooms
 * the room may add the invitee to the member list.
 */
export function buildMediatedInvite(roomJid: string, inviteeJid: string, reason?: string): Element {
  occupantJid(roomJid, 'x');
  const invitee = bareOf(inviteeJid);
  if (!invitee) throw new RangeError(`Not a JID: ${inviteeJid}`);
  return xml(
    'message',
    { to: bareOf(roomJid) },
    xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: invitee }, ...(reason ? [xml('reason', {}, reason)] : []))),
  );
}

/** §7.8.2: declining, sent back to the room, which tells the inviter. */
export function buildDeclineInvite(roomJid: string, inviterJid: string, reason?: string): Element {
  occupantJid(roomJid, 'x');
  if (!parseJid(inviterJid)) throw new RangeError(`Not a JID: ${inviterJid}`);
  return xml(
    'message',
    { to: bareOf(roomJid) },
    xml('x', { xmlns: NS_MUC_USER }, xml('decline', { to: inviterJid }, ...(reason ? [xml('reason', {}, reason)] : []))),
  );
}

export interface MucInvite {
  kind: 'invite';
  /** The room: the bare 'from' of the message. */
  roomJid: string;
  /**
   * Who the room says invited the user. Only the room vouches for it, and any entity can send a
   * message shaped like this from its own JID: show both the room and this inviter, and do not join
   * automatically.
   */
  inviter?: string;
  reason?: string;
  /** §7.8.2: "the room password ... MAY" be included for password-protected rooms. */
  password?: string;
  /** XEP-0045 §7.8.2 <continue/>: the invitation continues a one-to-one chat (thread id, if any). */
  continueThread?: string | true;
}

export interface MucDecline {
  kind: 'decline';
  roomJid: string;
  /** Who declined, as the room says. */
  decliner?: string;
  reason?: string;
}

/**
 * A mediated invitation or decline from a room (§7.8.2): a message from a bare `local@domain` JID
 * carrying `<x xmlns='…muc#user'>` with exactly one <invite/> or <decline/>; `undefined` otherwise
 * (also for type='groupchat' and 'error' messages, and for invitations without a 'from').
 */
export function parseMucUserMessage(message: Element): MucInvite | MucDecline | undefined {
  if (!message.is('message')) return undefined;
  const type = message.attrs.type as string | undefined;
  if (type === 'error' || type === 'groupchat') return undefined;
  const from = parseJid(message.attrs.from as string | undefined);
  if (!from || !from.local || from.resource !== '') return undefined;
  const xs = message.getChildren('x', NS_MUC_USER);
  if (xs.length !== 1) return undefined;
  const x = xs[0]!;
  const invites = x.getChildren('invite');
  const declines = x.getChildren('decline');
  if (invites.length + declines.length !== 1) return undefined;
  if (invites.length === 1) {
    const inv = invites[0]!;
    const inviter = attr(inv, 'from');
    const cont = inv.getChild('continue');
    return {
      kind: 'invite',
      roomJid: from.bare,
      ...optional('inviter', inviter && parseJid(inviter) ? inviter : undefined),
      ...optional('reason', inv.getChildText('reason') || undefined),
      ...optional('password', x.getChildText('password') || undefined),
      ...optional('continueThread', cont ? (attr(cont, 'thread') ?? (true as const)) : undefined),
    };
  }
  const dec = declines[0]!;
  const decliner = attr(dec, 'from');
  return {
    kind: 'decline',
    roomJid: from.bare,
    ...optional('decliner', decliner && parseJid(decliner) ? decliner : undefined),
    ...optional('reason', dec.getChildText('reason') || undefined),
  };
}

// ---------------------------------------------------------------------------------------------------
// Discovery (§6)

/** §6.4: the features a client shows or acts on (the registry, §15.2, has more). */
export const MucFeature = {
  Muc: NS_MUC,
  PasswordProtected: 'muc_passwordprotected',
  Unsecured: 'muc_unsecured',
  MembersOnly: 'muc_membersonly',
  Open: 'muc_open',
  NonAnonymous: 'muc_nonanonymous',
  SemiAnonymous: 'muc_semianonymous',
  Persistent: 'muc_persistent',
  Temporary: 'muc_temporary',
  Moderated: 'muc_moderated',
  Unmoderated: 'muc_unmoderated',
  Public: 'muc_public',
  Hidden: 'muc_hidden',
  Mam: NS_MAM,
  OccupantId: NS_OCCUPANT_ID,
  StableId: NS_SID,
  SelfPingOptimization: 'http://jabber.org/protocol/muc#self-ping-optimization',
  ModerationV1: NS_MODERATE,
  ModerationV0: NS_MODERATE_0,
} as const;

export interface RoomInfo {
  jid: string;
  /** The muc#roomconfig_roomname field, else the conference identity's name. */
  name?: string;
  description?: string;
  subject?: string;
  /** muc#roominfo_occupants; absent when the room does not say. */
  occupants?: number;
  language?: string;
  contactJids: string[];
  features: string[];
  passwordProtected: boolean;
  membersOnly: boolean;
  nonAnonymous: boolean;
  persistent: boolean;
  moderated: boolean;
  public: boolean;
  /** The room has a MAM archive: fetch history there (join with maxstanzas 0). */
  mam: boolean;
  /** XEP-0421: occupant-id elements from this room can be trusted. */
  occupantId: boolean;
}

const MAX_FEATURES = 500;

/**
 * The disco#info result of a room (§6.4), or `undefined` if it is not a conference room. §6.4: the
 * room "MUST return its identity and the features it supports", the identity having "category
 * 'conference'"; the extended info form (XEP-0128) has FORM_TYPE 'http://jabber.org/protocol/muc#roominfo'.
 */
export function parseRoomInfo(iq: Element, roomJid: string): RoomInfo | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const room = parseJid(roomJid);
  if (!room || !room.local || room.resource) return undefined;
  const from = iq.attrs.from as string | undefined;
  if (from !== undefined && parseJid(from)?.bare !== room.bare) return undefined;
  const query = iq.getChild('query', NS_DISCO_INFO);
  if (!query) return undefined;
  const identity = query.getChildren('identity').find((i) => i.attrs.category === 'conference');
  if (!identity) return undefined;
  const features = [
    ...new Set(
      query
        .getChildren('feature')
        .slice(0, MAX_FEATURES)
        .map((f) => f.attrs.var as string)
        .filter((v) => typeof v === 'string' && v !== ''),
    ),
  ];
  const info = query
    .getChildren('x', NS_DATA)
    .map((x) => parseForm(x))
    .find((f) => f?.type === 'result' && f.formType === `${NS_MUC}#roominfo`);
  const field = (name: string) => info?.fields.find((f) => f.var === name)?.values;
  const first = (name: string) => field(name)?.[0] || undefined;
  const occ = first('muc#roominfo_occupants');
  const has = (f: string) => features.includes(f);
  const name = first('muc#roomconfig_roomname') ?? attr(identity, 'name');
  return {
    jid: room.bare,
    ...optional('name', name),
    ...optional('description', first('muc#roominfo_description')),
    ...optional('subject', first('muc#roominfo_subject')),
    ...optional('occupants', occ && /^[0-9]{1,9}$/.test(occ) ? Number(occ) : undefined),
    ...optional('language', first('muc#roominfo_lang')),
    contactJids: (field('muc#roominfo_contactjid') ?? []).filter((j) => parseJid(j)),
    features,
    passwordProtected: has(MucFeature.PasswordProtected),
    membersOnly: has(MucFeature.MembersOnly),
    nonAnonymous: has(MucFeature.NonAnonymous),
    persistent: has(MucFeature.Persistent),
    moderated: has(MucFeature.Moderated),
    public: has(MucFeature.Public),
    mam: has(MucFeature.Mam),
    occupantId: has(MucFeature.OccupantId),
  };
}

export interface RoomListing {
  jid: string;
  name?: string;
}

const MAX_ITEMS = 10_000;

/**
 * The rooms in a service's disco#items result (§6.3: "The service MUST return ... the public rooms
 * it hosts"). Items whose JID is not a bare `room@<service>` are dropped: a room list that points at
 * other services' JIDs is not the service's to give. Duplicates keep the first.
 */
export function parseRoomList(iq: Element, serviceJid: string): RoomListing[] {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return [];
  const service = parseJid(serviceJid);
  if (!service) return [];
  const from = iq.attrs.from as string | undefined;
  if (from !== undefined && parseJid(from)?.bare !== service.bare) return [];
  const query = iq.getChild('query', NS_DISCO_ITEMS);
  if (!query) return [];
  const seen = new Set<string>();
  const rooms: RoomListing[] = [];
  for (const item of query.getChildren('item').slice(0, MAX_ITEMS)) {
    const j = parseJid(attr(item, 'jid'));
    if (!j || !j.local || j.resource || j.domain !== service.bare || seen.has(j.bare)) continue;
    seen.add(j.bare);
    rooms.push({ jid: j.bare, ...optional('name', attr(item, 'name')) });
  }
  return rooms;
}
