// The core's composition root (CONTRIBUTING.md 3): services are built in order with explicit dependencies
// and wired to the IPC contract. Used unchanged by Electron's main.ts and by the browser host.
import { createRequire } from 'node:module';
import { fail, ok } from '../../shared/errors.js';
import type { ConversationId } from '../../shared/ids.js';
import type { Events } from '../../shared/contract.js';
import type { Handlers } from '../ipc/router.js';
import type { ChosenSecretStore } from '../secrets/choose.js';
import { openDatabase } from '../store/db.js';
import { createAccountsRepo } from '../store/accounts-repo.js';
import { createRosterRepo } from '../store/roster-repo.js';
import { createMessagesRepo } from '../store/messages-repo.js';
import { createEventBus, type EventBus } from './kernel/events.js';
import { createLogger } from '../lib/log.js';
import { logFolderView } from '../lib/log-file.js';
import { createConnectionService, type ConnectionService } from './session/connections.js';
import { createAccountService, type AccountService } from './session/accounts.js';
import { createRosterService } from './contacts/roster.js';
import { createChatService } from './messages/chats.js';
import { createSyncService } from './sync/sync.js';
import { installReceipts } from './messages/receipts.js';
import { installChatMarkers } from './messages/chat-markers.js';
import { createMarkersRepo } from '../store/markers-repo.js';
import { createArchiveSyncRepo } from '../store/archive-sync-repo.js';
import { createRoomSettingsRepo } from '../store/room-settings-repo.js';
import { createRoomInvitationsRepo } from '../store/room-invitations-repo.js';
import { createPresenceActivity } from './session/csi.js';
import { startWakeWatch, type WakeWatch } from './session/wake-watch.js';
import { installReadSync } from './messages/read-sync.js';
import { createRoomService } from './rooms/rooms.js';
import { proxyFromEnv, type ProxyServer } from '../xmpp/proxy.js';
import { createRoomInvites } from './rooms/room-invites.js';
import { createBookmarkService } from './rooms/bookmarks.js';
import { createSelfPing, type SelfPingOptions } from './rooms/room-self-ping.js';
import { createRoomDiscovery } from './rooms/room-discovery.js';
import { createNotificationService } from './messages/notifications.js';
import { installRetraction } from './messages/retraction.js';
import { createRoomAdminService } from './rooms/room-admin.js';
import { createOmemoService, type OmemoService } from './omemo/omemo.js';
import type { DiscoveryDeps } from '../xmpp/discovery.js';

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
  /**
   * The HTTP proxy for an https:// or wss:// URL. Default: HTTPS_PROXY / ALL_PROXY with NO_PROXY
   * (proxy.ts); Electron passes the system's settings.
   */
  proxyFor?: (url: string) => Promise<ProxyServer | undefined>;
}

export interface AppCore {
  handlers: Handlers;
  events: EventBus;
  /** Tell the core the machine woke up or the network changed (Electron's powerMonitor calls it). */
  nudge(): void;
  /** The user clicked a notification of this conversation: the window shows it. */
  showConversation(conversationId: ConversationId): void;
  accounts: AccountService;
  connections: ConnectionService;
  /** The receive pipeline's stages as installed, in the order they run (kernel/pipeline.ts). */
  pipelineStages(): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

function appVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function createAppCore(opts: AppCoreOptions): Promise<AppCore> {
  const events = createEventBus();
  const db = openDatabase(opts.profileDir);
  const accountsRepo = createAccountsRepo(db);
  const rosterRepo = createRosterRepo(db);
  const messagesRepo = createMessagesRepo(db);

  // Late-bound because accounts and connections need each other (target ↔ sign-in).
  let accounts: AccountService | undefined;
  const connections = createConnectionService({
    events,
    log: createLogger('connections'),
    ...(opts.discovery ? { discovery: opts.discovery } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.answerTimeoutMs ? { answerTimeoutMs: opts.answerTimeoutMs } : {}),
    loginTarget: (id) => accounts!.loginTarget(id),
    rememberEndpoint: (id, e) => accountsRepo.setLastEndpoint(id, e),
    proxyFor: opts.proxyFor ?? (async (url) => proxyFromEnv(new URL(url).hostname)),
  });
  accounts = createAccountService({
    repo: accountsRepo, secrets: opts.secrets, profileDir: opts.profileDir, events, connections: () => connections,
    syncState: (id) => sync.state(id),
    beforeRemove: (id) => omemo.forgetAccount(id),
  });
  const roster = createRosterService({ repo: rosterRepo, accounts: accountsRepo, connections, events, log: createLogger('roster') });
  const chats = createChatService({
    repo: messagesRepo, transaction: (fn) => db.transaction(fn)(), connections, events, log: createLogger('chats'),
    contactName: (a, j) => roster.contactName(a, j),
    roomNick: (a, j) => rooms.nickIn(a, j),
    roomJoined: (a, j) => rooms.isJoined(a, j),
    isRoom: (a, j) => rooms.isRoom(a, j),
    roomName: (a, j) => rooms.nameOf(a, j),
    encryption: () => omemo?.encryption,
  });

  const sync = createSyncService({
    positions: createArchiveSyncRepo(db), repo: messagesRepo, chats, events, log: createLogger('sync'), ...(opts.archivePageSize ? { pageSize: opts.archivePageSize } : {}),
    roomArchived: (a, j) => rooms.archived(a, j),
    roomCaughtUp: (a, j) => rooms.isCaughtUp(a, j),
  });

  installReceipts({ chats, repo: messagesRepo, roster: rosterRepo, connections, log: createLogger('receipts') });
  const markers = installChatMarkers({
    chats, repo: messagesRepo, markers: createMarkersRepo(db), roster: rosterRepo, connections, events, log: createLogger('chat-markers'),
    // XEP-0333 §8.1: a chat is caught up once the account's archive is, a room once its own archive is.
    caughtUp: (conv) => sync.isSynced(conv.accountId) && (conv.kind !== 'room' || rooms.isCaughtUp(conv.accountId, conv.peer)),
  });
  const activity = createPresenceActivity({ connections });
  const readSync = installReadSync({ chats, repo: messagesRepo, connections, log: createLogger('read-sync') });
  const rooms = createRoomService({
    db, repo: messagesRepo, chats, sync, connections, events, log: createLogger('rooms'), notifyMode: (a, j) => notifications.mode(a, j),
  });
  // Finding rooms, and deciding which new messages notify (after they are stored).
  const roomDiscovery = createRoomDiscovery({ connections, log: createLogger('room-discovery') });
  const notifications = createNotificationService({
    settings: createRoomSettingsRepo(db), repo: messagesRepo, chats, events, roomNick: (a, j) => rooms.nickIn(a, j), announceRoom: (a, j) => rooms.announce(a, j),
    contactName: (a, j) => roster.contactName(a, j),
  });
  const retraction = installRetraction({ repo: messagesRepo, chats, rooms, connections, log: createLogger('retraction') });
  rooms.load(accountsRepo.list().map((a) => a.id));
  rooms.onCaughtUp((accountId) => markers.flush(accountId));
  // Invitations, bookmarks (which rooms to join after sign-in, on every device) and self-pings.
  const invites = createRoomInvites({
    invitations: createRoomInvitationsRepo(db), chats, rooms, connections, events, log: createLogger('room-invites'),
    contactName: (a, j) => roster.contactName(a, j), secretsOf: (id) => accounts!.secretsOf(id), jidOf: (id) => accountsRepo.get(id)?.jid,
  });
  const bookmarks = createBookmarkService({ rooms, connections, log: createLogger('bookmarks'), jidOf: (id) => accountsRepo.get(id)?.jid });
  const selfPing = createSelfPing({ rooms, connections, log: createLogger('self-ping'), ...opts.selfPing });
  const roomAdmin = createRoomAdminService({ rooms, connections, log: createLogger('room-admin') });
  const omemo: OmemoService = createOmemoService({
    db, repo: messagesRepo, chats, connections, events, log: createLogger('omemo'),
    jidOf: (id) => accountsRepo.get(id)?.jid, secretsOf: (id) => accounts!.secretsOf(id),
  });
  // Every stage of the receive pipeline's table is installed by now (kernel/pipeline.ts).
  chats.pipeline.assertComplete();

  // Wiring order matters: protocol handlers are installed before the stream opens. After sign-in:
  // carbons and server features, the roster, then availability (offline messages follow it), the
  // outbox, and the archive catch-up.
  connections.onClient((id, client) => {
    // First: it must see every stanza from a room, before a handler takes it.
    selfPing.installOn(id, client);
    roster.installOn(id, client);
    chats.installOn(id, client);
    sync.installOn(id, client);
    rooms.installOn(id, client);
    roomDiscovery.installOn(id, client);
    omemo.installOn(id, client);
    invites.installOn(id, client);
    bookmarks.installOn(id, client);
  });
  // First: the password mechanism this sign-in used is remembered (issue #11 §5, rfc/6120-sasl.ts).
  connections.onOnline((id, client) => accounts!.rememberMechanism(id, client.mechanism));
  connections.onResumed((id, client) => accounts!.rememberMechanism(id, client.mechanism));
  // Our OMEMO keys are published in the background; messages to us can be decrypted meanwhile.
  connections.onOnline((id, client) => void omemo.onOnline(id, client));
  connections.onOnline((id, client) => sync.beforePresence(id, client));
  connections.onOnline((id, client) => roster.onOnline(id, client));
  connections.onOnline((id) => chats.flushPending(id));
  connections.onOnline((id, client) => sync.afterPresence(id, client));
  connections.onOnline((id, client) => readSync.onOnline(id, client));
  // Rooms are rejoined in the background: the account is usable while that happens.
  // The bookmarks are read first: they say which rooms to join besides those in the rooms table.
  connections.onOnline((id, client) => void bookmarks.onOnline(id, client).catch((err: Error) => createLogger('rooms').warn(`rejoining rooms failed: ${err.message}`)));
  connections.onOnline((id, client) => activity.onOnline(id, client));
  connections.onResumed((id) => chats.flushPending(id));
  events.subscribe((name, payload) => {
    if (name === 'sync:state' && (payload as Events['sync:state']).phase === 'synced') omemo.onSynced((payload as Events['sync:state']).accountId);
    if (name !== 'connection:state') return;
    const state = payload as Events['connection:state'];
    // 'connecting' may end in a resumed session, which keeps presence and sync state as they were.
    if (state.status === 'offline' || state.status === 'error' || state.status === 'waiting-to-retry') {
      sync.onOffline(state.accountId);
      roster.onOffline(state.accountId);
      rooms.onOffline(state.accountId);
      omemo.onOffline(state.accountId);
    }
  });

  let wake: WakeWatch | undefined;
  const version = appVersion();
  const handlers: Handlers = {
    'app:info': async () =>
      ok({
        version,
        host: opts.host,
        secrets: { best: opts.secrets.best, keychainAvailable: opts.secrets.keychainAvailable, ...(opts.secrets.note ? { note: opts.secrets.note } : {}) },
      }),
    'accounts:list': async () => ok(accounts!.list()),
    'accounts:add': (input) => accounts!.add(input),
    'accounts:remove': ({ accountId }) => accounts!.remove(accountId),
    'accounts:connect': async ({ accountId, password }) => {
      if (!accounts!.get(accountId)) return { ok: false, error: { code: 'not-found' } };
      if (password) await accounts!.rememberForSession(accountId, password);
      void connections.connect(accountId);
      return ok(null);
    },
    'accounts:disconnect': async ({ accountId }) => {
      await connections.disconnect(accountId);
      return ok(null);
    },
    'accounts:trust-certificate': async ({ accountId, fingerprint256 }) => {
      if (!accounts!.get(accountId)) return { ok: false, error: { code: 'not-found' } };
      accountsRepo.setPinnedCert(accountId, fingerprint256);
      accounts!.announce();
      void connections.connect(accountId);
      return ok(null);
    },
    'accounts:accept-weaker-sign-in': async ({ accountId }) => accounts!.acceptWeakerSignIn(accountId),
    'roster:snapshot': async () => ok(roster.snapshot()),
    'roster:add': ({ accountId, jid, name }) => roster.add(accountId, jid, name),
    'roster:rename': ({ accountId, jid, name }) => roster.rename(accountId, jid, name),
    'roster:remove': ({ accountId, jid }) => roster.remove(accountId, jid),
    'roster:accept': ({ accountId, jid }) => roster.accept(accountId, jid),
    'roster:refuse': ({ accountId, jid }) => roster.refuse(accountId, jid),
    'chats:list': async () => ok(chats.list()),
    'chat:open': async ({ accountId, peer }) => {
      const r = chats.open(accountId, peer);
      if (r.ok) omemo.lookup(accountId, peer);
      return r;
    },
    'chat:history': async ({ conversationId, beforeId, limit }) => {
      const page = chats.history(conversationId, limit, beforeId);
      const conv = messagesRepo.conversation(conversationId);
      if (!page.ok || !conv || page.value.messages.length >= limit) return page;
      // Not enough here: ask the archive (the user's, or the room's) for older messages, then answer
      // from the database. Until that archive says it is complete, there may be more.
      const client = connections.client(conv.accountId);
      let older = { fetched: 0, complete: messagesRepo.isArchiveComplete(conv.id) } as Awaited<ReturnType<typeof sync.fetchOlder>>;
      if (client && !older.complete) {
        try {
          older = await sync.fetchOlder(conv.accountId, client, conv, limit);
        } catch (err) {
          createLogger('sync').info(`older history not fetched: ${(err as Error).message}`);
        }
      }
      const again = older.fetched > 0 ? chats.history(conversationId, limit, beforeId) : page;
      if (!again.ok) return again;
      return ok({
        ...again.value,
        hasMore: again.value.hasMore || !older.complete,
        ...(older.noServerHistory ? { noServerHistory: true as const } : {}),
      });
    },
    'chat:send': ({ conversationId, body }) => chats.send(conversationId, body),
    'chat:mark-read': async ({ conversationId }) => {
      const r = chats.markRead(conversationId);
      const conv = messagesRepo.conversation(conversationId);
      if (r.ok && conv) {
        const last = messagesRepo.lastIncoming(conversationId);
        await markers.displayed(conversationId);
        await readSync.displayed(conv.accountId, conv.peer, last);
      }
      return r;
    },
    'chat:retry': ({ messageId }) => chats.retry(messageId),
    'rooms:list': async () => ok(rooms.list()),
    'rooms:join': ({ accountId, room, nick, password }) => rooms.join(accountId, room, nick, password),
    'rooms:leave': ({ accountId, room }) => rooms.leave(accountId, room),
    'rooms:invite': ({ accountId, room, invitee, reason, mode }) => invites.invite(accountId, room, invitee, reason || undefined, mode),
    'rooms:invitations': async () => ok(invites.list()),
    'rooms:accept-invitation': ({ accountId, room, nick, password }) => invites.accept(accountId, room, nick, password),
    'rooms:decline-invitation': ({ accountId, room, reason }) => invites.decline(accountId, room, reason || undefined),
    'rooms:browse': ({ accountId, service }) => roomDiscovery.browse(accountId, service),
    'rooms:info': ({ accountId, room }) => roomDiscovery.info(accountId, room),
    'rooms:set-notify': async ({ accountId, room, notify }) => notifications.setRoomMode(accountId, room, notify),
    // XEP-0045 §7.5: a private chat with one occupant of a room the user is in (held until joined).
    'rooms:open-private': async ({ accountId, room, nick }) =>
      rooms.isRoom(accountId, room) ? chats.open(accountId, `${room}/${nick}`) : fail('room-not-found', 'not one of your rooms'),
    'app:set-viewing': async ({ conversationId }) => {
      notifications.setViewing(conversationId);
      return ok(null);
    },
    'chat:retract': ({ messageId }) => retraction.retract(messageId),
    'rooms:moderate': ({ messageId, reason }) => retraction.moderate(messageId, reason),
    'rooms:create': ({ accountId, room, nick, password }) => roomAdmin.create(accountId, room, nick, password),
    'rooms:get-config': ({ accountId, room }) => roomAdmin.getConfig(accountId, room),
    'rooms:configure': ({ accountId, room, values }) => roomAdmin.configure(accountId, room, values),
    'rooms:cancel-config': ({ accountId, room }) => roomAdmin.cancelConfig(accountId, room),
    'rooms:set-role': ({ accountId, room, nick, role, reason }) => roomAdmin.setRole(accountId, room, nick, role, reason || undefined),
    'rooms:set-affiliation': ({ accountId, room, jid, affiliation, reason }) => roomAdmin.setAffiliation(accountId, room, jid, affiliation, reason || undefined),
    'rooms:list-affiliation': ({ accountId, room, affiliation }) => roomAdmin.listAffiliation(accountId, room, affiliation),
    'rooms:set-subject': ({ accountId, room, subject }) => roomAdmin.setSubject(accountId, room, subject),
    'accounts:set-password': ({ accountId, password }) => accounts!.setPassword(accountId, password),
    'chat:set-encryption': async ({ conversationId, mode }) => chats.setEncryption(conversationId, mode),
    'omemo:own': ({ accountId }) => omemo.ownView(accountId),
    'omemo:devices': ({ accountId, jid }) => omemo.devices(accountId, jid),
    'omemo:set-trust': ({ accountId, jid, deviceId, trust }) => omemo.setTrust(accountId, jid, deviceId, trust),
    'omemo:verify-uri': ({ accountId, uri }) => omemo.verifyUri(accountId, uri),
    'omemo:remove-device': ({ accountId, deviceId }) => omemo.removeOwnDevice(accountId, deviceId),
    // Electron's main replaces it with one that opens the folder (os/log-folder.ts).
    'app:open-log-folder': async () => ok(logFolderView(opts.profileDir)),
    'app:set-active': async ({ active }) => {
      await activity.setActive(active);
      return ok(null);
    },
  };

  return {
    handlers,
    events,
    accounts: accounts!,
    connections,
    nudge: () => connections.nudge(),
    pipelineStages: () => chats.pipeline.names(),
    showConversation: (id) => notifications.show(id),
    async start() {
      wake ??= startWakeWatch(() => connections.nudge());
      selfPing.start();
      for (const a of accountsRepo.list()) if (a.enabled) void connections.connect(a.id);
    },
    async stop() {
      wake?.stop();
      selfPing.stop();
      await connections.stopAll();
      // Keys being made or opened (a first sign-in, a slow keychain) finish before the database closes.
      await omemo.idle();
      db.close();
    },
  };
}
