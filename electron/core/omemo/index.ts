// OMEMO's public surface (issue #12 §1): the service, its commands and its lifecycle parts, built by
// createOmemoFeature on the message path.
import type { Db } from '../../store/db.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { AccountId } from '../../../shared/ids.js';
import { createLogger } from '../../lib/log.js';
import type { EventBus, Lifecycle } from '../kernel/index.js';
import type { ConnectionService } from '../session/index.js';
import type { ChatService } from '../messages/index.js';
import { createOmemoService } from './omemo.js';
import { omemoHandlers } from './handlers.js';

export type { OmemoService, OwnDevice } from './omemo.js';

export interface OmemoFeatureDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  connections: ConnectionService;
  events: EventBus;
  jidOf(accountId: AccountId): string | undefined;
  secretsOf(accountId: AccountId): SecretStore | undefined;
}

export function createOmemoFeature(deps: OmemoFeatureDeps) {
  const omemo = createOmemoService({ ...deps, log: createLogger('omemo') });
  return {
    omemo,
    handlers: omemoHandlers({ omemo }),
    parts: {
      // Keys are published in the background after sign-in; the service's own hooks run later in the list.
      keys: { name: 'omemo-keys', onOnline: (id, c) => void omemo.onOnline(id, c) },
      omemo: { name: 'omemo', installOn: omemo.installOn, onOffline: omemo.onOffline, onSynced: omemo.onSynced, stop: omemo.idle },
    } satisfies Record<string, Lifecycle>,
  };
}
