// Group rooms (XEP-0045): join (creating an instant room when it is new), leave, occupants with roles
// and affiliations, subject, messages in and out through the same pipeline and outbox as chats, the
// room's history from its archive (XEP-0313 on the room JID), and rejoining after every new session.
// Room messages are accepted only from the room's own JID, and only for rooms the user is in.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import { isolate } from '../../../shared/bidi.js';
import { NS_MAM } from '../../xmpp/xep/0313-mam.js';
import type { OccupantView, PresenceShow, RoomView } from '../../../shared/views.js';
import type { Db } from '../../store/db.js';
import { createRoomsRepo } from '../../store/rooms-repo.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/chats.js';
import type { ConnectionService } from '../session/connections.js';
import type { EventBus } from '../kernel/events.js';
import type { Logger } from '../../lib/log.js';
import type { SyncService } from '../sync/sync.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import { buildJoinPresence, buildLeavePresence, isRoomCreated, parseGroupchat, parseMucPresence, removalReason, type MucRole } from '../../xmpp/xep/0045-muc.js';
import { MucFeature, MucStatus, NS_DISCO_INFO, parseRoomInfo } from '../../xmpp/xep/0045-muc.js';
import { parseRetractedTombstone } from '../../xmpp/xep/0424-retraction.js';
import { buildInstantRoom } from '../../xmpp/xep/0045-muc-admin.js';
import { JOIN_ERRORS, REFUSED_FOR_GOOD, removalError, type RemovalReason } from './room-errors.js';
import { parseOriginId, parseStanzaId } from '../../xmpp/xep/0359-stable-ids.js';
import { parseDelay } from '../../xmpp/rfc/6121-message.js';
import { parseJid } from '../../xmpp/jid.js';
import { NS_MUC_USER } from '../../xmpp/xep/0045-muc.js';
import { parseMentionedJids } from '../../xmpp/xep/0372-references.js';
import { mentions } from '../../../shared/mentions.js';
import type { RoomNotifyMode } from '../../../shared/views.js';

export type { RemovalReason };

interface Room {
  accountId: AccountId;
  jid: BareJid;
  nick: string;
  /** The name the chat list was last given for this room (it titles rooms by name, as the room list does). */
  titled?: string;
  state: RoomView['state'];
  error?: RoomView['error'];
  subject?: string;
  occupants: Map<string, OccupantView>;
  waiter?: (r: Result<null>) => void;
  /** Joined to create a reserved room: a new room stays locked for its configuration (§10.1.3). */
  reserved?: boolean;
  locked?: boolean;
  removalReason?: string;
  /** The room's disco#info features (§6.4), learned at each join; undefined until it answered. */
  features?: Set<string>;
  /** The room's configured name (muc#roomconfig_roomname, or its disco identity's name), when it has one. */
  name?: string;
  /** Our own XEP-0421 occupant id in this room (from our self-presence, when the room announces them). */
  selfOccupantId?: string;
  /** The password that let us in, for rejoins and invitations: in memory only, never in the database. */
  password?: string;
  /** The last self-ping got no answer (XEP-0410, room-self-ping.ts). */
  unreachable?: boolean;
}

/** A room to join after sign-in (the bookmarks merged with the rooms table, bookmarks.ts). */
export interface RoomToJoin {
  jid: string;
  nick: string;
  password?: string;
}

export interface RoomsDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  sync: SyncService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  joinTimeoutMs?: number;
  /** The user's choice of when this room notifies (notifications.ts), shown with the room. */
  notifyMode?(accountId: AccountId, jid: string): RoomNotifyMode;
}

/**
 * The notice for another occupant's removal, in words; undefined for an ordinary leave. The nicknames and
 * the reason are the network's: each is isolated (shared/bidi.ts), so that an override in one cannot turn
 * the rest of the sentence around.
 */
export function removalNotice(nickname: string, why: ReturnType<typeof removalReason>, actor?: string, reason?: string): string | undefined {
  const nick = isolate(nickname);
  const by = actor ? ` by ${isolate(actor)}` : '';
  const because = reason ? `: “${isolate(reason)}”` : '.';
  switch (why) {
    case 'kicked': return `${nick} was removed from the room${by}${because}`;
    case 'banned': return `${nick} was banned from the room${by}${because}`;
    case 'affiliation': return `${nick} was removed from the room: they are no longer a member.`;
    case 'members-only': return `${nick} was removed from the room: it is now for members only.`;
    default: return undefined;
  }
}

/** The notice for a role change (XEP-0045 §5.1); `nick` undefined means the user. Undefined when nothing to say. */
export function roleNotice(nick: string | undefined, before: MucRole, after: MucRole): string | undefined {
  if (before === after) return undefined;
  const who = nick === undefined ? 'You' : isolate(nick);
  const be = nick ? 'is' : 'are';
  if (after === 'visitor') return `${who} can no longer speak in this room (a moderator took the voice away).`;
  if (after === 'moderator') return `${who} ${be} now a moderator.`;
  if (before === 'moderator' && after === 'participant') return `${who} ${be} no longer a moderator.`;
  if (before === 'visitor' && after === 'participant') return `${who} may speak in this room again.`;
  return undefined;
}

export function createRoomService(deps: RoomsDeps) {
  const rooms = new Map<string, Room>();
  const key = (accountId: string, jid: string) => `${accountId}|${jid}`;

  const { saved, save, forget } = createRoomsRepo(deps.db);

  function view(r: Room): RoomView {
    const conv = deps.repo.ensureConversation(r.accountId, r.jid, Date.now(), 'room');
    return {
      accountId: r.accountId, jid: r.jid, conversationId: conv.id, nick: r.nick, state: r.state, ...(r.name ? { name: r.name } : {}),
      ...(r.subject !== undefined ? { subject: r.subject } : {}), ...(r.error ? { error: r.error } : {}),
      ...(r.removalReason ? { removalReason: r.removalReason } : {}), ...(r.locked ? { locked: true } : {}),
      occupants: [...r.occupants.values()].sort((a, b) => a.nick.localeCompare(b.nick)),
      ...(deps.notifyMode ? { notify: deps.notifyMode(r.accountId, r.jid) } : {}),
      ...(r.unreachable && r.state === 'joined' ? { unreachable: true } : {}),
    };
  }
  /** Bookmarks (bookmarks.ts) follow the user's joins and leaves, and the room's removals of the user. */
  const joinedHooks: ((accountId: AccountId, jid: string, nick: string) => void)[] = [];
  const leftHooks: ((accountId: AccountId, jid: string) => void)[] = [];
  const removedHooks: ((accountId: AccountId, jid: string, why: RemovalReason) => void)[] = [];
  /** A room's history reached its newest message after a join (chat-markers.ts waits for it). */
  const caughtUpHooks: ((accountId: AccountId, jid: string) => void)[] = [];
  // One update per room per turn of the event loop: a room filling up (or a rejoin) brings hundreds of
  // presences at once, and sending the whole room after each of them cost the page 13 MB of JSON for a
  // 500-person room (bench:room).
  const dirty = new Set<Room>();
  let flush: NodeJS.Immediate | undefined;
  const emit = (r: Room) => {
    dirty.add(r);
    flush ??= setImmediate(() => {
      flush = undefined;
      const changed = [...dirty];
      dirty.clear();
      if (!deps.db.open) return; // shut down meanwhile: nobody is listening
      for (const x of changed) {
        try {
          const v = view(x);
          deps.events.emit('room:updated', v);
          if (x.name !== x.titled) {
            x.titled = x.name;
            deps.chats.emitConversation(v.conversationId);
          }
        } catch (err) {
          deps.log.warn(`room update not sent: ${(err as Error).message}`);
        }
      }
    });
  };
  const trustsOccupantIds = (r: Room) => !!r.features?.has(MucFeature.OccupantId);

  /** A room's disco#info (XEP-0045 §6.4): its features and name, or undefined when it does not answer. */
  async function roomInfo(client: XmppClient, jid: string): Promise<{ features: Set<string>; name?: string } | undefined> {
    try {
      const iq = await client.iqCaller.request(xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO })), 5_000);
      const info = parseRoomInfo(iq, jid);
      return info ? { features: new Set(info.features), ...(info.name ? { name: info.name } : {}) } : undefined;
    } catch {
      return undefined;
    }
  }
  /** At a join: what the room says about itself now (a room that does not exist yet answers nothing). */
  async function learnInfo(client: XmppClient, r: Room): Promise<void> {
    const info = await roomInfo(client, r.jid);
    r.features = info?.features;
    if (info) r.name = info.name;
  }

  function onPresence(accountId: AccountId, el: Element) {
    const roomJid = bareOf(el.attrs.from);
    const r = roomJid && rooms.get(key(accountId, roomJid));
    if (!r) return false;
    // XEP-0421 §4: occupant ids count only when the room announces the feature.
    const p = parseMucPresence(el, { roomJid: r.jid, occupantIdTrusted: trustsOccupantIds(r) });
    if (!p) return true;
    if (p.kind === 'error') {
      r.state = 'error';
      r.error = { code: JOIN_ERRORS[p.code], ...(p.text ? { detail: p.text } : {}) };
      r.waiter?.(fail(r.error.code, p.text));
      r.waiter = undefined;
      emit(r);
      return true;
    }
    if (!p.available) {
      const before = r.occupants.get(p.nick);
      r.occupants.delete(p.nick);
      // §7.6.3: status 303 is a nickname change, not a departure: the same person, under the new
      // nick (their presence under it follows and updates the rest).
      if (p.newNick && before) r.occupants.set(p.newNick, { ...before, nick: p.newNick });
      if (p.isSelf && p.newNick) {
        r.nick = p.newNick;
        save(accountId, r.jid, p.newNick);
      }
      if (!p.isSelf && !p.newNick) {
        // §8.2, §9.1, §9.8, §10.x: someone else was removed; everyone in the room is told, with the
        // moderator's reason. A line in the room's history says so (Gajim and Conversations do too).
        const text = removalNotice(p.nick, removalReason(p), p.actor?.nick, p.reason);
        if (text) deps.chats.notice(accountId, r.jid, text);
      }
      if (p.isSelf && !p.newNick) {
        // We were removed (kicked, banned, room destroyed…) or our leave was confirmed.
        const why = removalReason(p);
        r.state = why ? 'error' : 'left';
        if (why) {
          // In words, with the moderator's reason (§8.2, §9.1); not rejoined by itself after this, nor
          // at the next sign-in (its bookmark's autojoin goes off, bookmarks.ts).
          r.error = removalError(p);
          r.removalReason = p.reason ?? p.destroyed?.reason;
          r.occupants.clear();
          forget(accountId, r.jid);
          for (const hook of removedHooks) hook(accountId, r.jid, why);
        }
      }
    } else {
      // §5.1: a role given or taken (voice in a moderated room, moderator) is said in the history,
      // for the user in the second person. Not at a join (no earlier presence), nor when unchanged.
      const earlier = r.occupants.get(p.nick);
      const roleText = earlier && r.state === 'joined' ? roleNotice(p.isSelf ? undefined : p.nick, earlier.role, p.role) : undefined;
      if (roleText) deps.chats.notice(accountId, r.jid, roleText);
      r.occupants.set(p.nick, {
        nick: p.nick, role: p.role, affiliation: p.affiliation, ...(p.realJid ? { jid: bareOf(p.realJid) as BareJid } : {}),
        presence: (['chat', 'away', 'xa', 'dnd'].includes(p.show ?? '') ? p.show : 'online') as PresenceShow, isSelf: p.isSelf,
        ...(p.occupantId ? { occupantId: p.occupantId } : {}),
      });
      if (p.isSelf) {
        r.nick = p.nick; // the service may have changed it (status 210)
        if (p.occupantId) r.selfOccupantId = p.occupantId;
        if (r.state !== 'joined') {
          r.state = 'joined';
          r.error = undefined;
          r.waiter?.(ok(null));
          r.waiter = undefined;
          // A new room is locked until configured: accept the default configuration (§10.1.2), unless
          // the user asked to configure it first (§10.1.3, see room-admin.ts).
          if (isRoomCreated(p) && r.reserved) r.locked = true;
          else if (isRoomCreated(p)) void acceptDefaults(accountId, r);
        }
      }
    }
    emit(r);
    return true;
  }

  /**
   * §10.1.2: a room we created by joining stays locked — nobody else can enter — until its owner
   * accepts the default configuration. If the server does not take it, say so and keep the room
   * locked, with the ways out the locked room offers: set it up, or do not create it.
   */
  async function acceptDefaults(accountId: AccountId, r: Room): Promise<void> {
    try {
      const client = deps.connections.client(accountId);
      if (!client) throw new Error('not connected');
      await client.iqCaller.request(xml('iq', { type: 'set', to: r.jid }, buildInstantRoom()), 15_000);
    } catch (err) {
      deps.log.warn(`a new room's default configuration was not accepted: ${(err as Error).message}`);
      r.locked = true;
      r.error = { code: 'room-config-failed', detail: (err as Error).message };
      emit(r);
    }
  }

  function installOn(accountId: AccountId, client: XmppClient) {
    client.on('online', () => {
      for (const k of [...caughtUp]) if (k.startsWith(`${accountId}|`)) caughtUp.delete(k);
    });
    client.middleware.use((ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (ctx.stanza.is('presence') && onPresence(accountId, ctx.stanza)) return undefined;
      return next();
    });
  }

  // Room messages: live ones only for rooms we are in, archived ones only from the archive we asked.
  deps.chats.pipeline.use({
    name: 'groupchat',
    run(ctx) {
      if (ctx.stanza.attrs.type !== 'groupchat') return true;
      const roomJid = bareOf(ctx.stanza.attrs.from);
      const r = roomJid && rooms.get(key(ctx.accountId, roomJid));
      if (!r) return false;
      // An archived room message counts only from that room's own archive.
      if (ctx.source === 'archive' && ctx.archiveJid !== r.jid) return false;
      const occupantIds = trustsOccupantIds(r);
      const g = parseGroupchat(ctx.stanza, { roomJid: r.jid, occupantIdTrusted: occupantIds });
      if (!g) return false;
      ctx.room = { jid: r.jid, occupantIds, ...(r.selfOccupantId ? { selfOccupantId: r.selfOccupantId } : {}) };
      if (g.subject !== undefined) {
        if (ctx.source === 'live') {
          r.subject = g.subject;
          emit(r);
        }
        return false;
      }
      // Messages from the room itself are not chat; a moderation (XEP-0425) is one of them: it passes
      // as a notice for the retraction stage, which accepts only what parseModeration recognises.
      if (!g.nick) {
        // §10.2.1: status 104 tells the occupants the configuration changed — perhaps the room's name.
        if (ctx.source === 'live' && g.statusCodes.includes(MucStatus.ConfigChanged)) void refreshInfo(ctx.accountId, r.jid);
        ctx.notice = true;
        return true;
      }
      // An archived message without a body is kept only as a tombstone (XEP-0424 Tombstones,
      // XEP-0425): the place of a message that was deleted, without its text.
      const tombstone = !g.body && ctx.source === 'archive' && !!parseRetractedTombstone(ctx.stanza);
      if (!g.body && !tombstone) return false;
      const originId = parseOriginId(ctx.stanza);
      const stanzaId = ctx.archiveId ?? parseStanzaId(ctx.stanza, r.jid);
      const delayed = parseDelay(ctx.stanza);
      ctx.msg = {
        kind: 'room',
        // Ours only if it carries the origin-id of a message in our outbox: a nickname can be taken by
        // someone else while we are away.
        // With XEP-0421 the room vouches for the author: our own id means one of our devices wrote it.
        direction: (originId && deps.repo.outgoingByOriginId(ctx.accountId, originId)) || (g.occupantId && g.occupantId === r.selfOccupantId) ? 'out' : 'in',
        peer: r.jid,
        body: g.body ?? '',
        timestamp: Math.min(delayed ?? ctx.forwardedAt ?? Date.now(), Date.now()),
        senderNick: g.nick,
        ...(g.occupantId ? { occupantId: g.occupantId } : {}),
        ...(originId ? { originId } : {}),
        ...(stanzaId ? { stanzaId } : {}),
      };
      if (ctx.msg.direction === 'in' && g.nick !== r.nick && mentionsUser(ctx.stanza, ctx.msg.body, r, ctx.ownBare)) ctx.msg.mentionsMe = true;
      return true;
    },
  });

  /**
   * @mentions: the user's nickname in this room as a word of the text (case-insensitive), or a
   * XEP-0372 mention reference naming the user's occupant JID (or real JID).
   */
  function mentionsUser(stanza: Element, body: string, r: Room, ownBare: string): boolean {
    if (mentions(body, r.nick)) return true;
    const me = `${r.jid}/${r.nick}`;
    return parseMentionedJids(stanza).some((j) => j === me || bareOf(j) === ownBare);
  }

  // Private messages (XEP-0045 §7.5) come from an occupant's JID, room@service/nick. Live, they count
  // only from someone who is in a room the user is in now; one claiming to come from a room we are
  // not in is dropped, so it can never land in a chat with the room's bare JID (which becomes the
  // room's own conversation once joined). Carbons and archive results are vouched for by our server.
  deps.chats.pipeline.use({
    name: 'room-private',
    run(ctx) {
      const type = ctx.stanza.attrs.type;
      if (ctx.msg || type === 'groupchat' || type === 'error') return true;
      const from = parseJid(ctx.stanza.attrs.from);
      if (!from?.resource || from.bare === ctx.ownBare) return true;
      const r = rooms.get(key(ctx.accountId, from.bare));
      if (!r) return !ctx.stanza.getChild('x', NS_MUC_USER); // a PM from a room we are not in
      if (ctx.source !== 'live') return true;
      if (r.state === 'joined' && r.occupants.has(from.resource)) return true;
      deps.log.warn('dropped a private message from someone not in the room');
      return false;
    },
  });

  /** Rooms whose archive was caught up on the current session: live messages then move the pointer. */
  const caughtUp = new Set<string>();
  deps.chats.pipeline.use({
    name: 'room-archive-pointer',
    run(ctx) {
      const m = ctx.msg;
      if (ctx.source === 'live' && m?.kind === 'room' && m.stanzaId && caughtUp.has(key(ctx.accountId, m.peer))) {
        deps.sync.advancePointer(ctx.accountId, m.peer, m.stanzaId, m.timestamp);
      }
    },
  });

  /**
   * Joins in flight, by room: a second join with the same nickname while one is under way (the user's,
   * and the one a bookmark from another device asked for) gets the first one's answer. Two at once
   * would share one waiter, and one of them would wait for an answer that went to the other.
   */
  const inFlight = new Map<string, { nick: string; done: Promise<Result<RoomView>> }>();

  function join(accountId: AccountId, jid: string, nick: string, password?: string, opts: { reserved?: boolean } = {}): Promise<Result<RoomView>> {
    const k = key(accountId, jid);
    const running = inFlight.get(k);
    if (running && running.nick === nick && !opts.reserved) return running.done;
    const done = joinOnce(accountId, jid, nick, password, opts).finally(() => {
      if (inFlight.get(k)?.done === done) inFlight.delete(k);
    });
    inFlight.set(k, { nick, done });
    return done;
  }

  async function joinOnce(accountId: AccountId, jid: string, nick: string, password?: string, opts: { reserved?: boolean } = {}): Promise<Result<RoomView>> {
    const client = deps.connections.client(accountId);
    if (!client) return fail('not-connected');
    const k = key(accountId, jid);
    const r: Room = rooms.get(k) ?? { accountId, jid: jid as BareJid, nick, state: 'joining', occupants: new Map() };
    r.nick = nick;
    r.state = 'joining';
    r.occupants.clear();
    r.reserved = opts.reserved;
    r.locked = undefined;
    r.removalReason = undefined;
    r.unreachable = undefined;
    // A rejoin (after sign-in, or when a self-ping found us out) uses the password that worked before.
    password ??= r.password;
    rooms.set(k, r);
    emit(r);
    let waiter: Room['waiter'];
    const outcome = new Promise<Result<null>>((resolve) => {
      const timer = setTimeout(() => resolve(fail('timeout', 'the room did not answer')), deps.joinTimeoutMs ?? 15_000);
      r.waiter = waiter = (res) => {
        clearTimeout(timer);
        resolve(res);
      };
    });
    // The room's features first (§6.4): whether its occupant ids can be trusted (XEP-0421 §4) must be
    // known before the first presence and message. A room that does not exist yet answers nothing.
    await learnInfo(client, r);
    await client.send(buildJoinPresence(jid, nick, { ...(password ? { password } : {}) }));
    const res = await outcome;
    if (r.waiter === waiter) r.waiter = undefined; // no longer in flight (it timed out)
    if (!res.ok) {
      if (r.state === 'joining') r.state = 'error';
      r.error = res.error;
      emit(r);
      return res;
    }
    save(accountId, jid, r.nick);
    if (password) r.password = password;
    for (const hook of joinedHooks) hook(accountId, r.jid, r.nick);
    if (!r.features) {
      // We created it: ask again now that it exists, and say our presence once more so that the room
      // tells us our own occupant id now that we can trust it.
      await learnInfo(client, r);
      if (trustsOccupantIds(r)) await client.send(xml('presence', { to: `${jid}/${r.nick}` })).catch(() => {});
    }
    // Messages written for this room while we were out of it can leave now.
    deps.chats.kick(accountId);
    // History comes from the room's archive, not from the join (we asked for none).
    caughtUp.delete(k);
    void deps.sync
      .catchUpRoom(accountId, client, jid)
      .then(() => {
        caughtUp.add(k);
        for (const hook of caughtUpHooks) hook(accountId, r.jid);
      })
      .catch((err: Error) => deps.log.info(`room history not fetched: ${err.message}`));
    return ok(view(r));
  }

  /** The room's name and features again (its configuration changed): the UI is told when they did. */
  async function refreshInfo(accountId: AccountId, jid: string): Promise<void> {
    const r = rooms.get(key(accountId, jid));
    const client = deps.connections.client(accountId);
    if (!r || !client) return;
    const info = await roomInfo(client, jid);
    if (!info) return;
    r.features = info.features;
    if (r.name === info.name) return;
    r.name = info.name;
    emit(r);
  }

  return {
    installOn,
    join,
    refreshInfo,
    /** Whether the room keeps an archive (XEP-0313 in its features); undefined until it answered. */
    archived: (accountId: AccountId, jid: string): boolean | undefined => {
      const f = rooms.get(key(accountId, jid))?.features;
      return f && f.has(NS_MAM);
    },
    async leave(accountId: AccountId, jid: string): Promise<Result<null>> {
      const r = rooms.get(key(accountId, jid));
      forget(accountId, jid);
      if (!r) return ok(null);
      r.state = 'left';
      r.occupants.clear();
      emit(r);
      await deps.connections.client(accountId)?.send(buildLeavePresence(jid, r.nick)).catch(() => {});
      for (const hook of leftHooks) hook(accountId, r.jid);
      return ok(null);
    },
    onJoined: (hook: (accountId: AccountId, jid: string, nick: string) => void) => void joinedHooks.push(hook),
    /** The user left a room (not: was removed from it). */
    onLeft: (hook: (accountId: AccountId, jid: string) => void) => void leftHooks.push(hook),
    /** The room removed the user (kicked, banned, destroyed…; or refused the rejoin after sign-in: banned, members only). */
    onRemoved: (hook: (accountId: AccountId, jid: string, why: RemovalReason) => void) => void removedHooks.push(hook),
    /** The room's history was caught up to its newest message (after each join). */
    onCaughtUp: (hook: (accountId: AccountId, jid: string) => void) => void caughtUpHooks.push(hook),
    isCaughtUp: (accountId: string, jid: string): boolean => caughtUp.has(key(accountId, jid)),
    /** The rooms the user is in, as kept in the database (rejoined after each sign-in). */
    saved: (accountId: AccountId): RoomToJoin[] => saved(accountId),
    /** The password that let us into the room (memory only), for invitations. */
    passwordOf: (accountId: string, jid: string): string | undefined => rooms.get(key(accountId, jid))?.password,
    /** Rooms the user is in right now, for self-pings (room-self-ping.ts). */
    joinedRooms: (): { accountId: AccountId; jid: string; nick: string }[] =>
      [...rooms.values()].filter((r) => r.state === 'joined').map((r) => ({ accountId: r.accountId, jid: r.jid, nick: r.nick })),
    /** XEP-0410: the room did not answer our self-ping (or answers again). */
    setUnreachable(accountId: string, jid: string, unreachable: boolean) {
      const r = rooms.get(key(accountId, jid));
      if (!r || !!r.unreachable === unreachable) return;
      r.unreachable = unreachable || undefined;
      emit(r);
    },
    list: (): RoomView[] => [...rooms.values()].map(view),
    nickIn: (accountId: string, jid: string): string | undefined => rooms.get(key(accountId, jid))?.nick,
    /** The room is configured (or destroyed): it is no longer waiting for its configuration. */
    unlocked(accountId: string, jid: string) {
      const r = rooms.get(key(accountId, jid));
      if (r?.locked) {
        r.locked = undefined;
        if (r.error?.code === 'room-config-failed') r.error = undefined;
        emit(r);
      }
    },
    isJoined: (accountId: string, jid: string): boolean => rooms.get(key(accountId, jid))?.state === 'joined',
    /** What moderating a room's messages needs: are we in it, with which role, and what it supports. */
    moderationFacts(accountId: string, jid: string): { joined: boolean; role?: OccupantView['role']; features: Set<string> } | undefined {
      const r = rooms.get(key(accountId, jid));
      if (!r) return undefined;
      const self = [...r.occupants.values()].find((o) => o.isSelf);
      return { joined: r.state === 'joined', ...(self ? { role: self.role } : {}), features: r.features ?? new Set() };
    },
    isRoom: (accountId: string, jid: string): boolean => rooms.has(key(accountId, jid)),
    /** The room's configured name (disco#info), once known. */
    nameOf: (accountId: string, jid: string): string | undefined => rooms.get(key(accountId, jid))?.name,
    /** Tell the UI this room's state again (its notification choice changed). */
    announce(accountId: string, jid: string) {
      const r = rooms.get(key(accountId, jid));
      if (r) emit(r);
    },
    /**
     * After a new session (not a resume): back into every room the user is in — the rooms table, or
     * the plan made from it and the bookmarks (bookmarks.ts), whose `drop` are rooms the user left on
     * another device meanwhile.
     */
    async onOnline(accountId: AccountId, plan?: { join: RoomToJoin[]; drop: string[] }) {
      for (const jid of plan?.drop ?? []) {
        forget(accountId, jid);
        const r = rooms.get(key(accountId, jid));
        if (r && r.state !== 'left') {
          r.state = 'left';
          r.occupants.clear();
          emit(r);
        }
      }
      await Promise.all((plan?.join ?? saved(accountId)).map(async (s: RoomToJoin) => {
        // Joined (or being joined) on this session already: by the user, right after sign-in, while
        // the bookmarks were still being read. Joining again would empty its occupants for nothing.
        const r = rooms.get(key(accountId, s.jid));
        if (r && (r.state === 'joined' || r.waiter)) return;
        const res = await join(accountId, s.jid, s.nick, s.password);
        if (res.ok) return;
        deps.log.info(`could not rejoin ${s.jid}: ${res.error.code}`);
        // Banned, or no longer a member, while we were away (§7.2.7, §7.2.6): the room will refuse
        // again until someone there changes it — no more tries at each sign-in, on any device.
        const why = REFUSED_FOR_GOOD[res.error.code];
        if (why) {
          forget(accountId, s.jid);
          for (const hook of removedHooks) hook(accountId, s.jid, why);
        }
      }));
    },
    /** Signed out: every room of the account is left (we rejoin after the next sign-in). */
    onOffline(accountId: AccountId) {
      for (const r of rooms.values()) {
        if (r.accountId !== accountId) continue;
        caughtUp.delete(key(accountId, r.jid));
        if (r.state === 'left') continue;
        r.state = 'joining';
        r.occupants.clear();
        emit(r);
      }
    },
    /** Load the rooms the user is in at start-up, so the UI lists them before the network is back. */
    load(accountIds: AccountId[]) {
      for (const accountId of accountIds) {
        for (const s of saved(accountId)) {
          const k = key(accountId, s.jid);
          if (!rooms.has(k)) rooms.set(k, { accountId, jid: s.jid as BareJid, nick: s.nick, state: 'joining', occupants: new Map() });
        }
      }
    },
  };
}
export type RoomService = ReturnType<typeof createRoomService>;
