// The rooms' state (XEP-0045), in memory: the rooms the user is in or joining, under which nickname,
// who is in them (occupants with roles and affiliations, §7.2.3), subject, name and features (§6.4),
// whether each room's archive was caught up since the join (XEP-0313); the rooms kept in the database
// (store/rooms-repo.ts), loaded at start-up and rejoined after sign-in; and telling the UI, one
// room:updated per room per turn of the event loop. presence.ts and message-stages.ts change it;
// rooms.ts puts together the service from them.
import type { AccountId, BareJid } from '../../../shared/ids.js';
import type { Result } from '../../../shared/errors.js';
import type { OccupantView, RoomNotifyMode, RoomView } from '../../../shared/views.js';
import { NS_MAM } from '../../xmpp/xep/0313-mam.js';
import { MucFeature } from '../../xmpp/xep/0045-muc.js';
import type { Db } from '../../store/db.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { RoomsRepo } from '../../store/rooms-repo.js';
import type { ChatService } from '../messages/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { RemovalReason } from './room-errors.js';
import { accountKey } from '../../lib/account-key.js';
import { errorMessage } from '../../lib/error-message.js';

export interface Room {
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

export interface RoomStateDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  events: EventBus;
  log: Logger;
  /** The user's choice of when this room notifies (notifications.ts), shown with the room. */
  notifyMode?(accountId: AccountId, jid: string): RoomNotifyMode;
}

export function createRoomState(deps: RoomStateDeps, store: RoomsRepo) {
  const rooms = new Map<string, Room>();
  const key = accountKey;
  const { saved } = store;

  function view(r: Room): RoomView {
    const conv = deps.repo.ensureConversation(r.accountId, r.jid, Date.now(), 'room');
    return {
      accountId: r.accountId,
      jid: r.jid,
      conversationId: conv.id,
      nick: r.nick,
      state: r.state,
      ...(r.name ? { name: r.name } : {}),
      ...(r.subject !== undefined ? { subject: r.subject } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(r.removalReason ? { removalReason: r.removalReason } : {}),
      ...(r.locked ? { locked: true } : {}),
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
          deps.log.warn(`room update not sent: ${errorMessage(err)}`);
        }
      }
    });
  };
  const trustsOccupantIds = (r: Room) => !!r.features?.has(MucFeature.OccupantId);

  /** Rooms whose archive was caught up on the current session: live messages then move the pointer. */
  const caughtUp = new Set<string>();

  return {
    // For presence.ts and message-stages.ts.
    rooms,
    key,
    view,
    emit,
    trustsOccupantIds,
    caughtUp,
    store,
    joinedHooks,
    leftHooks,
    removedHooks,
    caughtUpHooks,
    // For the service (rooms.ts).
    /** Whether the room keeps an archive (XEP-0313 in its features); undefined until it answered. */
    archived: (accountId: AccountId, jid: string): boolean | undefined => {
      const f = rooms.get(key(accountId, jid))?.features;
      return f && f.has(NS_MAM);
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
export type RoomState = ReturnType<typeof createRoomState>;
