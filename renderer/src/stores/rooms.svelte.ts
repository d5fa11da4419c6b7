// Group rooms (XEP-0045) of every account: the 'rooms:list' snapshot, then 'room:updated' events,
// each carrying one room's whole state (subject, occupants, joined or not). The room commands go
// through here; each answers what main answered, and the caller shows it.
import type { AccountId, BareJid, ConversationId } from '$shared/ids.js';
import type { RoomDeclineView, RoomInvitationView, RoomView } from '$shared/views.js';
import type { Api } from '$lib/api.js';
import type { CommandInput } from '$shared/contract.js';
import { followSnapshot } from '$lib/snapshot.js';

export const roomKey = (accountId: AccountId, jid: BareJid): string => `${accountId}\u0000${jid}`;

type RoomRef = CommandInput<'rooms:info'>;

export class RoomsStore {
  #byKey = $state.raw<Record<string, RoomView>>({});
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** All rooms of all accounts, in the order of what the list shows: their names, else their addresses. */
  readonly list: RoomView[] = $derived(
    Object.values(this.#byKey).sort((a, b) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid) || a.jid.localeCompare(b.jid)),
  );

  setAll(list: RoomView[]): void {
    const next: Record<string, RoomView> = {};
    for (const r of list) next[roomKey(r.accountId, r.jid)] = r;
    this.#byKey = next;
  }

  upsert(room: RoomView): void {
    this.#byKey = { ...this.#byKey, [roomKey(room.accountId, room.jid)]: room };
  }

  get(accountId: AccountId, jid: BareJid): RoomView | undefined {
    return this.#byKey[roomKey(accountId, jid)];
  }

  byConversation(id: ConversationId): RoomView | undefined {
    return this.list.find((r) => r.conversationId === id);
  }

  // ---- Invitations (XEP-0249 / XEP-0045 §7.8.2): pending ones per account, and declines of ours ----
  #invitations = $state.raw<Record<string, RoomInvitationView[]>>({});
  /** Pending invitations of every account, newest first. */
  readonly invitations: RoomInvitationView[] = $derived(
    Object.values(this.#invitations)
      .flat()
      .sort((a, b) => b.receivedAt - a.receivedAt),
  );
  /** "X declined your invitation" notices, until dismissed. */
  declines = $state.raw<RoomDeclineView[]>([]);

  setInvitations(list: RoomInvitationView[]): void {
    const next: Record<string, RoomInvitationView[]> = {};
    for (const i of list) (next[i.accountId] ??= []).push(i);
    this.#invitations = next;
  }

  applyInvitations(p: { accountId: AccountId; invitations: RoomInvitationView[] }): void {
    this.#invitations = { ...this.#invitations, [p.accountId]: p.invitations };
  }

  /** Answered here: gone at once (the core confirms with 'room:invitations'). */
  dropInvitation(accountId: AccountId, room: BareJid): void {
    const list = this.#invitations[accountId];
    if (list) this.#invitations = { ...this.#invitations, [accountId]: list.filter((i) => i.room !== room) };
  }

  addDecline(d: RoomDeclineView): void {
    this.declines = [...this.declines.slice(-19), d];
  }

  dismissDecline(d: RoomDeclineView): void {
    this.declines = this.declines.filter((x) => x !== d);
  }

  /**
   * Loads the pending invitations and follows them (snapshot, then pushed events; events that come
   * while the snapshot is on its way are applied after it). Returns the unsubscribe function.
   */
  watchInvitations(): () => void {
    const api = this.#api;
    const following = followSnapshot(
      (deliver) => [
        api.on('room:invitations', (p) => deliver(() => this.applyInvitations(p))),
        api.on('room:invite-declined', (d) => deliver(() => this.addDecline(d))),
      ],
      () => api.call('rooms:invitations', {}),
      (r) => {
        if (r.ok) this.setInvitations(r.value);
      },
    );
    return following.stop;
  }

  acceptInvitation(input: CommandInput<'rooms:accept-invitation'>) {
    return this.#api.call('rooms:accept-invitation', input);
  }

  declineInvitation(input: CommandInput<'rooms:decline-invitation'>) {
    return this.#api.call('rooms:decline-invitation', input);
  }

  /** Invites someone into a room (XEP-0249, with the room's mediated invitation where needed). */
  invite(input: CommandInput<'rooms:invite'>) {
    return this.#api.call('rooms:invite', input);
  }

  // ---- Finding and creating rooms (XEP-0045 §6, §10.1) ----

  /** The rooms of a service (the account's own when none is given). */
  browse(input: CommandInput<'rooms:browse'>) {
    return this.#api.call('rooms:browse', input);
  }

  /** What a room says about itself (§6.4). */
  info(input: RoomRef) {
    return this.#api.call('rooms:info', input);
  }

  /** Creates a room (or joins it when it exists); a new one waits for its settings. */
  create(input: CommandInput<'rooms:create'>) {
    return this.#api.call('rooms:create', input);
  }

  /** When the room notifies (every message, mentions only, never). */
  setNotify(input: CommandInput<'rooms:set-notify'>) {
    return this.#api.call('rooms:set-notify', input);
  }

  // ---- Running a room: subject, settings, roles and affiliations (§8, §9, §10) ----

  setSubject(input: CommandInput<'rooms:set-subject'>) {
    return this.#api.call('rooms:set-subject', input);
  }

  getConfig(input: RoomRef) {
    return this.#api.call('rooms:get-config', input);
  }

  configure(input: CommandInput<'rooms:configure'>) {
    return this.#api.call('rooms:configure', input);
  }

  /** Cancels the settings form; a room waiting for its first settings is destroyed (§10.1.3). */
  cancelConfig(input: RoomRef) {
    return this.#api.call('rooms:cancel-config', input);
  }

  setRole(input: CommandInput<'rooms:set-role'>) {
    return this.#api.call('rooms:set-role', input);
  }

  setAffiliation(input: CommandInput<'rooms:set-affiliation'>) {
    return this.#api.call('rooms:set-affiliation', input);
  }

  listAffiliation(input: CommandInput<'rooms:list-affiliation'>) {
    return this.#api.call('rooms:list-affiliation', input);
  }
}
