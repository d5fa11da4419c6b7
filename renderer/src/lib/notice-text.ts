// Room notices, message warnings and why a message was not sent, in words. The core stores what happened (shared/notices.ts); the
// sentences are made here, as error codes are worded in error-text.ts. Nicknames and reasons are the
// network's: each is isolated (shared/bidi.ts), so that an override in one cannot turn the rest of the
// sentence around. Pure functions.
import { isolate } from '$shared/bidi.js';
import type { MessageWarning, RoomNotice, SendFailure, UndecryptableReason } from '$shared/notices.js';
import { omemoProblemText } from './omemo-text.js';

const ROLE_CHANGE: Record<(RoomNotice & { kind: 'role' })['change'], (who: string, be: string) => string> = {
  'voice-taken': (who) => `${who} can no longer speak in this room (a moderator took the voice away).`,
  'voice-given': (who) => `${who} may speak in this room again.`,
  moderator: (who, be) => `${who} ${be} now a moderator.`,
  'moderator-taken': (who, be) => `${who} ${be} no longer a moderator.`,
};

/** What happened in a room, as a line of its history. */
export function noticeText(notice: RoomNotice): string {
  switch (notice.kind) {
    case 'removed': {
      const nick = isolate(notice.nick);
      if (notice.cause === 'affiliation') return `${nick} was removed from the room: they are no longer a member.`;
      if (notice.cause === 'members-only') return `${nick} was removed from the room: it is now for members only.`;
      const by = notice.actor ? ` by ${isolate(notice.actor)}` : '';
      const because = notice.reason ? `: “${isolate(notice.reason)}”` : '.';
      return `${nick} was ${notice.cause === 'banned' ? 'banned' : 'removed'} from the room${by}${because}`;
    }
    case 'role':
      return notice.nick === undefined ? ROLE_CHANGE[notice.change]('You', 'are') : ROLE_CHANGE[notice.change](isolate(notice.nick), 'is');
    case 'legacy':
      return notice.text;
  }
}

/** Why an encrypted message could not be read (CONTRIBUTING.md 5: Vireo's own trouble is said as such). */
const UNDECRYPTABLE: Record<UndecryptableReason, string> = {
  'not-for-this-device': 'This message was not encrypted for this device. The sender’s app may not know this device yet.',
  'no-session': 'There is no encrypted session with the sender’s device yet, so this message cannot be read.',
  'bad-mac': 'This message could not be verified: it was altered, or the encrypted session is out of step.',
  'untrusted-identity': 'The sender’s device key is one you marked as not trusted.',
  'bad-payload': 'The message key was received but the message body could not be decrypted.',
  'invalid-message': 'The encrypted message is malformed.',
  'keys-unavailable': 'Encryption did not work on this device when it arrived: its encryption keys were not available.',
};

/** Something the user must know about one message, in words. */
export function warningText(warning: MessageWarning): string {
  switch (warning.kind) {
    case 'undecryptable':
      return `This message could not be decrypted. ${UNDECRYPTABLE[warning.reason]}`;
    case 'sent-by-this-device':
      return 'This message was sent from this device; its text is in the local history.';
    case 'plaintext-in-encrypted-chat':
      return warning.sender === 'contact'
        ? 'This message was not encrypted: the servers it passed through could read it. Ask your contact to turn encryption (OMEMO) on.'
        : 'This message was sent unencrypted from another of your devices: the servers it passed through could read it.';
    case 'unverified-device':
      return 'This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.';
    case 'legacy':
      return warning.text;
  }
}

/** Why the server sent a message back (RFC 6120 §8.3.3), by its condition; `domain`: the recipient's. */
const BOUNCED: Record<string, string | ((domain: string) => string)> = {
  'service-unavailable': 'The recipient cannot receive messages (the address may not exist).',
  'item-not-found': 'This address does not exist.',
  // §8.3.3.16/17: our server could not reach the recipient's domain at all. Say which domain, and that
  // it is about reaching it, not about permission.
  'remote-server-not-found': (domain) => `Could not reach ${domain}: no server was found for it. Check the address.`,
  'remote-server-timeout': (domain) => `Could not reach ${domain}: its server did not answer. Try again later.`,
  'not-acceptable': 'The server refused this message.',
  'policy-violation': 'The server refused this message because of its rules (it may be too long or sent too fast).',
  forbidden: 'You are not allowed to send messages to this address.',
  'not-allowed': 'You are not allowed to send messages to this address.',
  'resource-constraint': 'The server is too busy to take this message now.',
};

const RETRY_LATER = 'Vireo asks for them again in a while; to send now, turn encryption off for this chat, then retry.';

/**
 * Why one of the user's messages was not sent, in words. For OMEMO, what is true (CONTRIBUTING.md 5):
 * the contact is asked to do something only when their side is why.
 */
export function sendFailureText(failure: SendFailure): string {
  switch (failure.kind) {
    case 'bounced': {
      const known = BOUNCED[failure.condition];
      if (typeof known === 'function') return known(isolate(failure.domain ?? 'the recipient’s server'));
      return known ?? `The server could not deliver it (${isolate(failure.condition)}).`;
    }
    case 'omemo-unavailable':
      return `Not sent. ${failure.problem ? omemoProblemText(failure.problem) : 'Encryption does not work on this device: its keys could not be opened.'}`;
    case 'no-devices':
      return `Not sent: ${isolate(failure.peer)} has no app that can receive encrypted messages. Turn encryption off for this chat to send it in plain text, then retry.`;
    case 'none-trusted':
      return `Not sent: none of ${isolate(failure.peer)}’s devices is trusted. Open their devices, compare fingerprints and verify or trust one, then retry.`;
    case 'no-session': {
      const peer = isolate(failure.peer);
      switch (failure.cause) {
        case 'unreadable':
          return `Not sent: Vireo could not read the encryption keys that ${peer}’s devices published. ${RETRY_LATER}`;
        case 'rejected':
          return `Not sent: Vireo could not start an encrypted session with the keys of ${peer}’s devices (${isolate(failure.detail ?? 'no reason given')}). ${RETRY_LATER}`;
        case 'refused':
          // Prosody also answers "forbidden" for a node that does not exist when the asker is no contact
          // (it does not tell strangers what exists): both cases are said.
          return (
            `Not sent: the server of ${peer} does not let you read the encryption keys of their devices (it answered “${isolate(failure.detail ?? 'refused')}”). ` +
            'They may share their keys with contacts only, or have published none: once you are in each other’s contacts, retry.'
          );
        case 'missing':
          return `Not sent: ${peer}’s devices have not published their encryption keys. Their app publishes them when it is opened; retry after that.`;
        default:
          return `Not sent: there is no encrypted session with ${peer}’s devices yet. Retry in a moment.`;
      }
    }
    case 'encrypt-failed':
      return `Not sent: encrypting for ${isolate(failure.peer)}’s devices failed (${isolate(failure.reason ?? 'unknown reason')}).`;
    case 'legacy':
      return failure.text;
  }
}
