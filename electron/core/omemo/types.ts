// The OMEMO service's own types: what it needs (its deps) and this account's device once its keys are
// open. A file of its own so that the service's parts (messages, PEP, trust) and the service import
// them from here, not from each other (issue #12 §1).
import type Database from 'better-sqlite3';
import type { AccountId } from '../../../shared/ids.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ConnectionService } from '../session/index.js';
import type { ChatService } from '../messages/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { OmemoStore } from '../../omemo/signal-store.js';
import type { OmemoDevice } from '../../omemo/legacy/device.js';

export interface OmemoDeps {
  /** The profile's database, its OMEMO schema migrated (openDatabase does it with the core's). */
  db: Database.Database;
  repo: MessagesRepo;
  chats: ChatService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** The account's bare JID. */
  jidOf(accountId: AccountId): string | undefined;
  /** Where the account keeps its secrets (the OMEMO storage key lives beside the password). */
  secretsOf(accountId: AccountId): SecretStore | undefined;
}

/** This account's own device, once its keys are open. */
export interface OwnDevice {
  accountId: AccountId;
  jid: string;
  deviceId: number;
  /** Hex of our identity key, as other clients show it. */
  fingerprint: string;
  store: OmemoStore;
  device: OmemoDevice;
}
