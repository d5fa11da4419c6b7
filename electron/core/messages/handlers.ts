// The conversations' commands: the chat list, one conversation's history, sending, reading, retrying,
// retracting, its encryption, and which conversation the window shows (for notifications).
import { ok, type Result } from '../../../shared/errors.js';
import type { HistoryPageView } from '../../../shared/views.js';
import type { CommandsOf, Handlers } from '../../ipc/handlers.js';
import type { ChatActions } from './chat-actions.js';
import type { ChatService } from './chats.js';
import type { NotificationService } from './notifications.js';
import type { RetractionService } from './retraction.js';

/** A page of a conversation's history (the sync feature's history service, which builds on the message path). */
export interface HistoryPager {
  history(conversationId: string, limit: number, beforeId?: string, afterId?: string): Promise<Result<HistoryPageView>>;
}

export interface MessagesHandlersDeps {
  chats: ChatService;
  actions: ChatActions;
  history: HistoryPager;
  retraction: RetractionService;
  notifications: NotificationService;
}

export function messagesHandlers(deps: MessagesHandlersDeps) {
  const { chats, actions, history, retraction, notifications } = deps;
  return {
    'chats:list': async () => ok(chats.list()),
    'chat:open': async ({ accountId, peer }) => actions.open(accountId, peer),
    'chat:history': ({ conversationId, beforeId, afterId, limit }) => history.history(conversationId, limit, beforeId, afterId),
    'chat:send': ({ conversationId, body }) => chats.send(conversationId, body),
    'chat:mark-read': ({ conversationId }) => actions.markRead(conversationId),
    'chat:retry': ({ messageId }) => chats.retry(messageId),
    'chat:retract': ({ messageId }) => retraction.retract(messageId),
    'chat:set-encryption': async ({ conversationId, mode }) => chats.setEncryption(conversationId, mode),
    'app:set-viewing': async ({ conversationId }) => {
      notifications.setViewing(conversationId);
      return ok(null);
    },
  } satisfies Pick<Handlers, CommandsOf<'chat' | 'chats'> | 'app:set-viewing'>;
}
