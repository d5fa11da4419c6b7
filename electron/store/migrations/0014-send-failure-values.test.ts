import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';
import { failureFromSentence } from './0014-send-failure-values.js';
import type { SendFailure } from '../../../shared/notices.js';

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

describe('migration 0014-send-failure-values', () => {
  it('turns why a message failed into a value the window words, and keeps every other text as it was', () => {
    const db = migratedBefore(14);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'c@x.y', 0)`).run();
    const add = db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state, error) VALUES (?, 'c', 'out', ?, ?, ?, ?)`,
    );
    add.run('m1', 'fine', 1, 'delivered', null);
    add.run('f1', 'lost', 2, 'failed', 'This address does not exist.');
    add.run(
      'f2',
      'secret',
      3,
      'failed',
      'Not sent: none of c@x.y’s devices is trusted. Open their devices, compare fingerprints and verify or trust one, then retry.',
    );
    add.run('f3', 'odd', 4, 'failed', 'service-unavailable');
    expect(migrateTo(db, 14)).toBe(14);
    expect(db.prepare('SELECT id, body, error, error_data FROM messages ORDER BY timestamp').all()).toEqual([
      { id: 'm1', body: 'fine', error: null, error_data: null },
      { id: 'f1', body: 'lost', error: null, error_data: JSON.stringify({ kind: 'bounced', condition: 'item-not-found' }) },
      { id: 'f2', body: 'secret', error: null, error_data: JSON.stringify({ kind: 'none-trusted', peer: 'c@x.y' }) },
      { id: 'f3', body: 'odd', error: null, error_data: JSON.stringify({ kind: 'legacy', text: 'service-unavailable' }) },
    ]);
  });

  it.each(SEND_FAILURES)('reads back %j from the sentence Vireo wrote for it', (failure, text) => {
    expect(failureFromSentence(text)).toEqual(failure);
  });

  it('reads "not allowed" back as forbidden (the two conditions had the same words), an unknown reason as none, and any other sentence as legacy', () => {
    expect(failureFromSentence('You are not allowed to send messages to this address.')).toEqual({
      kind: 'bounced',
      condition: 'forbidden',
    });
    expect(failureFromSentence('Not sent: encrypting for c@x.y’s devices failed (unknown reason).')).toEqual({
      kind: 'encrypt-failed',
      peer: 'c@x.y',
    });
    expect(failureFromSentence('Not sent: something else.')).toEqual({ kind: 'legacy', text: 'Not sent: something else.' });
  });
});
