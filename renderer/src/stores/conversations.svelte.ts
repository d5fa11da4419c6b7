// One-to-one conversations, most recent activity first.
import type { ConversationId } from '$shared/ids.js';
import type { ConversationView } from '$shared/views.js';

export class ConversationsStore {
  #byId = $state.raw<Record<string, ConversationView>>({});

  readonly ordered: ConversationView[] = $derived(
    Object.values(this.#byId).sort((a, b) => b.lastActivity - a.lastActivity),
  );

  setAll(list: ConversationView[]): void {
    const next: Record<string, ConversationView> = {};
    for (const c of list) next[c.id] = c;
    this.#byId = next;
  }

  upsert(c: ConversationView): void {
    this.#byId = { ...this.#byId, [c.id]: c };
  }

  get(id: ConversationId): ConversationView | undefined {
    return this.#byId[id];
  }

  /** Clears the badge at once; main confirms with 'conversation:updated'. */
  clearUnread(id: ConversationId): void {
    const c = this.#byId[id];
    if (c && c.unread !== 0) this.upsert({ ...c, unread: 0 });
  }
}
