// Archive catch-up per account (XEP-0313), as the core reports it with 'sync:state'.
import type { AccountId } from '$shared/ids.js';
import type { SyncStateView } from '$shared/views.js';

export class SyncStore {
  #byAccount = $state.raw<Record<string, SyncStateView>>({});

  apply(state: SyncStateView): void {
    this.#byAccount = { ...this.#byAccount, [state.accountId]: state };
  }

  /** Undefined until the core has said anything about this account's catch-up. */
  get(id: AccountId): SyncStateView | undefined {
    return this.#byAccount[id];
  }
}
