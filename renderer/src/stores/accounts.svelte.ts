// Accounts and their connection states. Main owns the truth: this holds the last snapshot plus the
// events pushed since ('accounts:changed' is the full list, 'connection:state' one account's state).
import type { AccountId } from '$shared/ids.js';
import type { AccountView, ConnectionStateView } from '$shared/views.js';

export class AccountsStore {
  list = $state.raw<AccountView[]>([]);
  /** Connection states pushed after the list arrived; newer than `account.connection`. */
  #connections = $state.raw<Record<string, ConnectionStateView>>({});

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
}
