// The messages' public surface (issue #12 §1). The message path (createMessagePath: pipeline host, ingest,
// outbox, views, 1:1 chats) is what rooms, sync and OMEMO plug into; createMessagesFeature builds what runs
// on it (receipts, chat markers, read sync, notifications, retraction, the chat commands) once sync exists.
import type { AccountId } from '../../../shared/ids.js';
import type { Db } from '../../store/db.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { RosterRepo } from '../../store/roster-repo.js';
import { createMarkersRepo } from '../../store/markers-repo.js';
import { createRoomSettingsRepo } from '../../store/room-settings-repo.js';
import { createLogger } from '../../lib/log.js';
import type { EventBus, Lifecycle } from '../kernel/index.js';
import type { ConnectionService } from '../session/index.js';
import { createChatService, type ChatEncryption, type ChatService } from './chats.js';
import { installReceipts } from './receipts.js';
import { installChatMarkers } from './chat-markers.js';
import { installReadSync } from './read-sync.js';
import { createNotificationService } from './notifications.js';
import { installRetraction } from './retraction.js';
import { createChatActions } from './chat-actions.js';
import { messagesHandlers, type HistoryPager } from './handlers.js';
import type { RoomLookup } from './room-lookup.js';

export type { ChatEncryption, ChatService, EncryptOutcome, IncomingCtx, MessageSource } from './chats.js';
export type { NotificationService } from './notifications.js';
export type { RetractionService } from './retraction.js';
export type { ChatActions } from './chat-actions.js';
export type { ChatMarkers } from './chat-markers.js';
export type { ReadSync } from './read-sync.js';
export type { HistoryPager } from './handlers.js';
export type { RoomLookup } from './room-lookup.js';

export interface MessagePathDeps {
  db: Db;
  repo: MessagesRepo;
  connections: ConnectionService;
  events: EventBus;
  contactName(accountId: AccountId, jid: string): string | undefined;
  /** The rooms service, built later on this path. */
  rooms(): RoomLookup;
  /** End-to-end encryption (the OMEMO service), built later on this path. */
  encryption(): ChatEncryption | undefined;
}

/** The shared message path: the receive pipeline's host, ingest, outbox and views, and 1:1 chats. */
export function createMessagePath(deps: MessagePathDeps): ChatService {
  const { rooms } = deps;
  return createChatService({
    repo: deps.repo,
    transaction: (fn) => deps.db.transaction(fn)(),
    connections: deps.connections,
    events: deps.events,
    log: createLogger('chats'),
    contactName: deps.contactName,
    roomNick: (a, j) => rooms().nickIn(a, j),
    roomJoined: (a, j) => rooms().isJoined(a, j),
    isRoom: (a, j) => rooms().isRoom(a, j),
    roomName: (a, j) => rooms().nameOf(a, j),
    encryption: deps.encryption,
  });
}

export interface MessagesFeatureDeps extends Omit<MessagePathDeps, 'encryption'> {
  chats: ChatService;
  roster: RosterRepo;
  /** Whether the account's own archive is caught up (the sync feature). */
  isSynced(accountId: AccountId): boolean;
  /** A page of a conversation's history, from the archive when the database has too little (the sync feature). */
  history: HistoryPager;
  /** A chat was opened: its peer's encryption keys are looked up in the background (the OMEMO service). */
  opened(accountId: AccountId, peer: string): void;
}

/** What runs on the message path; receipts, markers and notifications hear stored messages in this order. */
export function createMessagesFeature(deps: MessagesFeatureDeps) {
  const { db, chats, repo, roster, connections, events, rooms } = deps;
  installReceipts({ chats, repo, roster, connections, log: createLogger('receipts') });
  const markers = installChatMarkers({
    chats,
    repo,
    markers: createMarkersRepo(db),
    roster,
    connections,
    events,
    log: createLogger('chat-markers'),
    // XEP-0333 §8.1: a chat is caught up once the account's archive is, a room once its own archive is.
    caughtUp: (conv) => deps.isSynced(conv.accountId) && (conv.kind !== 'room' || rooms().isCaughtUp(conv.accountId, conv.peer)),
  });
  const readSync = installReadSync({ chats, repo, connections, log: createLogger('read-sync') });
  const notifications = createNotificationService({
    settings: createRoomSettingsRepo(db),
    repo,
    chats,
    events,
    roomNick: (a, j) => rooms().nickIn(a, j),
    announceRoom: (a, j) => rooms().announce(a, j),
    contactName: deps.contactName,
  });
  const retraction = installRetraction({
    repo,
    chats,
    rooms: { isJoined: (a, j) => rooms().isJoined(a, j), moderationFacts: (a, j) => rooms().moderationFacts(a, j) },
    connections,
    log: createLogger('retraction'),
  });
  const actions = createChatActions({ chats, repo, markers, readSync, opened: deps.opened });
  return {
    markers,
    notifications,
    retraction,
    handlers: messagesHandlers({ chats, actions, history: deps.history, retraction, notifications }),
    parts: {
      chats: {
        name: 'chats',
        installOn: chats.installOn,
        onOnline: (id) => chats.flushPending(id),
        onResumed: (id) => chats.flushPending(id),
      },
      readSync: { name: 'read-sync', onOnline: readSync.onOnline },
    } satisfies Record<string, Lifecycle>,
  };
}
