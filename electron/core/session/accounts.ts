// Accounts: add (sign in once to prove the credentials and the server), remove, list; where the
// password lives is decided here and only here, through the SecretStore (never SQLite or logs).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import type { CommandArgs } from '../../../shared/contract.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { AccountView, SecretBackend, SyncStateView } from '../../../shared/views.js';
import type { AccountRecord, AccountsRepo } from '../../store/accounts-repo.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { ChosenSecretStore } from '../../secrets/choose.js';
import { createFallbackStore } from '../../secrets/choose.js';
import type { ConnectionService, LoginTarget } from './connections.js';
import type { EventBus } from '../kernel/index.js';
import { closeClient } from '../../xmpp/client.js';
import { isWeakerThan } from '../../xmpp/rfc/6120-sasl.js';
import { errorMessage } from '../../lib/error-message.js';

export interface AccountsDeps {
  repo: AccountsRepo;
  secrets: ChosenSecretStore;
  profileDir: string;
  events: EventBus;
  connections: () => ConnectionService;
  /** The last archive catch-up state of an account (from the sync service). */
  syncState?: (id: AccountId) => SyncStateView | undefined;
  /** Before an account is removed: what other services keep of it goes too (its OMEMO keys). */
  beforeRemove?: (id: AccountId) => Promise<void>;
}

const passwordKey = (jid: string) => `password:${jid}`;

export function createAccountService(deps: AccountsDeps) {
  const fallbacks = new Map<SecretBackend, SecretStore>();
  /** The store holding secrets of the given backend; undefined if it is not available now. */
  function storeFor(backend: SecretBackend): SecretStore | undefined {
    if (deps.secrets.store?.backend === backend) return deps.secrets.store;
    if (backend === 'plain-file' || backend === 'memory') {
      let s = fallbacks.get(backend);
      if (!s) fallbacks.set(backend, (s = createFallbackStore(backend, deps.profileDir)));
      return s;
    }
    return undefined;
  }

  function view(a: AccountRecord): AccountView {
    return {
      id: a.id,
      jid: a.jid,
      displayName: a.displayName,
      enabled: a.enabled,
      ...(a.manual ? { manual: a.manual } : {}),
      ...(a.pinnedCert ? { pinnedCertificate: a.pinnedCert } : {}),
      secretBackend: a.secretBackend,
      connection: deps.connections().state(a.id),
      ...(deps.syncState?.(a.id) ? { sync: deps.syncState(a.id)! } : {}),
    };
  }

  const list = () => deps.repo.list().map(view);
  const announce = () => deps.events.emit('accounts:changed', list());

  async function loginTarget(id: AccountId, passwordOverride?: string): Promise<Result<LoginTarget>> {
    const a = deps.repo.get(id);
    if (!a) return fail('not-found', 'account');
    let password = passwordOverride;
    if (!password) {
      const store = storeFor(a.secretBackend);
      if (!store) return fail('keychain-unavailable', `the ${a.secretBackend} is not available now`);
      try {
        password = await store.get(passwordKey(a.jid));
      } catch (err) {
        return fail('keychain-unavailable', errorMessage(err));
      }
      if (!password) return fail('password-required');
    }
    return ok({
      jid: a.jid,
      password,
      resource: a.resource,
      ...(a.manual ? { manual: a.manual } : {}),
      ...(a.pinnedCert ? { pinned: a.pinnedCert } : {}),
      ...(a.lastEndpoint ? { remembered: a.lastEndpoint } : {}),
      // Read at each sign-in, so that accepting a weaker sign-in applies to the next attempt at once.
      saslFloor: () => deps.repo.get(id)?.saslMechanism,
    });
  }

  async function add(input: CommandArgs<'accounts:add'>): Promise<Result<AccountView>> {
    if (deps.repo.getByJid(input.jid)) return fail('already-exists', input.jid);
    // Decide where the password will live before asking the server anything, so the user is asked
    // about a missing keychain first and never loses what they typed.
    const store = deps.secrets.store ?? (input.secretFallback ? storeFor(input.secretFallback) : undefined);
    if (!store) return fail('keychain-unavailable', deps.secrets.note);

    const resource = `vireo-${randomBytes(4).toString('hex')}`;
    const manual = input.manual && Object.keys(input.manual).length > 0 ? input.manual : undefined;
    const res = await deps.connections().signIn({
      jid: input.jid,
      password: input.password,
      resource,
      ...(manual ? { manual } : {}),
      ...(input.pinnedCertificate ? { pinned: input.pinnedCertificate } : {}),
    });
    if (!res.ok) return { ok: false, error: res.error };
    await closeClient(res.client);

    try {
      await store.set(passwordKey(input.jid), input.password);
    } catch (err) {
      return fail('keychain-unavailable', errorMessage(err));
    }
    const record: AccountRecord = {
      id: randomUUID() as AccountId,
      jid: input.jid as BareJid,
      displayName: input.displayName || input.jid.slice(0, input.jid.indexOf('@')),
      enabled: true,
      ...(manual ? { manual } : {}),
      ...(input.pinnedCertificate ? { pinnedCert: input.pinnedCertificate } : {}),
      secretBackend: store.backend,
      resource,
      lastEndpoint: res.endpoint,
      ...(res.client.mechanism ? { saslMechanism: res.client.mechanism } : {}),
      createdAt: Date.now(),
    };
    deps.repo.insert(record);
    announce();
    void deps.connections().connect(record.id);
    return ok(view(record));
  }

  async function remove(id: AccountId): Promise<Result<null>> {
    const a = deps.repo.get(id);
    if (!a) return fail('not-found', 'account');
    deps.connections().forget(id);
    await deps.beforeRemove?.(id);
    await storeFor(a.secretBackend)
      ?.delete(passwordKey(a.jid))
      .catch(() => {});
    deps.repo.remove(id);
    announce();
    return ok(null);
  }

  /** A new password for a saved account, kept where the account keeps its password. */
  async function setPassword(id: AccountId, password: string): Promise<Result<null>> {
    const a = deps.repo.get(id);
    if (!a) return fail('not-found', 'account');
    const store = storeFor(a.secretBackend);
    if (!store) return fail('keychain-unavailable', `the ${a.secretBackend} is not available now`);
    try {
      await store.set(passwordKey(a.jid), password);
    } catch (err) {
      return fail('keychain-unavailable', errorMessage(err));
    }
    void deps.connections().connect(id);
    return ok(null);
  }

  /**
   * After every sign-in: the password mechanism used (the strongest Vireo knows that the server
   * offered) raises what is remembered for this account, never lowers it (issue #11 §5).
   */
  function rememberMechanism(id: AccountId, mechanism: string | undefined) {
    const a = deps.repo.get(id);
    if (!a || !mechanism) return;
    if (a.saslMechanism === undefined || isWeakerThan(a.saslMechanism, mechanism)) deps.repo.setSaslMechanism(id, mechanism);
  }

  /**
   * The user accepted that this server now offers only a weaker sign-in: the memory is cleared, the
   * next sign-in uses the best that is offered and remembers it. The only way a weaker mechanism
   * (PLAIN after SCRAM) is ever used.
   */
  function acceptWeakerSignIn(id: AccountId): Result<null> {
    if (!deps.repo.get(id)) return fail('not-found', 'account');
    deps.repo.setSaslMechanism(id, null);
    void deps.connections().connect(id);
    return ok(null);
  }

  /** A password typed at connect time (memory backend) is remembered for this session only. */
  async function rememberForSession(id: AccountId, password: string) {
    const a = deps.repo.get(id);
    if (a?.secretBackend === 'memory') await storeFor('memory')!.set(passwordKey(a.jid), password);
  }

  /** Sign in now; a password typed for it is remembered for this session (the memory backend). */
  async function connect(id: AccountId, password?: string): Promise<Result<null>> {
    if (!deps.repo.get(id)) return fail('not-found');
    if (password) await rememberForSession(id, password);
    void deps.connections().connect(id);
    return ok(null);
  }

  /** The user pinned exactly this certificate (ARCHITECTURE.md "Connections"): sign in again with it. */
  function trustCertificate(id: AccountId, fingerprint256: string): Result<null> {
    if (!deps.repo.get(id)) return fail('not-found');
    deps.repo.setPinnedCert(id, fingerprint256);
    announce();
    void deps.connections().connect(id);
    return ok(null);
  }

  /** Where this account keeps its secrets (the password, the OMEMO storage key); undefined if not available now. */
  function secretsOf(id: AccountId): SecretStore | undefined {
    const a = deps.repo.get(id);
    return a ? storeFor(a.secretBackend) : undefined;
  }

  return {
    list,
    view,
    add,
    remove,
    setPassword,
    loginTarget,
    rememberMechanism,
    acceptWeakerSignIn,
    rememberForSession,
    connect,
    trustCertificate,
    announce,
    secretsOf,
    get: (id: AccountId) => deps.repo.get(id),
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
