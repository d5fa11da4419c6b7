// The core's composition root (CONTRIBUTING.md 3): services built in order with explicit dependencies, their lifecycle
// hooks wired in one ordered list, their handler tables merged. Used unchanged by Electron's main.ts and the browser host.
import type { ConversationId } from '../../shared/ids.js';
import type { Handlers } from '../ipc/handlers.js';
import type { ChosenSecretStore } from '../secrets/choose.js';
import { openDatabase } from '../store/db.js';
import { createAccountsRepo } from '../store/accounts-repo.js';
import { createRosterRepo } from '../store/roster-repo.js';
import { createMessagesRepo } from '../store/messages-repo.js';
import { createMarkersRepo } from '../store/markers-repo.js';
import { createArchiveSyncRepo } from '../store/archive-sync-repo.js';
import { createRoomSettingsRepo } from '../store/room-settings-repo.js';
import { createRoomInvitationsRepo } from '../store/room-invitations-repo.js';
import { createLogger } from '../lib/log.js';
import { proxyFromEnv, type ProxyServer } from '../xmpp/proxy.js';
import type { DiscoveryDeps } from '../xmpp/discovery.js';
import { createEventBus, type EventBus } from './kernel/events.js';
import { late } from './kernel/late.js';
import { wireLifecycle, type LifecycleHook } from './kernel/lifecycle.js';
import { appHandlers } from './app-handlers.js';
import { createConnectionService, type ConnectionService } from './session/connections.js';
import { createAccountService, type AccountService } from './session/accounts.js';
import { createPresenceActivity } from './session/csi.js';
import { startWakeWatch, type WakeWatch } from './session/wake-watch.js';
import { sessionHandlers } from './session/handlers.js';
import { createRosterService } from './contacts/roster.js';
import { contactsHandlers } from './contacts/handlers.js';
import { createChatService } from './messages/chats.js';
import { installReceipts } from './messages/receipts.js';
import { installChatMarkers } from './messages/chat-markers.js';
import { installReadSync } from './messages/read-sync.js';
import { createNotificationService, type NotificationService } from './messages/notifications.js';
import { installRetraction } from './messages/retraction.js';
import { createChatActions } from './messages/chat-actions.js';
import { messagesHandlers } from './messages/handlers.js';
import { createSyncService } from './sync/sync.js';
import { createHistoryService } from './sync/history.js';
import { createRoomService, type RoomService } from './rooms/rooms.js';
import { createRoomInvites } from './rooms/room-invites.js';
import { createBookmarkService } from './rooms/bookmarks.js';
import { createSelfPing, type SelfPingOptions } from './rooms/room-self-ping.js';
import { createRoomDiscovery } from './rooms/room-discovery.js';
import { createRoomAdminService } from './rooms/room-admin.js';
import { roomsHandlers } from './rooms/handlers.js';
import { createOmemoService, type OmemoService } from './omemo/omemo.js';
import { omemoHandlers } from './omemo/handlers.js';

export interface AppCoreOptions {
  profileDir: string;
  secrets: ChosenSecretStore;
  host: 'electron' | 'browser-host';
  /** Tests and the demo may replace DNS/host-meta look-ups. */
  discovery?: DiscoveryDeps;
  /** Reconnect backoff bounds (ms); tests shorten them. */
  backoff?: { first: number; max: number };
  /** Archive page size (XEP-0313 RSM max); tests use small pages. */
  archivePageSize?: number;
  /** How long an unanswered stream-management request may wait before the link counts as dead. */
  answerTimeoutMs?: number;
  /** Room self-ping timing (XEP-0410); tests shorten the silence before a ping. */
  selfPing?: SelfPingOptions;
  /** The HTTP proxy for an https:// or wss:// URL. Default: HTTPS_PROXY / ALL_PROXY with NO_PROXY (proxy.ts); Electron passes the system's. */
  proxyFor?: (url: string) => Promise<ProxyServer | undefined>;
}

export interface AppCore {
  handlers: Handlers;
  events: EventBus;
  /** Tell the core the machine woke up or the network changed (Electron's powerMonitor calls it). */
  nudge(): void;
  /** The user clicked a notification of this conversation: the window shows it. */
  showConversation(conversationId: ConversationId): void;
  accounts: AccountService; connections: ConnectionService;
  /** The receive pipeline's stages as installed, in the order they run (kernel/pipeline.ts). */
  pipelineStages(): string[];
  /** The features with this lifecycle hook, in the order it runs them (kernel/lifecycle.ts). */
  lifecycleOrder(hook: LifecycleHook): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createAppCore(opts: AppCoreOptions): Promise<AppCore> {
  const events = createEventBus();
  const db = openDatabase(opts.profileDir);
  const accountsRepo = createAccountsRepo(db);
  const rosterRepo = createRosterRepo(db);
  const messagesRepo = createMessagesRepo(db);
  const jidOf = (id: string) => accountsRepo.get(id)?.jid;
  // The cycles of the service graph, each closed once the later service is built (kernel/late.ts): accounts ↔
  // connections (sign-in) and OMEMO (its storage key), chats and sync ↔ rooms, chats ↔ OMEMO, rooms ↔ notifications.
  const later = { accounts: late<AccountService>('accounts'), rooms: late<RoomService>('rooms'), omemo: late<OmemoService>('omemo'),
    notifications: late<NotificationService>('notifications') };
  const connections = createConnectionService({
    events, log: createLogger('connections'), ...(opts.discovery ? { discovery: opts.discovery } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}), ...(opts.answerTimeoutMs ? { answerTimeoutMs: opts.answerTimeoutMs } : {}),
    loginTarget: (id) => later.accounts().loginTarget(id), rememberEndpoint: (id, e) => accountsRepo.setLastEndpoint(id, e),
    proxyFor: opts.proxyFor ?? (async (url) => proxyFromEnv(new URL(url).hostname)),
  });
  const roster = createRosterService({ repo: rosterRepo, accounts: accountsRepo, connections, events, log: createLogger('roster') });
  const chats = createChatService({
    repo: messagesRepo, transaction: (fn) => db.transaction(fn)(), connections, events, log: createLogger('chats'),
    contactName: roster.contactName, roomNick: (a, j) => later.rooms().nickIn(a, j), roomJoined: (a, j) => later.rooms().isJoined(a, j),
    isRoom: (a, j) => later.rooms().isRoom(a, j), roomName: (a, j) => later.rooms().nameOf(a, j), encryption: () => later.omemo().encryption,
  });
  const sync = createSyncService({
    positions: createArchiveSyncRepo(db), repo: messagesRepo, chats, events, log: createLogger('sync'), ...(opts.archivePageSize ? { pageSize: opts.archivePageSize } : {}),
    roomArchived: (a, j) => later.rooms().archived(a, j), roomCaughtUp: (a, j) => later.rooms().isCaughtUp(a, j),
  });
  const accounts = later.accounts.provide(createAccountService({
    repo: accountsRepo, secrets: opts.secrets, profileDir: opts.profileDir, events, connections: () => connections,
    syncState: sync.state, beforeRemove: (id) => later.omemo().forgetAccount(id),
  }));
  installReceipts({ chats, repo: messagesRepo, roster: rosterRepo, connections, log: createLogger('receipts') });
  const markers = installChatMarkers({
    chats, repo: messagesRepo, markers: createMarkersRepo(db), roster: rosterRepo, connections, events, log: createLogger('chat-markers'),
    // XEP-0333 §8.1: a chat is caught up once the account's archive is, a room once its own archive is.
    caughtUp: (conv) => sync.isSynced(conv.accountId) && (conv.kind !== 'room' || later.rooms().isCaughtUp(conv.accountId, conv.peer)),
  });
  const activity = createPresenceActivity({ connections });
  const readSync = installReadSync({ chats, repo: messagesRepo, connections, log: createLogger('read-sync') });
  const rooms = later.rooms.provide(createRoomService({
    db, repo: messagesRepo, chats, sync, connections, events, log: createLogger('rooms'), notifyMode: (a, j) => later.notifications().mode(a, j),
  }));
  const roomDiscovery = createRoomDiscovery({ connections, log: createLogger('room-discovery') });
  const notifications = later.notifications.provide(createNotificationService({
    settings: createRoomSettingsRepo(db), repo: messagesRepo, chats, events, roomNick: rooms.nickIn, announceRoom: rooms.announce, contactName: roster.contactName,
  }));
  const retraction = installRetraction({ repo: messagesRepo, chats, rooms, connections, log: createLogger('retraction') });
  rooms.load(accountsRepo.list().map((a) => a.id));
  rooms.onCaughtUp((accountId) => markers.flush(accountId));
  // Invitations, bookmarks (which rooms to join after sign-in, on every device) and self-pings.
  const invites = createRoomInvites({
    invitations: createRoomInvitationsRepo(db), chats, rooms, connections, events, log: createLogger('room-invites'), contactName: roster.contactName, secretsOf: accounts.secretsOf, jidOf,
  });
  const bookmarks = createBookmarkService({ rooms, connections, log: createLogger('bookmarks'), jidOf });
  const selfPing = createSelfPing({ rooms, connections, log: createLogger('self-ping'), ...opts.selfPing });
  const roomAdmin = createRoomAdminService({ rooms, connections, log: createLogger('room-admin') });
  const omemo = later.omemo.provide(createOmemoService({ db, repo: messagesRepo, chats, connections, events, log: createLogger('omemo'), jidOf, secretsOf: accounts.secretsOf }));
  // Every stage of the receive pipeline's table is installed by now (kernel/pipeline.ts).
  chats.pipeline.assertComplete();

  // Every hook runs in this order (kernel/lifecycle.test.ts pins it). Middleware: self-ping first (it must see every room
  // stanza before a handler takes it), chats before sync (chats unwrap archive results). After sign-in: the mechanism used
  // is remembered (issue #11 §5), OMEMO keys published in the background, carbons and server features, roster, presence (offline
  // messages follow it), outbox, catch-up, rooms (bookmarks read first). Stop: connections, then OMEMO's key work, then the database.
  let wake: WakeWatch | undefined;
  const lifecycle = wireLifecycle([
    { name: 'accounts', onOnline: (id, c) => accounts.rememberMechanism(id, c.mechanism), onResumed: (id, c) => accounts.rememberMechanism(id, c.mechanism) },
    { name: 'wake-watch', start: () => void (wake ??= startWakeWatch(() => connections.nudge())), stop: () => wake?.stop() },
    { name: 'self-ping', installOn: selfPing.installOn, start: selfPing.start, stop: selfPing.stop },
    { name: 'connections', start: () => accountsRepo.list().forEach((a) => void (a.enabled && connections.connect(a.id))), stop: connections.stopAll },
    { name: 'omemo-keys', onOnline: (id, c) => void omemo.onOnline(id, c) },
    { name: 'sync:before-presence', onOnline: sync.beforePresence, onOffline: sync.onOffline },
    { name: 'roster', installOn: roster.installOn, onOnline: roster.onOnline, onOffline: roster.onOffline },
    { name: 'chats', installOn: chats.installOn, onOnline: (id) => chats.flushPending(id), onResumed: (id) => chats.flushPending(id) },
    { name: 'sync', installOn: sync.installOn, onOnline: sync.afterPresence },
    { name: 'rooms', installOn: rooms.installOn, onOffline: rooms.onOffline },
    { name: 'room-discovery', installOn: roomDiscovery.installOn },
    { name: 'omemo', installOn: omemo.installOn, onOffline: omemo.onOffline, onSynced: omemo.onSynced, stop: omemo.idle },
    { name: 'room-invites', installOn: invites.installOn },
    { name: 'read-sync', onOnline: readSync.onOnline },
    { name: 'bookmarks', installOn: bookmarks.installOn,
      onOnline: (id, c) => void bookmarks.onOnline(id, c).catch((err: Error) => createLogger('rooms').warn(`rejoining rooms failed: ${err.message}`)) },
    { name: 'presence-activity', onOnline: activity.onOnline },
    { name: 'database', stop: () => void db.close() },
  ], connections, events);
  const history = createHistoryService({ chats, repo: messagesRepo, connections, sync, log: createLogger('sync') });
  const actions = createChatActions({ chats, repo: messagesRepo, markers, readSync, opened: (a, peer) => omemo.lookup(a, peer) });
  // Typed as the whole contract: a command no table answers is a compile error.
  const handlers: Handlers = {
    ...appHandlers(opts), ...sessionHandlers({ accounts, connections, activity }), ...contactsHandlers({ roster }),
    ...messagesHandlers({ chats, actions, history, retraction, notifications }), ...omemoHandlers({ omemo }),
    ...roomsHandlers({ rooms, chats, invites, roomDiscovery, roomAdmin, retraction, notifications }),
  };

  return {
    handlers, events, accounts, connections, nudge: () => connections.nudge(), pipelineStages: () => chats.pipeline.names(),
    lifecycleOrder: lifecycle.order, showConversation: (id) => notifications.show(id), start: lifecycle.start, stop: lifecycle.stop,
  };
}
