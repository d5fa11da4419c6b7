// Group rooms (XEP-0045) of every account: the 'rooms:list' snapshot, then 'room:updated' events,
// each carrying one room's whole state (subject, occupants, joined or not).
import type { AccountId, BareJid, ConversationId } from '../../../shared/ids.js';
import type { RoomView } from '../../../shared/views.js';

export const roomKey = (accountId: AccountId, jid: BareJid): string => `${accountId}\u0000${jid}`;

export class RoomsStore {
  #byKey = $state.raw<Record<string, RoomView>>({});

  /** All rooms of all accounts, by address. */
  readonly list: RoomView[] = $derived(Object.values(this.#byKey).sort((a, b) => a.jid.localeCompare(b.jid)));

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
}
