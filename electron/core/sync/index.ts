// Archive catch-up's public surface (issue #12 §1): the sync service (XEP-0313 catch-up and its order) and
// the history pages the window asks for, built together by createSyncFeature.
import type { AccountId } from '../../../shared/ids.js';
import type { Db } from '../../store/db.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import { createArchiveSyncRepo } from '../../store/archive-sync-repo.js';
import { createLogger } from '../../lib/log.js';
import type { EventBus, Lifecycle } from '../kernel/index.js';
import type { ConnectionService } from '../session/index.js';
import type { ChatService } from '../messages/index.js';
import { createSyncService } from './sync.js';
import { createHistoryService } from './history.js';

export type { OlderResult, SyncService } from './sync.js';
export type { HistoryService } from './history.js';
export { PAGE_SIZE } from './sync.js';

export interface SyncFeatureDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  connections: ConnectionService;
  events: EventBus;
  /** Archive page size (XEP-0313 RSM max). */
  pageSize?: number;
  /** The rooms service, built later on sync (rooms/ imports sync/, never the reverse). */
  rooms(): {
    archived(accountId: AccountId, jid: string): boolean | undefined;
    isCaughtUp(accountId: string, jid: string): boolean;
  };
}

export function createSyncFeature(deps: SyncFeatureDeps) {
  const { chats, repo, events, rooms } = deps;
  const sync = createSyncService({
    positions: createArchiveSyncRepo(deps.db),
    repo,
    chats,
    events,
    log: createLogger('sync'),
    ...(deps.pageSize ? { pageSize: deps.pageSize } : {}),
    roomArchived: (a, j) => rooms().archived(a, j),
    roomCaughtUp: (a, j) => rooms().isCaughtUp(a, j),
  });
  const history = createHistoryService({ chats, repo, connections: deps.connections, sync, log: createLogger('sync') });
  return {
    sync,
    history,
    parts: {
      beforePresence: { name: 'sync:before-presence', onOnline: sync.beforePresence, onOffline: sync.onOffline },
      sync: { name: 'sync', installOn: sync.installOn, onOnline: sync.afterPresence },
    } satisfies Record<string, Lifecycle>,
  };
}
