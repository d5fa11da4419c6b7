// Group rooms (XEP-0045) of every account: the 'rooms:list' snapshot, then 'room:updated' events,
// each carrying one room's whole state (subject, occupants, joined or not).
import type { AccountId, BareJid, ConversationId } from '$shared/ids.js';
import type { RoomDeclineView, RoomInvitationView, RoomView } from '$shared/views.js';
import type { Api } from '$lib/api.js';
import { followSnapshot } from '$lib/snapshot.js';

export const roomKey = (accountId: AccountId, jid: BareJid): string => `${accountId}\u0000${jid}`;

export class RoomsStore {
  #byKey = $state.raw<Record<string, RoomView>>({});

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
    Object.values(this.#invitations).flat().sort((a, b) => b.receivedAt - a.receivedAt),
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
  watchInvitations(api: Api): () => void {
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
}
