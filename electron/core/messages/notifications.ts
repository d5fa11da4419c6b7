// Deciding when a new message deserves a desktop notification (ARCHITECTURE.md pipeline: … → store →
// notify). Runs after a received message is committed, for live messages only: never for archive
// catch-up, never for the user's own messages (sent here, or from another of their devices). A
// one-to-one or private chat always notifies; a room notifies on mentions of the user by default,
// on every message or never when the user chose so (per room, kept in SQLite, migration 0007). No
// notification for the conversation the user is looking at. The shell (electron/os/notifications.ts)
// shows what this decides; this file knows nothing of Electron.
import type { AccountId, ConversationId } from '../../../shared/ids.js';
import { ok, type Result } from '../../../shared/errors.js';
import type { NotificationView, RoomNotifyMode } from '../../../shared/views.js';
import type { RoomSettingsRepo } from '../../store/room-settings-repo.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService, IncomingCtx } from './chats.js';
import type { EventBus } from '../kernel/index.js';
import { parseJid } from '../../xmpp/jid.js';
import { isolate } from '../../../shared/bidi.js';

export interface NotificationsDeps {
  /** Each room's notification choice. */
  settings: RoomSettingsRepo;
  repo: MessagesRepo;
  chats: Pick<ChatService, 'onStored'>;
  events: EventBus;
  /** The user's current nickname in a room (their own messages from another device do not notify). */
  roomNick(accountId: AccountId, room: string): string | undefined;
  /** A room's state changed for the UI (its notification choice is part of it). */
  announceRoom(accountId: AccountId, room: string): void;
  contactName(accountId: AccountId, jid: string): string | undefined;
}

/** Long messages are cut: a notification is a glance, the chat has the rest. */
const MAX_BODY = 200;

export function createNotificationService(deps: NotificationsDeps) {
  /** The conversation on screen (window shown and focused), as the renderer reports it. */
  let viewing: string | null = null;

  const mode = (accountId: string, room: string): RoomNotifyMode => deps.settings.notifyMode(accountId, room) ?? 'mentions';

  function decide(ctx: IncomingCtx): NotificationView | undefined {
    const m = ctx.msg;
    const stored = ctx.stored;
    // Archive catch-up and older history are not news; carbons of our own sends are ours.
    if (!m || !stored || ctx.source === 'archive' || ctx.countUnread === false || m.direction !== 'in') return undefined;
    if (stored.conversationId === viewing) return undefined;
    const body = m.body.trim() ? cut(m.body) : 'New message';
    const base = { accountId: ctx.accountId, conversationId: stored.conversationId as ConversationId, body };
    if (m.kind === 'room') {
      // Written under our own nickname without being ours here: one of the user's other devices.
      if (m.senderNick === deps.roomNick(ctx.accountId, m.peer)) return undefined;
      const choice = mode(ctx.accountId, m.peer);
      if (choice === 'never' || (choice === 'mentions' && !m.mentionsMe)) return undefined;
      // Names and addresses in a title are the network's: isolated, so that a right-to-left name (or an
      // override) cannot turn the title around (shared/bidi.ts).
      return { ...base, title: `${m.senderNick === undefined ? 'Someone' : isolate(m.senderNick)} in ${isolate(m.peer)}` };
    }
    const pm = parseJid(m.peer);
    if (pm?.resource) return { ...base, title: `${isolate(pm.resource)} (private, in ${isolate(pm.bare)})` };
    return { ...base, title: isolate(deps.contactName(ctx.accountId, m.peer) ?? m.peer) };
  }

  deps.chats.onStored((ctx) => {
    const n = decide(ctx);
    if (n) deps.events.emit('notify', n);
  });

  return {
    /** When this room's messages notify (shown with the room). */
    mode,
    setRoomMode(accountId: AccountId, room: string, notify: RoomNotifyMode): Result<null> {
      // The default needs no row: a room never configured follows it.
      if (notify === 'mentions') deps.settings.clearNotifyMode(accountId, room);
      else deps.settings.setNotifyMode(accountId, room, notify);
      deps.announceRoom(accountId, room);
      return ok(null);
    },
    /** What the user is looking at now (null: nothing, the window is hidden or in the background). */
    setViewing(conversationId: string | null) {
      viewing = conversationId;
    },
    /** The user clicked a notification: the window shows that conversation. */
    show(conversationId: ConversationId) {
      if (deps.repo.conversation(conversationId)) deps.events.emit('conversation:show', { conversationId });
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;

function cut(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > MAX_BODY ? `${chars.slice(0, MAX_BODY - 1).join('')}…` : chars.join('');
}
