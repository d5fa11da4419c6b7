// Room notices and message warnings in words. The core stores what happened (shared/notices.ts); the
// sentences are made here, as error codes are worded in error-text.ts. Nicknames and reasons are the
// network's: each is isolated (shared/bidi.ts), so that an override in one cannot turn the rest of the
// sentence around. Pure functions.
import { isolate } from '$shared/bidi.js';
import type { MessageWarning, RoomNotice, UndecryptableReason } from '$shared/notices.js';

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
