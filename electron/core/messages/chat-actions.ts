// What the user does to a conversation that other features take part in: opening a chat (OMEMO looks up
// the peer's devices), and reading it (the displayed marker to the sender, XEP-0333, and the read state
// to the user's other devices, XEP-0490).
import type { AccountId } from '../../../shared/ids.js';
import type { Result } from '../../../shared/errors.js';
import type { ConversationView } from '../../../shared/views.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from './chats.js';
import type { ChatMarkers } from './chat-markers.js';
import type { ReadSync } from './read-sync.js';

export interface ChatActionsDeps {
  chats: Pick<ChatService, 'open' | 'markRead'>;
  repo: Pick<MessagesRepo, 'conversation' | 'lastIncoming'>;
  markers: Pick<ChatMarkers, 'displayed'>;
  readSync: Pick<ReadSync, 'displayed'>;
  /** A chat was opened: its peer's encryption keys are looked up in the background (the OMEMO service). */
  opened(accountId: AccountId, peer: string): void;
}

export function createChatActions(deps: ChatActionsDeps) {
  return {
    open(accountId: AccountId, peer: string): Result<ConversationView> {
      const r = deps.chats.open(accountId, peer);
      if (r.ok) deps.opened(accountId, peer);
      return r;
    },
    /** Everything up to now is read: here, for the sender, and on the user's other devices. */
    async markRead(conversationId: string): Promise<Result<null>> {
      const r = deps.chats.markRead(conversationId);
      const conv = deps.repo.conversation(conversationId);
      if (r.ok && conv) {
        const last = deps.repo.lastIncoming(conversationId);
        await deps.markers.displayed(conversationId);
        await deps.readSync.displayed(conv.accountId, conv.peer, last);
      }
      return r;
    },
  };
}
export type ChatActions = ReturnType<typeof createChatActions>;
