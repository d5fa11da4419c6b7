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
  /**
   * Newer messages are stored but not loaded: the reader went far up and the newest pages were dropped
   * to keep the thread bounded (MAX_LOADED). They come back with loadNewer() or jumpToNewest().
   */
  hasNewer?: boolean;
  /** Incoming messages that arrived live (a counter: the list shows those that came while scrolled up). */
  arrived?: number;
  loading: boolean;
  error?: VireoError;
}

/** States that come after 'pending' on the way to the other side. */
const PAST_PENDING = new Set<DeliveryState>(['sent', 'delivered', 'read']);

const EMPTY: Thread = { messages: [], hasMore: false, loaded: false, loading: false };
const PAGE = 50;
/**
 * The most messages a thread keeps loaded while the reader pages through it (issue #13: a history of
 * 10,000 must not grow the page without bound). Pages far from what is read are dropped and asked
 * again from the database when the reader comes back. (Live messages are all kept: the list shows a
 * window of them.)
 */
export const MAX_LOADED = 150;

/** Where the reader was in a conversation they left: the message at the top of the view and its offset. */
export interface ReadingPosition {
  id: string;
  offset: number;
}

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
  /** Per conversation, where its reader left it scrolled up (none: at the newest). */
  #positions = new Map<string, ReadingPosition>();

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
    for (const [id, list] of groups) {
      const t = this.thread(id);
      const known = ids(t.messages);
      const fresh = list.filter((m) => !known.has(m.id));
      const arrived = fresh.filter((m) => m.direction === 'in' && !m.notice).length;
      let incoming = list;
      // The newest pages are not loaded: a new message would sit after a gap; it comes with them.
      if (t.hasNewer) {
        const last = t.messages.at(-1)?.order ?? Infinity;
        incoming = list.filter((m) => known.has(m.id) || m.order < last);
      }
      const messages = incoming.length ? merge(t.messages, incoming) : t.messages;
      this.#patch(id, { messages, ...(arrived ? { arrived: (t.arrived ?? 0) + arrived } : {}) });
    }
  }

  /** Where the reader left this conversation (undefined: at the newest). */
  position(id: ConversationId): ReadingPosition | undefined {
    return this.#positions.get(id);
  }

  keepPosition(id: ConversationId, position: ReadingPosition | undefined): void {
    if (position) this.#positions.set(id, position);
    else this.#positions.delete(id);
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

  /** Loads the page before the oldest message shown; the newest pages beyond MAX_LOADED are dropped. */
  async loadOlder(id: ConversationId): Promise<void> {
    const t = this.thread(id);
    if (!t.loaded || !t.hasMore || t.loading) return;
    await this.#load(id, t.messages[0]?.id);
  }

  /** Loads the page after the newest message loaded (dropped earlier); the oldest beyond MAX_LOADED go. */
  async loadNewer(id: ConversationId): Promise<void> {
    const t = this.thread(id);
    const last = t.messages.at(-1)?.id;
    if (!t.loaded || !t.hasNewer || t.loading || last === undefined) return;
    this.#patch(id, { loading: true, error: undefined });
    const r = await this.#api.call('chat:history', { conversationId: id, afterId: last, limit: PAGE });
    const now = this.thread(id);
    if (!r.ok) return this.#patch(id, { loading: false, error: r.error });
    const messages = merge(now.messages, r.value.messages);
    const drop = Math.max(0, messages.length - MAX_LOADED);
    this.#patch(id, {
      messages: drop ? messages.slice(drop) : messages,
      hasMore: now.hasMore || drop > 0,
      hasNewer: r.value.hasMore,
      loading: false,
    });
  }

  /** Back to the newest page (the reader asked for it from far up): the loaded pages are replaced. */
  async jumpToNewest(id: ConversationId): Promise<void> {
    const t = this.thread(id);
    if (!t.hasNewer) return;
    this.#patch(id, { messages: [], hasNewer: false, loaded: false, loading: false });
    await this.#load(id, undefined);
  }

  async #load(id: ConversationId, beforeId: string | undefined): Promise<void> {
    this.#patch(id, { loading: true, error: undefined });
    const input = beforeId === undefined ? { conversationId: id, limit: PAGE } : { conversationId: id, beforeId, limit: PAGE };
    const r = await this.#api.call('chat:history', input);
    if (r.ok) {
      const t = this.thread(id);
      let messages = merge(t.messages, r.value.messages);
      let hasNewer = t.hasNewer;
      // An older page: the newest ones beyond the bound go (stored; loadNewer brings them back).
      if (beforeId !== undefined && messages.length > MAX_LOADED) {
        messages = messages.slice(0, MAX_LOADED);
        hasNewer = true;
      }
      this.#patch(id, {
        messages,
        hasMore: r.value.hasMore,
        noServerHistory: !!r.value.noServerHistory,
        loaded: true,
        loading: false,
        ...(hasNewer ? { hasNewer } : {}),
      });
    } else {
      this.#patch(id, { loading: false, error: r.error });
    }
  }
}
