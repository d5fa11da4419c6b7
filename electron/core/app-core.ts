// The core's composition root (CONTRIBUTING.md 3): the features built in order with explicit dependencies, their lifecycle
// parts wired in one ordered list, their handler tables merged. Used unchanged by Electron's main.ts and the browser host.
import type { Handlers } from '../ipc/handlers.js';
import { openDatabase } from '../store/db.js';
import { createAccountsRepo } from '../store/accounts-repo.js';
import { createRosterRepo } from '../store/roster-repo.js';
import { createMessagesRepo } from '../store/messages-repo.js';
import { createEventBus, late, wireLifecycle } from './kernel/index.js';
import type { AppCore, AppCoreOptions } from './app-core-types.js';
import { appHandlers } from './app-handlers.js';
import { createSessionFeature } from './session/index.js';
import { createContactsFeature } from './contacts/index.js';
import { createMessagePath, createMessagesFeature } from './messages/index.js';
import { createSyncFeature, type SyncService } from './sync/index.js';
import { createRoomsFeature, type RoomService } from './rooms/index.js';
import { createOmemoFeature, type OmemoService } from './omemo/index.js';

export type { AppCore, AppCoreOptions } from './app-core-types.js';

export async function createAppCore(opts: AppCoreOptions): Promise<AppCore> {
  const events = createEventBus();
  const db = openDatabase(opts.profileDir);
  const accountsRepo = createAccountsRepo(db);
  const repo = createMessagesRepo(db);
  const jidOf = (id: string) => accountsRepo.get(id)?.jid;
  // Services used before they are built, each provided once it is (kernel/late.ts): sync by accounts (its state in the
  // account list), rooms by the message path and sync, OMEMO by the message path and accounts. Accounts ↔ connections: session/.
  const later = { sync: late<SyncService>('sync'), rooms: late<RoomService>('rooms'), omemo: late<OmemoService>('omemo') };
  const session = createSessionFeature({
    opts,
    repo: accountsRepo,
    events,
    syncState: (id) => later.sync().state(id),
    beforeRemove: (id) => later.omemo().forgetAccount(id),
  });
  const { accounts, connections } = session;
  const rosterRepo = createRosterRepo(db);
  const contacts = createContactsFeature({ repo: rosterRepo, accounts: accountsRepo, connections, events });
  const contactName = contacts.roster.contactName;
  const base = { db, repo, connections, events, contactName, rooms: later.rooms };
  const chats = createMessagePath({ ...base, encryption: () => later.omemo().encryption });
  const { sync, history, parts: syncParts } = createSyncFeature({ ...base, chats, pageSize: opts.archivePageSize });
  later.sync.provide(sync);
  const messages = createMessagesFeature({
    ...base,
    chats,
    roster: rosterRepo,
    history,
    isSynced: (id) => sync.isSynced(id),
    opened: (a, peer) => later.omemo().lookup(a, peer),
  });
  const rooms = createRoomsFeature({
    ...base,
    chats,
    sync,
    notifications: messages.notifications,
    retraction: messages.retraction,
    accountIds: accountsRepo.list().map((a) => a.id),
    secretsOf: accounts.secretsOf,
    jidOf,
    onCaughtUp: (accountId) => messages.markers.flush(accountId),
    ...(opts.selfPing ? { selfPing: opts.selfPing } : {}),
  });
  later.rooms.provide(rooms.rooms);
  const omemo = createOmemoFeature({ db, repo, chats, connections, events, jidOf, secretsOf: accounts.secretsOf });
  later.omemo.provide(omemo.omemo);
  // Every stage of the receive pipeline's table is installed by now (kernel/pipeline.ts).
  chats.pipeline.assertComplete();

  // Every hook runs in this order (kernel/lifecycle.test.ts pins it). Middleware: self-ping first (it must see every room
  // stanza before a handler takes it), chats before sync (chats unwrap archive results). After sign-in: the mechanism used
  // is remembered (issue #11 §5), OMEMO keys published in the background, carbons and server features, roster, presence (offline
  // messages follow it), outbox, catch-up, rooms (bookmarks read first). Stop: connections, then OMEMO's key work, then the database.
  const lifecycle = wireLifecycle(
    [
      session.parts.accounts,
      session.parts.wakeWatch,
      rooms.parts.selfPing,
      session.parts.connections,
      omemo.parts.keys,
      syncParts.beforePresence,
      contacts.parts.roster,
      messages.parts.chats,
      syncParts.sync,
      rooms.parts.rooms,
      rooms.parts.roomDiscovery,
      omemo.parts.omemo,
      rooms.parts.roomInvites,
      messages.parts.readSync,
      rooms.parts.bookmarks,
      session.parts.presenceActivity,
      { name: 'database', stop: () => void db.close() },
    ],
    connections,
    events,
  );
  // Typed as the whole contract: a command no table answers is a compile error.
  const handlers: Handlers = {
    ...appHandlers(opts),
    ...session.handlers,
    ...contacts.handlers,
    ...messages.handlers,
    ...omemo.handlers,
    ...rooms.handlers,
  };

  return {
    handlers,
    events,
    accounts,
    connections,
    nudge: () => connections.nudge(),
    pipelineStages: () => chats.pipeline.names(),
    lifecycleOrder: lifecycle.order,
    showConversation: (id) => messages.notifications.show(id),
    start: lifecycle.start,
    stop: lifecycle.stop,
  };
}
