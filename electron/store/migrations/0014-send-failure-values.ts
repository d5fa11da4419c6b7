// 0014: why a message was not sent, as a value worded by the window (shared/notices.ts SendFailure), instead
// of a sentence made by the core. error_data holds it as JSON.
//
// The sentences older versions stored are read back into values where they are Vireo's own (the wording
// below is frozen here, as it was written: the server's bounces, receipts.ts, and OMEMO's, omemo-messages.ts);
// anything else becomes { kind: 'legacy', text }, shown as it was. The old `error` column is emptied, not
// dropped: dropping it would rewrite the whole table.
import type { Migration } from './types.js';
import type { OmemoProblem, SendFailure } from '../../../shared/notices.js';

const BOUNCED: Record<string, string> = {
  'The recipient cannot receive messages (the address may not exist).': 'service-unavailable',
  'This address does not exist.': 'item-not-found',
  'The server refused this message.': 'not-acceptable',
  'The server refused this message because of its rules (it may be too long or sent too fast).': 'policy-violation',
  // Said for 'not-allowed' too: the words cannot tell them apart, and the window says the same for both.
  'You are not allowed to send messages to this address.': 'forbidden',
  'The server is too busy to take this message now.': 'resource-constraint',
};
const UNREACHABLE: [RegExp, string][] = [
  [/^Could not reach (\S+): no server was found for it\. Check the address\.$/, 'remote-server-not-found'],
  [/^Could not reach (\S+): its server did not answer\. Try again later\.$/, 'remote-server-timeout'],
];
const UNDELIVERED = /^The server could not deliver it \(([^)\s]+)\)\.$/;

const EITHER = ' Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';
const NO_KEY_STORE = `Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available).${EITHER}`;
const KEYS_FAILED =
  /^Encryption does not work on this device: its encryption keys could not be prepared \(([^]*)\)\. Encrypted messages can neither be sent nor read here\. Vireo tries again at the next sign-in\.$/;

function problemFromSentence(text: string): OmemoProblem | undefined {
  if (text === NO_KEY_STORE) return { kind: 'no-key-store' };
  const failed = KEYS_FAILED.exec(text);
  return failed ? { kind: 'keys-failed', reason: failed[1]! } : undefined;
}

const RETRY = 'Vireo asks for them again in a while; to send now, turn encryption off for this chat, then retry.';
const PEER = '(\\S+?)';
const OMEMO: [RegExp, (m: RegExpExecArray) => SendFailure][] = [
  [
    new RegExp(
      `^Not sent: ${PEER} has no app that can receive encrypted messages\\. Turn encryption off for this chat to send it in plain text, then retry\\.$`,
    ),
    (m) => ({ kind: 'no-devices', peer: m[1]! }),
  ],
  [
    new RegExp(
      `^Not sent: none of ${PEER}’s devices is trusted\\. Open their devices, compare fingerprints and verify or trust one, then retry\\.$`,
    ),
    (m) => ({ kind: 'none-trusted', peer: m[1]! }),
  ],
  [
    new RegExp(
      `^Not sent: Vireo could not read the encryption keys that ${PEER}’s devices published\\. ${RETRY.replace(/[.;,]/g, '\\$&')}$`,
    ),
    (m) => ({ kind: 'no-session', peer: m[1]!, cause: 'unreadable' }),
  ],
  [
    new RegExp(
      `^Not sent: Vireo could not start an encrypted session with the keys of ${PEER}’s devices \\(([^]*)\\)\\. ${RETRY.replace(/[.;,]/g, '\\$&')}$`,
    ),
    (m) => ({ kind: 'no-session', peer: m[1]!, cause: 'rejected', ...(m[2] === 'no reason given' ? {} : { detail: m[2]! }) }),
  ],
  [
    new RegExp(
      `^Not sent: the server of ${PEER} does not let you read the encryption keys of their devices \\(it answered “([^]*)”\\)\\. ` +
        'They may share their keys with contacts only, or have published none: once you are in each other’s contacts, retry\\.$',
    ),
    (m) => ({ kind: 'no-session', peer: m[1]!, cause: 'refused', ...(m[2] === 'refused' ? {} : { detail: m[2]! }) }),
  ],
  [
    new RegExp(
      `^Not sent: ${PEER}’s devices have not published their encryption keys\\. Their app publishes them when it is opened; retry after that\\.$`,
    ),
    (m) => ({ kind: 'no-session', peer: m[1]!, cause: 'missing' }),
  ],
  [
    new RegExp(`^Not sent: there is no encrypted session with ${PEER}’s devices yet\\. Retry in a moment\\.$`),
    (m) => ({ kind: 'no-session', peer: m[1]! }),
  ],
  [
    new RegExp(`^Not sent: encrypting for ${PEER}’s devices failed \\(([^]*)\\)\\.$`),
    (m) => ({ kind: 'encrypt-failed', peer: m[1]!, ...(m[2] === 'unknown reason' ? {} : { reason: m[2]! }) }),
  ],
];

export function failureFromSentence(text: string): SendFailure {
  const condition = BOUNCED[text];
  if (condition) return { kind: 'bounced', condition };
  for (const [re, cond] of UNREACHABLE) {
    const m = re.exec(text);
    if (m) return { kind: 'bounced', condition: cond, domain: m[1]! };
  }
  const undelivered = UNDELIVERED.exec(text);
  if (undelivered) return { kind: 'bounced', condition: undelivered[1]! };
  if (text.startsWith('Not sent. Encryption does not work on this device')) {
    const problem = problemFromSentence(text.slice('Not sent. '.length));
    return { kind: 'omemo-unavailable', ...(problem ? { problem } : {}) };
  }
  for (const [re, value] of OMEMO) {
    const m = re.exec(text);
    if (m) return value(m);
  }
  return { kind: 'legacy', text };
}

export const migration0014: Migration = {
  version: 14,
  name: 'send-failure-values',
  up(db) {
    db.exec('ALTER TABLE messages ADD COLUMN error_data TEXT;');
    const failed = db
      .prepare<[], { seq: number; error: string }>(`SELECT seq, error FROM messages WHERE error IS NOT NULL AND error != ''`)
      .all();
    const set = db.prepare<[string, number]>('UPDATE messages SET error_data = ?, error = NULL WHERE seq = ?');
    for (const f of failed) set.run(JSON.stringify(failureFromSentence(f.error)), f.seq);
  },
};
