// Whether this device's OMEMO works, for the user ('omemo:status' and every one-to-one chat's lock), and
// when to try publishing its keys again after the server refused them. Apart from ./omemo.ts because
// it is the one place that decides what the user is told about this device, in words, and when.
import type { AccountId } from '../../../shared/ids.js';
import type { OmemoStatusView } from '../../../shared/views.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/chats.js';
import type { EventBus } from '../kernel/events.js';
import type { Logger } from '../../lib/log.js';
import { errorMessage } from '../../lib/error-message.js';

/** A chat's lock while this device's keys are opened or made (CONTRIBUTING.md 10: key generation shows progress). */
export const PREPARING =
  'Encryption is being prepared: Vireo is opening this device’s encryption keys, or making them if this is the first time. Encrypted messages wait and are sent as soon as the keys are ready.';
export const NO_KEY_STORE =
  'Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';
export const KEYS_FAILED = (why: string) =>
  `Encryption does not work on this device: its encryption keys could not be prepared (${why}). Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.`;
export const UNPUBLISHED = (why: string) =>
  `Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys (${why}). Vireo keeps trying while you are signed in.`;

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
  const lock = (accountId: AccountId) => {
    const view = status.get(accountId);
    return view?.problem ?? (view?.state === 'preparing' && preparingShown.has(accountId) ? PREPARING : undefined);
  };

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

  function set(accountId: AccountId, state: OmemoStatusView['state'], problem?: string) {
    const before = status.get(accountId);
    if (before?.state === state && before.problem === problem) return;
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
    if (lock(accountId) !== shownBefore) tellChats(accountId);
  }

  return {
    get: (accountId: AccountId): OmemoStatusView | undefined => status.get(accountId),
    /** What one-to-one chats' locks say about this device, in words (undefined when all is well). */
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
