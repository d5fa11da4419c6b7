// What the composition root takes and gives (app-core.ts re-exports both: the test fixtures import them from there).
import type { ConversationId } from '../../shared/ids.js';
import type { Handlers } from '../ipc/handlers.js';
import type { ChosenSecretStore } from '../secrets/choose.js';
import type { ProxyServer } from '../xmpp/proxy.js';
import type { DiscoveryDeps } from '../xmpp/discovery.js';
import type { EventBus, LifecycleHook } from './kernel/index.js';
import type { AccountService, ConnectionService } from './session/index.js';
import type { SelfPingOptions } from './rooms/index.js';

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
  accounts: AccountService;
  connections: ConnectionService;
  /** The receive pipeline's stages as installed, in the order they run (kernel/pipeline.ts). */
  pipelineStages(): string[];
  /** The features with this lifecycle hook, in the order it runs them (kernel/lifecycle.ts). */
  lifecycleOrder(hook: LifecycleHook): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
