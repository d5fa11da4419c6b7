// The session's public surface (issue #12 §1): accounts, connections, presence activity (XEP-0352) and the
// wake watch, built together by createSessionFeature; other features use the types, app-core the feature.
import type { AccountId } from '../../../shared/ids.js';
import type { SyncStateView } from '../../../shared/views.js';
import type { AccountsRepo } from '../../store/accounts-repo.js';
import type { ChosenSecretStore } from '../../secrets/choose.js';
import type { DiscoveryDeps } from '../../xmpp/discovery.js';
import { proxyFromEnv, type ProxyServer } from '../../xmpp/proxy.js';
import { createLogger } from '../../lib/log.js';
import { late, type EventBus, type Lifecycle } from '../kernel/index.js';
import { createAccountService, type AccountService } from './accounts.js';
import { createConnectionService } from './connections.js';
import { createPresenceActivity } from './csi.js';
import { startWakeWatch, type WakeWatch } from './wake-watch.js';
import { sessionHandlers } from './handlers.js';

export type { AccountService } from './accounts.js';
export type { ConnectionService, LoginTarget } from './connections.js';
export type { WakeWatch } from './wake-watch.js';
export { installLastResort, type LastResortOptions } from './last-resort.js';

/** The core's options the session uses (AppCoreOptions has them). */
export interface SessionOptions {
  profileDir: string;
  secrets: ChosenSecretStore;
  discovery?: DiscoveryDeps;
  backoff?: { first: number; max: number };
  answerTimeoutMs?: number;
  proxyFor?: (url: string) => Promise<ProxyServer | undefined>;
}

export interface SessionFeatureDeps {
  opts: SessionOptions;
  repo: AccountsRepo;
  events: EventBus;
  /** The last archive catch-up state of an account (the sync feature, built later). */
  syncState(id: AccountId): SyncStateView | undefined;
  /** Before an account is removed: what other features keep of it goes too (its OMEMO keys). */
  beforeRemove(id: AccountId): Promise<void>;
}

/** Accounts and connections need each other (sign-in): the cycle is closed here, once both are built. */
export function createSessionFeature(deps: SessionFeatureDeps) {
  const { opts, repo, events } = deps;
  const later = late<AccountService>('accounts');
  const connections = createConnectionService({
    events,
    log: createLogger('connections'),
    ...(opts.discovery ? { discovery: opts.discovery } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.answerTimeoutMs ? { answerTimeoutMs: opts.answerTimeoutMs } : {}),
    loginTarget: (id) => later().loginTarget(id),
    rememberEndpoint: (id, e) => repo.setLastEndpoint(id, e),
    proxyFor: opts.proxyFor ?? (async (url) => proxyFromEnv(new URL(url).hostname)),
  });
  const accounts = later.provide(
    createAccountService({
      repo,
      secrets: opts.secrets,
      profileDir: opts.profileDir,
      events,
      connections: () => connections,
      syncState: deps.syncState,
      beforeRemove: deps.beforeRemove,
    }),
  );
  const activity = createPresenceActivity({ connections });
  let wake: WakeWatch | undefined;
  return {
    accounts,
    connections,
    handlers: sessionHandlers({ accounts, connections, activity }),
    /** Lifecycle parts; app-core places each in the one ordered list. */
    parts: {
      accounts: {
        name: 'accounts',
        onOnline: (id, c) => accounts.rememberMechanism(id, c.mechanism),
        onResumed: (id, c) => accounts.rememberMechanism(id, c.mechanism),
      },
      wakeWatch: { name: 'wake-watch', start: () => void (wake ??= startWakeWatch(() => connections.nudge())), stop: () => wake?.stop() },
      connections: {
        name: 'connections',
        start: () => repo.list().forEach((a) => void (a.enabled && connections.connect(a.id))),
        stop: connections.stopAll,
      },
      presenceActivity: { name: 'presence-activity', onOnline: activity.onOnline },
    } satisfies Record<string, Lifecycle>,
  };
}
