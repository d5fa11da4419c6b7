// A page of a conversation's history for the window: from the database, and when it has not enough,
// older messages from the archive (XEP-0313: the user's own for a chat, the room's for a room) first.
import type { AccountId } from '../../../shared/ids.js';
import { ok, type Result } from '../../../shared/errors.js';
import type { HistoryPageView } from '../../../shared/views.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/index.js';
import type { OlderResult, SyncService } from './sync.js';
import { errorMessage } from '../../lib/error-message.js';

export interface HistoryDeps {
  chats: Pick<ChatService, 'history'>;
  repo: Pick<MessagesRepo, 'conversation' | 'isArchiveComplete'>;
  connections: { client(accountId: AccountId): XmppClient | undefined };
  sync: Pick<SyncService, 'fetchOlder'>;
  log: Logger;
}

export function createHistoryService(deps: HistoryDeps) {
  return {
    async history(conversationId: string, limit: number, beforeId?: string, afterId?: string): Promise<Result<HistoryPageView>> {
      // Newer messages (the window dropped them while the reader was far up): all stored already.
      if (afterId !== undefined) return deps.chats.history(conversationId, limit, undefined, afterId);
      const page = deps.chats.history(conversationId, limit, beforeId);
      const conv = deps.repo.conversation(conversationId);
      if (!page.ok || !conv) return page;
      // A full page with nothing older stored is not the top while the archive may hold more: the next
      // page (before its first message) asks the archive.
      if (page.value.messages.length >= limit)
        return page.value.hasMore ? page : ok({ ...page.value, hasMore: !deps.repo.isArchiveComplete(conv.id) });
      // Not enough here: ask the archive (the user's, or the room's) for older messages, then answer
      // from the database. Until that archive says it is complete, there may be more.
      const client = deps.connections.client(conv.accountId);
      let older: OlderResult = { fetched: 0, complete: deps.repo.isArchiveComplete(conv.id) };
      if (client && !older.complete) {
        try {
          older = await deps.sync.fetchOlder(conv.accountId, client, conv, limit);
        } catch (err) {
          deps.log.info(`older history not fetched: ${errorMessage(err)}`);
        }
      }
      const again = older.fetched > 0 ? deps.chats.history(conversationId, limit, beforeId) : page;
      if (!again.ok) return again;
      return ok({
        ...again.value,
        hasMore: again.value.hasMore || !older.complete,
        ...(older.noServerHistory ? { noServerHistory: true as const } : {}),
      });
    },
  };
}
export type HistoryService = ReturnType<typeof createHistoryService>;
