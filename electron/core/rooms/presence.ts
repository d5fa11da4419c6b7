// Being in a room (XEP-0045): joining (§7.2, creating an instant room when it is new, §10.1.2; a
// reserved one stays locked for its configuration, §10.1.3), leaving (§7.14), rejoining after every new
// session, the room's disco#info at each join (§6.4), and the presences that follow: occupants with
// their roles and affiliations, nickname changes (§7.6.3, status 303), the user's own presence
// (status 110, 201, 210), removals (§8.2, §9.1, §10.9 and the status codes of §15.6) and role changes
// (§5.1) said as notices in the room's history.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { RoomNotice } from '../../../shared/notices.js';
import type { PresenceShow, RoomView } from '../../../shared/views.js';
import type { ChatService } from '../messages/index.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { SyncService } from '../sync/index.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import {
  buildJoinPresence,
  buildLeavePresence,
  isRoomCreated,
  parseMucPresence,
  removalReason,
  type MucRole,
} from '../../xmpp/xep/0045-muc.js';
import { parseRoomInfo } from '../../xmpp/xep/0045-muc.js';
import { buildDiscoInfo } from '../../xmpp/xep/0030-disco.js';
import { requestIq } from '../../xmpp/iq.js';
import { buildInstantRoom } from '../../xmpp/xep/0045-muc-admin.js';
import { JOIN_ERRORS, REFUSED_FOR_GOOD, removalError } from './room-errors.js';
import type { Room, RoomState, RoomToJoin } from './state.js';
import { errorMessage } from '../../lib/error-message.js';

/**
 * The notice for another occupant's removal (the window words it, renderer/src/lib/notice-text.ts);
 * undefined for an ordinary leave. The moderator and the reason count only for a kick or a ban.
 */
export function removalNotice(
  nick: string,
  why: ReturnType<typeof removalReason>,
  actor?: string,
  reason?: string,
): RoomNotice | undefined {
  switch (why) {
    case 'kicked':
    case 'banned':
      return { kind: 'removed', nick, cause: why, ...(actor ? { actor } : {}), ...(reason ? { reason } : {}) };
    case 'affiliation':
    case 'members-only':
      return { kind: 'removed', nick, cause: why };
    default:
      return undefined;
  }
}

/** The notice for a role change (XEP-0045 §5.1); `nick` undefined means the user. Undefined when nothing to say. */
export function roleNotice(nick: string | undefined, before: MucRole, after: MucRole): RoomNotice | undefined {
  if (before === after) return undefined;
  const who = nick === undefined ? {} : { nick };
  if (after === 'visitor') return { kind: 'role', ...who, change: 'voice-taken' };
  if (after === 'moderator') return { kind: 'role', ...who, change: 'moderator' };
  if (before === 'moderator' && after === 'participant') return { kind: 'role', ...who, change: 'moderator-taken' };
  if (before === 'visitor' && after === 'participant') return { kind: 'role', ...who, change: 'voice-given' };
  return undefined;
}

export interface RoomPresenceDeps {
  chats: ChatService;
  sync: SyncService;
  connections: ConnectionService;
  log: Logger;
  joinTimeoutMs?: number;
}

export function createRoomPresence(deps: RoomPresenceDeps, state: RoomState) {
  const { rooms, key, view, emit, trustsOccupantIds, caughtUp, joinedHooks, leftHooks, removedHooks, caughtUpHooks } = state;
  const { saved, save, forget } = state.store;

  /** A room's disco#info (XEP-0045 §6.4): its features and name, or undefined when it does not answer. */
  async function roomInfo(client: XmppClient, jid: string): Promise<{ features: Set<string>; name?: string } | undefined> {
    try {
      const iq = await requestIq(client, buildDiscoInfo(jid), { timeoutMs: 5_000 });
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
        const notice = removalNotice(p.nick, removalReason(p), p.actor?.nick, p.reason);
        if (notice) deps.chats.notice(accountId, r.jid, notice);
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
      const notice = earlier && r.state === 'joined' ? roleNotice(p.isSelf ? undefined : p.nick, earlier.role, p.role) : undefined;
      if (notice) deps.chats.notice(accountId, r.jid, notice);
      r.occupants.set(p.nick, {
        nick: p.nick,
        role: p.role,
        affiliation: p.affiliation,
        ...(p.realJid ? { jid: bareOf(p.realJid) as BareJid } : {}),
        presence: (['chat', 'away', 'xa', 'dnd'].includes(p.show ?? '') ? p.show : 'online') as PresenceShow,
        isSelf: p.isSelf,
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
      await requestIq(client, xml('iq', { type: 'set', to: r.jid }, buildInstantRoom()));
    } catch (err) {
      deps.log.warn(`a new room's default configuration was not accepted: ${errorMessage(err)}`);
      r.locked = true;
      r.error = { code: 'room-config-failed', detail: errorMessage(err) };
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

  /**
   * Joins in flight, by room: a second join with the same nickname while one is under way (the user's,
   * and the one a bookmark from another device asked for) gets the first one's answer. Two at once
   * would share one waiter, and one of them would wait for an answer that went to the other.
   */
  const inFlight = new Map<string, { nick: string; done: Promise<Result<RoomView>> }>();

  function join(
    accountId: AccountId,
    jid: string,
    nick: string,
    password?: string,
    opts: { reserved?: boolean } = {},
  ): Promise<Result<RoomView>> {
    const k = key(accountId, jid);
    const running = inFlight.get(k);
    if (running && running.nick === nick && !opts.reserved) return running.done;
    const done = joinOnce(accountId, jid, nick, password, opts).finally(() => {
      if (inFlight.get(k)?.done === done) inFlight.delete(k);
    });
    inFlight.set(k, { nick, done });
    return done;
  }

  async function joinOnce(
    accountId: AccountId,
    jid: string,
    nick: string,
    password?: string,
    opts: { reserved?: boolean } = {},
  ): Promise<Result<RoomView>> {
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
    async leave(accountId: AccountId, jid: string): Promise<Result<null>> {
      const r = rooms.get(key(accountId, jid));
      forget(accountId, jid);
      if (!r) return ok(null);
      r.state = 'left';
      r.occupants.clear();
      emit(r);
      await deps.connections
        .client(accountId)
        ?.send(buildLeavePresence(jid, r.nick))
        .catch(() => {});
      for (const hook of leftHooks) hook(accountId, r.jid);
      return ok(null);
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
      await Promise.all(
        (plan?.join ?? saved(accountId)).map(async (s: RoomToJoin) => {
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
        }),
      );
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
  };
}
