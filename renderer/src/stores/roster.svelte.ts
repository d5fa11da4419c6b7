// Contacts and pending subscription requests, for every account. The roster commands go through
// here; 'roster:changed' and 'roster:requests' bring the new state.
import type { Api } from '$lib/api.js';
import type { AccountId, BareJid } from '$shared/ids.js';
import type { ContactView, RosterSnapshotView, SubscriptionRequestView } from '$shared/views.js';
import type { Events } from '$shared/contract.js';

export const contactKey = (accountId: AccountId, jid: BareJid): string => `${accountId}\u0000${jid}`;

const byName = (a: ContactView, b: ContactView) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.jid.localeCompare(b.jid);

export class RosterStore {
  #contacts = $state.raw<Record<string, ContactView>>({});
  #requests = $state.raw<Record<string, SubscriptionRequestView[]>>({});
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** All contacts of all accounts, by name. */
  readonly contacts: ContactView[] = $derived(Object.values(this.#contacts).sort(byName));
  /** All pending requests, oldest first. */
  readonly requests: SubscriptionRequestView[] = $derived(
    Object.values(this.#requests)
      .flat()
      .sort((a, b) => a.receivedAt - b.receivedAt),
  );

  setSnapshot(s: RosterSnapshotView): void {
    const contacts: Record<string, ContactView> = {};
    for (const c of s.contacts) contacts[contactKey(c.accountId, c.jid)] = c;
    const requests: Record<string, SubscriptionRequestView[]> = {};
    for (const r of s.requests) (requests[r.accountId] ??= []).push(r);
    this.#contacts = contacts;
    this.#requests = requests;
  }

  applyChanged({ accountId, contacts, removed }: Events['roster:changed']): void {
    const next = { ...this.#contacts };
    for (const jid of removed) delete next[contactKey(accountId, jid)];
    for (const c of contacts) next[contactKey(c.accountId, c.jid)] = c;
    this.#contacts = next;
  }

  applyRequests({ accountId, requests }: Events['roster:requests']): void {
    this.#requests = { ...this.#requests, [accountId]: requests };
  }

  find(accountId: AccountId, jid: BareJid): ContactView | undefined {
    return this.#contacts[contactKey(accountId, jid)];
  }

  add(accountId: AccountId, jid: BareJid, name?: string) {
    return this.#api.call('roster:add', name ? { accountId, jid, name } : { accountId, jid });
  }

  rename(accountId: AccountId, jid: BareJid, name: string) {
    return this.#api.call('roster:rename', { accountId, jid, name });
  }

  remove(accountId: AccountId, jid: BareJid) {
    return this.#api.call('roster:remove', { accountId, jid });
  }

  /** Accepts or refuses a subscription request. */
  answer(accountId: AccountId, jid: BareJid, accept: boolean) {
    return this.#api.call(accept ? 'roster:accept' : 'roster:refuse', { accountId, jid });
  }
}
