// Conversations (one-to-one chats, rooms, private room chats), most recent activity first, and what a row
// of the one conversation list shows of each.
import type { ConversationId } from '$shared/ids.js';
import type { ContactView, ConversationView, MessageView, PresenceShow, RoomView } from '$shared/views.js';
import { clockTime } from '$lib/format.js';

export class ConversationsStore {
  #byId = $state.raw<Record<string, ConversationView>>({});

  readonly ordered: ConversationView[] = $derived(Object.values(this.#byId).sort((a, b) => b.lastActivity - a.lastActivity));

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

/** One row of the conversation list: everything it shows, already worked out. */
export interface ConversationRow {
  id: ConversationId;
  kind: ConversationView['kind'];
  peer: string;
  /** Remote text: a room's or contact's name, or the address. */
  title: string;
  lastActivity: number;
  /** Who wrote the last message, as the row says it ("You", a nickname); absent in a one-to-one chat from them. */
  sender?: string;
  /** The last message's text (remote text), or a room's state when it is not joined. */
  preview?: string;
  /** The preview is a state in words (joining, left, failed), not a message. */
  previewIsState?: boolean;
  previewIsError?: boolean;
  unread: number;
  /** An unread message mentions the user (rooms). */
  mention: boolean;
  presence?: PresenceShow;
  encrypted: boolean;
  room?: RoomView;
}

export interface RowSources {
  conversations: ConversationView[];
  rooms: RoomView[];
  contact: (c: ConversationView) => ContactView | undefined;
  /** The messages of a conversation loaded so far (may be none). */
  messages: (id: ConversationId) => MessageView[];
  roomState: (r: RoomView) => string;
}

/**
 * Every conversation once: the core's conversations, plus rooms that have none yet (a room just joined),
 * newest activity first; ties (rooms without messages) by name.
 */
export function conversationRows(src: RowSources): ConversationRow[] {
  const rows: ConversationRow[] = [];
  const seen = new Set<string>();
  const roomById = new Map(src.rooms.map((r) => [r.conversationId as string, r]));
  const rowOf = (c: ConversationView): ConversationRow => {
    const room = c.kind === 'room' ? roomById.get(c.id) : undefined;
    const contact = c.kind === 'chat' ? src.contact(c) : undefined;
    const loaded = src.messages(c.id);
    const last = loaded.findLast((m) => !m.notice);
    const body = c.lastMessage?.body ?? (last && !last.retracted ? last.body : undefined);
    const out = (c.lastMessage?.direction ?? last?.direction) === 'out';
    let sender: string | undefined;
    if (out && body !== undefined) sender = 'You';
    else if (c.kind === 'room' && c.lastMessage?.senderNick) sender = c.lastMessage.senderNick;
    // A room message that came after the list was loaded: its sender is in the loaded messages.
    else if (
      c.kind === 'room' &&
      last &&
      last.direction === 'in' &&
      last.senderNick &&
      (!c.lastMessage || c.lastMessage.body.startsWith(last.body.slice(0, 200)))
    )
      sender = last.senderNick;
    const unreadIn = c.unread > 0 ? loaded.filter((m) => m.direction === 'in' && !m.notice).slice(-c.unread) : [];
    const notJoined = room && (room.state !== 'joined' || room.unreachable);
    return {
      id: c.id,
      kind: c.kind,
      peer: c.peer,
      title: room?.name ?? contact?.name ?? c.title,
      lastActivity: c.lastActivity,
      ...(sender !== undefined && !notJoined ? { sender } : {}),
      ...(notJoined
        ? {
            preview: room.state === 'joined' ? 'Connection lost, retrying…' : src.roomState(room),
            previewIsState: true,
            previewIsError: room.state === 'error',
          }
        : body !== undefined
          ? { preview: body }
          : {}),
      unread: c.unread,
      mention: unreadIn.some((m) => m.mentionsMe),
      ...(contact ? { presence: contact.presence } : c.kind === 'chat' ? { presence: 'offline' as const } : {}),
      encrypted: c.encryption?.mode === 'omemo',
      ...(room ? { room } : {}),
    };
  };
  for (const c of src.conversations) {
    seen.add(c.id);
    rows.push(rowOf(c));
  }
  for (const r of src.rooms) {
    if (seen.has(r.conversationId)) continue;
    rows.push(
      rowOf({
        id: r.conversationId,
        kind: 'room',
        accountId: r.accountId,
        peer: r.jid,
        title: r.name ?? r.jid,
        lastActivity: 0,
        unread: 0,
      }),
    );
  }
  return rows.sort((a, b) => b.lastActivity - a.lastActivity || a.title.localeCompare(b.title));
}

const DAY = 86_400_000;
let weekdayFormat: Intl.DateTimeFormat | undefined;
let dayMonthFormat: Intl.DateTimeFormat | undefined;
let fullDayFormat: Intl.DateTimeFormat | undefined;

/** The time a row shows for its last message: "14:02" today, "Mon" this week, "3 Dec" this year, else with the year. */
export function listTime(ts: number, now: number): string {
  if (!ts) return '';
  const then = new Date(ts);
  const today = new Date(now);
  if (then.toDateString() === today.toDateString()) return clockTime(ts);
  const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (ts < startOfToday && ts >= startOfToday - 6 * DAY)
    return (weekdayFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short' })).format(ts);
  if (then.getFullYear() === today.getFullYear())
    return (dayMonthFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })).format(ts);
  return (fullDayFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })).format(ts);
}
