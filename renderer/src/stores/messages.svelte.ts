// Messages per conversation: pages loaded from the database plus messages pushed since.
import type { Api } from '$lib/api.js';
import type { ConversationId } from '$shared/ids.js';
import type { DeliveryState, MessageView } from '$shared/views.js';
import type { VireoError } from '$shared/errors.js';

export interface Thread {
  messages: MessageView[];
  /** Older messages exist, in the database or in the server's archive. */
  hasMore: boolean;
  /** Nothing older can come: the room keeps no history on the server. */
  noServerHistory?: boolean;
  /** The newest page has been loaded. */
  loaded: boolean;
  loading: boolean;
  error?: VireoError;
}

/** States that come after 'pending' on the way to the other side. */
const PAST_PENDING = new Set<DeliveryState>(['sent', 'delivered', 'read']);

const EMPTY: Thread = { messages: [], hasMore: false, loaded: false, loading: false };
const PAGE = 50;

/**
 * The ids in a thread's message list, kept beside it so that a live message (a burst brings
 * thousands, one event each) is appended without rebuilding and re-sorting the whole thread.
 */
const idsOf = new WeakMap<MessageView[], Set<string>>();
function ids(list: MessageView[]): Set<string> {
  let set = idsOf.get(list);
  if (!set) idsOf.set(list, (set = new Set(list.map((m) => m.id))));
  return set;
}

/**
 * Merges by id (the later copy wins) and keeps the core's order (`order`, never the timestamp: a
 * delayed message stays where the archive put it). An update of messages already shown (a receipt,
 * a correction) replaces them in place without sorting the thread again.
 */
function merge(existing: MessageView[], incoming: MessageView[]): MessageView[] {
  const known = ids(existing);
  // The common case: only new messages, none before the last one shown (live ones, a burst).
  let appendable = true;
  let updatesOnly = true;
  let last = existing[existing.length - 1]?.order ?? -Infinity;
  const seen = new Set<string>();
  for (const m of incoming) {
    if (known.has(m.id)) appendable = false;
    else updatesOnly = false;
    if (!appendable && !updatesOnly) break;
    if (appendable) {
      if (m.order < last || seen.has(m.id)) appendable = false;
      last = m.order;
      seen.add(m.id);
    }
  }
  if (appendable) {
    const next = existing.concat(incoming);
    // The old list is replaced by the new one: its id set moves over instead of being copied.
    idsOf.delete(existing);
    for (const id of seen) known.add(id);
    idsOf.set(next, known);
    return next;
  }
  const byId = new Map(incoming.map((m) => [m.id, m]));
  if (updatesOnly && incoming.every((m) => existing.find((e) => e.id === m.id)?.order === m.order)) {
    const next = existing.map((m) => byId.get(m.id) ?? m);
    idsOf.delete(existing);
    idsOf.set(next, known);
    return next;
  }
  const all = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) all.set(m.id, m);
  // Array.prototype.sort is stable: equal orders keep the order they came in.
  return [...all.values()].sort((a, b) => a.order - b.order);
}

export class MessagesStore {
  #threads = $state.raw<Record<string, Thread>>({});
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  thread(id: ConversationId): Thread {
    return this.#threads[id] ?? EMPTY;
  }

  #patch(id: ConversationId, patch: Partial<Thread>): void {
    this.#threads = { ...this.#threads, [id]: { ...this.thread(id), ...patch } };
  }

  add(messages: MessageView[]): void {
    const groups = new Map<ConversationId, MessageView[]>();
    for (const m of messages) {
      const list = groups.get(m.conversationId);
      if (list) list.push(m);
      else groups.set(m.conversationId, [m]);
    }
    for (const [id, list] of groups) this.#patch(id, { messages: merge(this.thread(id).messages, list) });
  }

  update(message: MessageView): void {
    this.add([message]);
  }

  /**
   * The answer to 'chat:send' or 'chat:retry' ('pending') can arrive after the events that followed
   * it ('sent', 'delivered'…): never step back from one of those to 'pending'.
   */
  applyAnswer(message: MessageView): void {
    const current = this.thread(message.conversationId).messages.find((m) => m.id === message.id);
    if (current && message.state === 'pending' && PAST_PENDING.has(current.state)) return;
    this.add([message]);
  }

  /** Loads the newest page once per conversation. */
  async loadLatest(id: ConversationId): Promise<void> {
    const t = this.thread(id);
    if (t.loaded || t.loading) return;
    await this.#load(id, undefined);
  }

  /** Loads the page before the oldest message shown. */
  async loadOlder(id: ConversationId): Promise<void> {
    const t = this.thread(id);
    if (!t.loaded || !t.hasMore || t.loading) return;
    await this.#load(id, t.messages[0]?.id);
  }

  async #load(id: ConversationId, beforeId: string | undefined): Promise<void> {
    this.#patch(id, { loading: true, error: undefined });
    const input = beforeId === undefined ? { conversationId: id, limit: PAGE } : { conversationId: id, beforeId, limit: PAGE };
    const r = await this.#api.call('chat:history', input);
    if (r.ok) {
      const t = this.thread(id);
      this.#patch(id, {
        messages: merge(t.messages, r.value.messages),
        hasMore: r.value.hasMore,
        noServerHistory: !!r.value.noServerHistory,
        loaded: true,
        loading: false,
      });
    } else {
      this.#patch(id, { loading: false, error: r.error });
    }
  }
}
