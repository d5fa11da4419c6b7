// Every kind of room notice, message warning and send failure the core stores, in the words the user reads.
import { describe, expect, it } from 'vitest';
import { UNDECRYPTABLE_REASONS, type SendFailure } from '$shared/notices.js';
import { noticeText, sendFailureText, warningText } from './notice-text.js';

const RLO = '\u202E';
const PDF = '\u202C';
const [FSI, PDI] = ['\u2068', '\u2069'];

describe('noticeText', () => {
  it('says who was removed or banned, by whom and why', () => {
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice', reason: 'Too loud' })).toBe(
      'Carol was removed from the room by Alice: “Too loud”',
    );
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'kicked' })).toBe('Carol was removed from the room.');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'banned', actor: 'Alice', reason: 'Spam' })).toBe(
      'Carol was banned from the room by Alice: “Spam”',
    );
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'banned', actor: 'Alice' })).toBe(
      'Carol was banned from the room by Alice.',
    );
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'affiliation' })).toBe(
      'Carol was removed from the room: they are no longer a member.',
    );
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'members-only' })).toBe(
      'Carol was removed from the room: it is now for members only.',
    );
  });

  it('isolates the nicknames and the reason, so the words after them keep their order', () => {
    expect(noticeText({ kind: 'removed', nick: `eve${RLO}`, cause: 'kicked', actor: `mod${RLO}`, reason: `spam${RLO}` })).toBe(
      `${FSI}eve${RLO}${PDF}${PDI} was removed from the room by ${FSI}mod${RLO}${PDF}${PDI}: “${FSI}spam${RLO}${PDF}${PDI}”`,
    );
    expect(noticeText({ kind: 'removed', nick: 'שרה', cause: 'banned' })).toBe(`${FSI}שרה${PDI} was banned from the room.`);
    expect(noticeText({ kind: 'role', nick: `eve${RLO}`, change: 'moderator' })).toBe(`${FSI}eve${RLO}${PDF}${PDI} is now a moderator.`);
  });

  it('says a role change for someone in the third person and for the user in the second', () => {
    expect(noticeText({ kind: 'role', change: 'voice-taken' })).toBe(
      'You can no longer speak in this room (a moderator took the voice away).',
    );
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'voice-taken' })).toBe(
      'Bob can no longer speak in this room (a moderator took the voice away).',
    );
    expect(noticeText({ kind: 'role', change: 'voice-given' })).toBe('You may speak in this room again.');
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'voice-given' })).toBe('Bob may speak in this room again.');
    expect(noticeText({ kind: 'role', change: 'moderator' })).toBe('You are now a moderator.');
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'moderator-taken' })).toBe('Bob is no longer a moderator.');
    expect(noticeText({ kind: 'role', change: 'moderator-taken' })).toBe('You are no longer a moderator.');
  });

  it('shows a sentence an older Vireo stored as it was', () => {
    expect(noticeText({ kind: 'legacy', text: 'Carol was removed from the room by Alice.' })).toBe(
      'Carol was removed from the room by Alice.',
    );
  });
});

describe('warningText', () => {
  it('says why an encrypted message could not be read, for every reason', () => {
    expect(warningText({ kind: 'undecryptable', reason: 'not-for-this-device' })).toBe(
      'This message could not be decrypted. This message was not encrypted for this device. The sender’s app may not know this device yet.',
    );
    expect(warningText({ kind: 'undecryptable', reason: 'keys-unavailable' })).toBe(
      'This message could not be decrypted. Encryption did not work on this device when it arrived: its encryption keys were not available.',
    );
    for (const reason of UNDECRYPTABLE_REASONS) {
      expect(warningText({ kind: 'undecryptable', reason })).toMatch(/^This message could not be decrypted\. \S.+\.$/);
    }
  });

  it('says a plain-text message in an encrypted chat could be read on the way, and who sent it so', () => {
    expect(warningText({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' })).toBe(
      'This message was not encrypted: the servers it passed through could read it. Ask your contact to turn encryption (OMEMO) on.',
    );
    expect(warningText({ kind: 'plaintext-in-encrypted-chat', sender: 'own-other-device' })).toBe(
      'This message was sent unencrypted from another of your devices: the servers it passed through could read it.',
    );
  });

  it('says a message came from an unverified device, or from this one', () => {
    expect(warningText({ kind: 'unverified-device' })).toBe(
      'This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.',
    );
    expect(warningText({ kind: 'sent-by-this-device' })).toBe('This message was sent from this device; its text is in the local history.');
  });

  it('shows a sentence an older Vireo stored as it was', () => {
    expect(warningText({ kind: 'legacy', text: 'Something old.' })).toBe('Something old.');
  });
});

const RETRY_LATER = 'Vireo asks for them again in a while; to send now, turn encryption off for this chat, then retry.';
const NEXT_SIGN_IN = 'Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';
/** Every kind of send failure, and the sentence the core used to store for it (the same words). */
const SEND_FAILURES: [SendFailure, string][] = [
  [{ kind: 'bounced', condition: 'service-unavailable' }, 'The recipient cannot receive messages (the address may not exist).'],
  [{ kind: 'bounced', condition: 'item-not-found' }, 'This address does not exist.'],
  [
    { kind: 'bounced', condition: 'remote-server-not-found', domain: 'nowhere.example' },
    'Could not reach nowhere.example: no server was found for it. Check the address.',
  ],
  [
    { kind: 'bounced', condition: 'remote-server-timeout', domain: 'slow.example' },
    'Could not reach slow.example: its server did not answer. Try again later.',
  ],
  [{ kind: 'bounced', condition: 'not-acceptable' }, 'The server refused this message.'],
  [
    { kind: 'bounced', condition: 'policy-violation' },
    'The server refused this message because of its rules (it may be too long or sent too fast).',
  ],
  [{ kind: 'bounced', condition: 'forbidden' }, 'You are not allowed to send messages to this address.'],
  [{ kind: 'bounced', condition: 'resource-constraint' }, 'The server is too busy to take this message now.'],
  [{ kind: 'bounced', condition: 'gone' }, 'The server could not deliver it (gone).'],
  [
    { kind: 'omemo-unavailable', problem: { kind: 'no-key-store' } },
    `Not sent. Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). ${NEXT_SIGN_IN}`,
  ],
  [
    { kind: 'omemo-unavailable', problem: { kind: 'keys-failed', reason: 'disk full' } },
    `Not sent. Encryption does not work on this device: its encryption keys could not be prepared (disk full). ${NEXT_SIGN_IN}`,
  ],
  [{ kind: 'omemo-unavailable' }, 'Not sent. Encryption does not work on this device: its keys could not be opened.'],
  [
    { kind: 'no-devices', peer: 'c@x.y' },
    'Not sent: c@x.y has no app that can receive encrypted messages. Turn encryption off for this chat to send it in plain text, then retry.',
  ],
  [
    { kind: 'none-trusted', peer: 'c@x.y' },
    'Not sent: none of c@x.y’s devices is trusted. Open their devices, compare fingerprints and verify or trust one, then retry.',
  ],
  [
    { kind: 'no-session', peer: 'c@x.y', cause: 'unreadable' },
    `Not sent: Vireo could not read the encryption keys that c@x.y’s devices published. ${RETRY_LATER}`,
  ],
  [
    { kind: 'no-session', peer: 'c@x.y', cause: 'rejected', detail: 'device 5: Invalid signature' },
    `Not sent: Vireo could not start an encrypted session with the keys of c@x.y’s devices (device 5: Invalid signature). ${RETRY_LATER}`,
  ],
  [
    { kind: 'no-session', peer: 'c@x.y', cause: 'refused', detail: 'forbidden' },
    'Not sent: the server of c@x.y does not let you read the encryption keys of their devices (it answered “forbidden”). They may share their keys with contacts only, or have published none: once you are in each other’s contacts, retry.',
  ],
  [
    { kind: 'no-session', peer: 'c@x.y', cause: 'missing' },
    'Not sent: c@x.y’s devices have not published their encryption keys. Their app publishes them when it is opened; retry after that.',
  ],
  [{ kind: 'no-session', peer: 'c@x.y' }, 'Not sent: there is no encrypted session with c@x.y’s devices yet. Retry in a moment.'],
  [{ kind: 'encrypt-failed', peer: 'c@x.y', reason: 'no session' }, 'Not sent: encrypting for c@x.y’s devices failed (no session).'],
  [{ kind: 'legacy', text: 'Something an older Vireo said.' }, 'Something an older Vireo said.'],
];

describe('sendFailureText', () => {
  it.each(SEND_FAILURES)('%j', (failure, text) => {
    expect(sendFailureText(failure)).toBe(text);
  });

  it('isolates the address and the server’s words in it', () => {
    expect(sendFailureText({ kind: 'none-trusted', peer: `c${RLO}@x.y` })).toBe(
      `Not sent: none of ${FSI}c${RLO}@x.y${PDF}${PDI}’s devices is trusted. Open their devices, compare fingerprints and verify or trust one, then retry.`,
    );
  });
});
