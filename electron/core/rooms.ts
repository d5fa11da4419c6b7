// Group rooms (XEP-0045): join (creating an instant room when it is new), leave, occupants with roles
// and affiliations, subject, messages in and out through the same pipeline and outbox as chats, the
// room's history from its archive (XEP-0313 on the room JID), and rejoining after every new session.
// Room messages are accepted only from the room's own JID, and only for rooms the user is in.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId, BareJid } from '../../shared/ids.js';
import { fail, ok, type ErrorCode, type Result } from '../../shared/errors.js';
import type { OccupantView, PresenceShow, RoomView } from '../../shared/views.js';
import type { Db } from '../store/db.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { ChatService } from './chats.js';
import type { ConnectionService } from './connections.js';
import type { EventBus } from './events.js';
import type { Logger } from './log.js';
import type { SyncService } from './sync.js';
import type { XmppClient } from '../xmpp/client.js';
import { ORDER } from './pipeline.js';
import { bareOf } from '../xmpp/jid.js';
import { buildJoinPresence, buildLeavePresence, isRoomCreated, parseGroupchat, parseMucPresence, removalReason, type MucJoinErrorCode } from '../xmpp/xep/0045-muc.js';
import { buildInstantRoom } from '../xmpp/xep/0045-muc-admin.js';
import { parseOriginId, parseStanzaId } from '../xmpp/xep/0359-stable-ids.js';
import { parseDelay } from '../xmpp/rfc/6121-message.js';

const JOIN_ERRORS: Record<MucJoinErrorCode, ErrorCode> = {
  'password-required': 'room-password-required',
  banned: 'room-banned',
  'members-only': 'room-members-only',
  'nick-conflict': 'room-nick-conflict',
  'nick-reserved': 'room-nick-conflict',
  'nick-invalid': 'room-nick-conflict',
  'room-full': 'room-full',
  'room-not-found': 'room-not-found',
  'not-allowed': 'room-not-allowed',
  unknown: 'server-error',
};

interface Room {
  accountId: AccountId;
  jid: BareJid;
  nick: string;
  state: RoomView['state'];
  error?: RoomView['error'];
  subject?: string;
  occupants: Map<string, OccupantView>;
  waiter?: (r: Result<null>) => void;
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
}

export function createRoomService(deps: RoomsDeps) {
  const rooms = new Map<string, Room>();
  const key = (accountId: string, jid: string) => `${accountId}|${jid}`;

  const saved = (accountId: string) =>
    deps.db.prepare<[string], { jid: string; nick: string }>('SELECT jid, nick FROM rooms WHERE account_id = ?').all(accountId);
  const save = (accountId: string, jid: string, nick: string) =>
    deps.db.prepare('INSERT INTO rooms (account_id, jid, nick) VALUES (?, ?, ?) ON CONFLICT (account_id, jid) DO UPDATE SET nick = excluded.nick').run(accountId, jid, nick);
  const forget = (accountId: string, jid: string) => deps.db.prepare('DELETE FROM rooms WHERE account_id = ? AND jid = ?').run(accountId, jid);

  function view(r: Room): RoomView {
    const conv = deps.repo.ensureConversation(r.accountId, r.jid, Date.now(), 'room');
    return {
      accountId: r.accountId, jid: r.jid, conversationId: conv.id, nick: r.nick, state: r.state,
      ...(r.subject !== undefined ? { subject: r.subject } : {}), ...(r.error ? { error: r.error } : {}),
      occupants: [...r.occupants.values()].sort((a, b) => a.nick.localeCompare(b.nick)),
    };
  }
  const emit = (r: Room) => deps.events.emit('room:updated', view(r));

  function onPresence(accountId: AccountId, el: Element) {
    const roomJid = bareOf(el.attrs.from);
    const r = roomJid && rooms.get(key(accountId, roomJid));
    if (!r) return false;
    const p = parseMucPresence(el, { roomJid: r.jid });
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
      r.occupants.delete(p.nick);
      if (p.isSelf && !p.newNick) {
        // We were removed (kicked, banned, room destroyed…) or our leave was confirmed.
        const why = removalReason(p);
        r.state = why ? 'error' : 'left';
        if (why) r.error = { code: why === 'banned' ? 'room-banned' : 'server-error', detail: why + (p.reason ? `: ${p.reason}` : '') };
      }
    } else {
      r.occupants.set(p.nick, {
        nick: p.nick, role: p.role, affiliation: p.affiliation, ...(p.realJid ? { jid: bareOf(p.realJid) as BareJid } : {}),
        presence: (['chat', 'away', 'xa', 'dnd'].includes(p.show ?? '') ? p.show : 'online') as PresenceShow, isSelf: p.isSelf,
      });
      if (p.isSelf) {
        r.nick = p.nick; // the service may have changed it (status 210)
        if (r.state !== 'joined') {
          r.state = 'joined';
          r.error = undefined;
          r.waiter?.(ok(null));
          r.waiter = undefined;
          // A new room is locked until configured: accept the default configuration (§10.1.2).
          if (isRoomCreated(p)) void deps.connections.client(accountId)?.iqCaller.request(xml('iq', { type: 'set', to: r.jid }, buildInstantRoom()), 15_000).catch(() => {});
        }
      }
    }
    emit(r);
    return true;
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
    order: ORDER.parse - 5,
    run(ctx) {
      if (ctx.stanza.attrs.type !== 'groupchat') return true;
      const roomJid = bareOf(ctx.stanza.attrs.from);
      const r = roomJid && rooms.get(key(ctx.accountId, roomJid));
      if (!r) return false;
      // An archived room message counts only from that room's own archive.
      if (ctx.source === 'archive' && ctx.archiveJid !== r.jid) return false;
      const g = parseGroupchat(ctx.stanza, { roomJid: r.jid });
      if (!g) return false;
      if (g.subject !== undefined) {
        if (ctx.source === 'live') {
          r.subject = g.subject;
          emit(r);
        }
        return false;
      }
      if (!g.body || !g.nick) return false; // messages from the room itself (status notices) are not chat
      const originId = parseOriginId(ctx.stanza);
      const stanzaId = ctx.archiveId ?? parseStanzaId(ctx.stanza, r.jid);
      const delayed = parseDelay(ctx.stanza);
      ctx.msg = {
        kind: 'room',
        // Ours only if it carries the origin-id of a message in our outbox: a nickname can be taken by
        // someone else while we are away.
        direction: originId && deps.repo.outgoingByOriginId(ctx.accountId, originId) ? 'out' : 'in',
        peer: r.jid,
        body: g.body,
        timestamp: Math.min(delayed ?? ctx.forwardedAt ?? Date.now(), Date.now()),
        senderNick: g.nick,
        ...(originId ? { originId } : {}),
        ...(stanzaId ? { stanzaId } : {}),
      };
      return true;
    },
  });

  /** Rooms whose archive was caught up on the current session: live messages then move the pointer. */
  const caughtUp = new Set<string>();
  deps.chats.pipeline.use({
    name: 'room-archive-pointer',
    order: 511,
    run(ctx) {
      const m = ctx.msg;
      if (ctx.source === 'live' && m?.kind === 'room' && m.stanzaId && caughtUp.has(key(ctx.accountId, m.peer))) {
        deps.sync.advancePointer(ctx.accountId, m.peer, m.stanzaId, m.timestamp);
      }
    },
  });

  async function join(accountId: AccountId, jid: string, nick: string, password?: string): Promise<Result<RoomView>> {
    const client = deps.connections.client(accountId);
    if (!client) return fail('not-connected');
    const k = key(accountId, jid);
    const r: Room = rooms.get(k) ?? { accountId, jid: jid as BareJid, nick, state: 'joining', occupants: new Map() };
    r.nick = nick;
    r.state = 'joining';
    r.occupants.clear();
    rooms.set(k, r);
    emit(r);
    const outcome = new Promise<Result<null>>((resolve) => {
      const timer = setTimeout(() => resolve(fail('timeout', 'the room did not answer')), deps.joinTimeoutMs ?? 15_000);
      r.waiter = (res) => {
        clearTimeout(timer);
        resolve(res);
      };
    });
    await client.send(buildJoinPresence(jid, nick, { ...(password ? { password } : {}) }));
    const res = await outcome;
    if (!res.ok) {
      if (r.state === 'joining') r.state = 'error';
      r.error = res.error;
      emit(r);
      return res;
    }
    save(accountId, jid, r.nick);
    // Messages written for this room while we were out of it can leave now.
    deps.chats.kick(accountId);
    // History comes from the room's archive, not from the join (we asked for none).
    caughtUp.delete(k);
    void deps.sync
      .catchUpRoom(accountId, client, jid)
      .then(() => caughtUp.add(k))
      .catch((err: Error) => deps.log.info(`room history not fetched: ${err.message}`));
    return ok(view(r));
  }

  return {
    installOn,
    join,
    async leave(accountId: AccountId, jid: string): Promise<Result<null>> {
      const r = rooms.get(key(accountId, jid));
      forget(accountId, jid);
      if (!r) return ok(null);
      r.state = 'left';
      r.occupants.clear();
      emit(r);
      await deps.connections.client(accountId)?.send(buildLeavePresence(jid, r.nick)).catch(() => {});
      return ok(null);
    },
    list: (): RoomView[] => [...rooms.values()].map(view),
    nickIn: (accountId: string, jid: string): string | undefined => rooms.get(key(accountId, jid))?.nick,
    isJoined: (accountId: string, jid: string): boolean => rooms.get(key(accountId, jid))?.state === 'joined',
    isRoom: (accountId: string, jid: string): boolean => rooms.has(key(accountId, jid)),
    /** After a new session (not a resume): back into every room the user is in. */
    async onOnline(accountId: AccountId) {
      await Promise.all(saved(accountId).map(async (s) => {
        const res = await join(accountId, s.jid, s.nick);
        if (!res.ok) deps.log.info(`could not rejoin ${s.jid}: ${res.error.code}`);
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
