// Whether this device's OMEMO works, for the user ('omemo:status' and every one-to-one chat's lock), and
// when to try publishing its keys again after the server refused them. Apart from ./omemo.ts because
// it is the one place that decides what the user is told about this device, and when. What it tells is a
// value (shared/notices.ts OmemoProblem); the window words it (renderer/src/lib/omemo-text.ts).
import type { AccountId } from '../../../shared/ids.js';
import type { OmemoStatusView } from '../../../shared/views.js';
import type { OmemoProblem } from '../../../shared/notices.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import { errorMessage } from '../../lib/error-message.js';

/** After a failed publish, tried again while online: after 1 min, then twice as long each time, up to this. */
const REPUBLISH_FIRST_MS = 60_000;
const REPUBLISH_MAX_MS = 30 * 60_000;

export interface OmemoStatusDeps {
  repo: MessagesRepo;
  chats: ChatService;
  events: EventBus;
  log: Logger;
}

/**
 * Opening keys that exist takes a few milliseconds at every start; only making them the first time (or
 * a slow keychain) takes long enough to be worth a word. Chats' locks say "preparing" only once it has
 * lasted this long, so a normal start does not flash it in every chat, nor re-send every chat twice.
 */
const PREPARING_SHOWN_AFTER_MS = 300;

export function createOmemoStatus(deps: OmemoStatusDeps) {
  const status = new Map<AccountId, OmemoStatusView>();
  /** Accounts whose 'preparing' has lasted long enough to show in chats, and the timers that decide it. */
  const preparingShown = new Set<AccountId>();
  const preparingTimers = new Map<AccountId, NodeJS.Timeout>();
  /** What a chat's lock shows of this device's state: its problem, or (after a while) that keys are being prepared. */
  const lock = (accountId: AccountId): OmemoProblem | 'preparing' | undefined => {
    const view = status.get(accountId);
    return view?.problem ?? (view?.state === 'preparing' && preparingShown.has(accountId) ? 'preparing' : undefined);
  };
  const sameLock = (a: ReturnType<typeof lock>, b: ReturnType<typeof lock>) => JSON.stringify(a) === JSON.stringify(b);

  function tellChats(accountId: AccountId) {
    // Every one-to-one chat's lock says it (ChatEncryptionView.notReady or .preparing); this changes
    // rarely: when the keys take long to open and when something fails.
    try {
      for (const c of deps.repo.conversations()) {
        if (c.accountId === accountId && c.kind === 'chat' && !c.peer.includes('/')) deps.chats.emitConversation(c.id);
      }
    } catch (err) {
      // Shutting down (the database is closed): there is no window left to tell.
      deps.log.info(`chats not told about the OMEMO state: ${errorMessage(err)}`);
    }
  }
  /** Publishing after a failure: per account, the timer and the next delay. */
  const republish = new Map<AccountId, { timer?: NodeJS.Timeout; delay: number }>();

  function set(accountId: AccountId, state: OmemoStatusView['state'], problem?: OmemoProblem) {
    const before = status.get(accountId);
    if (before?.state === state && JSON.stringify(before.problem) === JSON.stringify(problem)) return;
    const shownBefore = lock(accountId);
    const view: OmemoStatusView = { accountId, state, ...(problem ? { problem } : {}) };
    status.set(accountId, view);
    clearTimeout(preparingTimers.get(accountId));
    preparingTimers.delete(accountId);
    if (state !== 'preparing') preparingShown.delete(accountId);
    else if (!preparingShown.has(accountId)) {
      const timer = setTimeout(() => {
        preparingTimers.delete(accountId);
        if (status.get(accountId)?.state !== 'preparing') return;
        preparingShown.add(accountId);
        tellChats(accountId);
      }, PREPARING_SHOWN_AFTER_MS);
      timer.unref();
      preparingTimers.set(accountId, timer);
    }
    deps.events.emit('omemo:status', view);
    if (!sameLock(lock(accountId), shownBefore)) tellChats(accountId);
  }

  return {
    get: (accountId: AccountId): OmemoStatusView | undefined => status.get(accountId),
    /** What one-to-one chats' locks say about this device (undefined when all is well). */
    lock,
    set,
    /** Publishing failed while online: `again` runs after this account's next delay (1 min, doubling up to 30). */
    retryLater(accountId: AccountId, again: () => void) {
      const delay = republish.get(accountId)?.delay ?? REPUBLISH_FIRST_MS;
      const timer = setTimeout(again, delay);
      timer.unref();
      republish.set(accountId, { timer, delay: Math.min(delay * 2, REPUBLISH_MAX_MS) });
    },
    /** Publishing starts now: a retry still waiting is not needed (the delay grows on). */
    cancelRetry(accountId: AccountId) {
      clearTimeout(republish.get(accountId)?.timer);
    },
    /** Published, or signed out: the next failure waits the first delay again. */
    resetRetry(accountId: AccountId) {
      clearTimeout(republish.get(accountId)?.timer);
      republish.delete(accountId);
    },
  };
}
export type OmemoStatus = ReturnType<typeof createOmemoStatus>;
