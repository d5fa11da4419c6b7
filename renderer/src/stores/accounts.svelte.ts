// Accounts and their connection states. Main owns the truth: this holds the last snapshot plus the
// events pushed since ('accounts:changed' is the full list, 'connection:state' one account's state).
// The account commands go through here; main answers, and its events bring the new state.
import type { Api } from '$lib/api.js';
import type { CommandInput } from '$shared/contract.js';
import type { AccountId } from '$shared/ids.js';
import type { AccountView, ConnectionStateView } from '$shared/views.js';

export class AccountsStore {
  list = $state.raw<AccountView[]>([]);
  /** Connection states pushed after the list arrived; newer than `account.connection`. */
  #connections = $state.raw<Record<string, ConnectionStateView>>({});
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  setAll(list: AccountView[]): void {
    this.list = list;
    const next: Record<string, ConnectionStateView> = {};
    for (const a of list) next[a.id] = a.connection;
    this.#connections = next;
  }

  upsert(account: AccountView): void {
    const rest = this.list.filter((a) => a.id !== account.id);
    this.list = [...rest, account];
    this.#connections = { ...this.#connections, [account.id]: account.connection };
  }

  applyConnection(state: ConnectionStateView): void {
    this.#connections = { ...this.#connections, [state.accountId]: state };
  }

  get(id: AccountId): AccountView | undefined {
    return this.list.find((a) => a.id === id);
  }

  connection(id: AccountId): ConnectionStateView {
    return this.#connections[id] ?? this.get(id)?.connection ?? { accountId: id, status: 'offline' };
  }

  /** Signs in with a new account; the caller shows it (or the certificate, or the secret choice). */
  add(input: CommandInput<'accounts:add'>) {
    return this.#api.call('accounts:add', input);
  }

  /** Connects now; a password given is used for this session only. */
  connect(accountId: AccountId, password?: string) {
    return this.#api.call('accounts:connect', password === undefined ? { accountId } : { accountId, password });
  }

  disconnect(accountId: AccountId) {
    return this.#api.call('accounts:disconnect', { accountId });
  }

  /** Replaces the saved password (the server refused the old one) and connects. */
  setPassword(accountId: AccountId, password: string) {
    return this.#api.call('accounts:set-password', { accountId, password });
  }

  /** Accepts the weaker sign-in the server offers now (it offered a stronger one before). */
  acceptWeakerSignIn(accountId: AccountId) {
    return this.#api.call('accounts:accept-weaker-sign-in', { accountId });
  }

  /** Pins exactly this certificate for the account and connects. */
  trustCertificate(accountId: AccountId, fingerprint256: string) {
    return this.#api.call('accounts:trust-certificate', { accountId, fingerprint256 });
  }
}
