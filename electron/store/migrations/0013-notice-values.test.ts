import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';
import { noticeFromSentence, warningFromSentence } from './0013-notice-values.js';

const FSI = '\u2068';
const PDI = '\u2069';

describe('migration 0013-notice-values', () => {
  it('turns stored notice and warning sentences into values the window words, and keeps every other text as it was', () => {
    const db = migratedBefore(13);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'room@muc.x.y', 0)`).run();
    const add = db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state, notice, warning) VALUES (?, 'c', 'in', ?, ?, 'received', ?, ?)`,
    );
    add.run('m1', 'hi', 1, 0, null);
    add.run('n1', 'Carol was removed from the room by Alice: “Too loud”', 2, 1, null);
    add.run('n2', 'Something a newer Vireo said.', 3, 1, null);
    add.run('w1', '', 4, 0, 'This message could not be decrypted. The encrypted message is malformed.');
    add.run('w2', 'psst', 5, 0, 'A warning nobody knows.');
    expect(migrateTo(db, 13)).toBe(13);
    const rows = db.prepare('SELECT id, body, notice, notice_data, warning, warning_data FROM messages ORDER BY timestamp').all();
    expect(rows).toEqual([
      { id: 'm1', body: 'hi', notice: 0, notice_data: null, warning: null, warning_data: null },
      {
        id: 'n1',
        body: '',
        notice: 1,
        notice_data: JSON.stringify({ kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice', reason: 'Too loud' }),
        warning: null,
        warning_data: null,
      },
      {
        id: 'n2',
        body: '',
        notice: 1,
        notice_data: JSON.stringify({ kind: 'legacy', text: 'Something a newer Vireo said.' }),
        warning: null,
        warning_data: null,
      },
      {
        id: 'w1',
        body: '',
        notice: 0,
        notice_data: null,
        warning: null,
        warning_data: JSON.stringify({ kind: 'undecryptable', reason: 'invalid-message' }),
      },
      {
        id: 'w2',
        body: 'psst',
        notice: 0,
        notice_data: null,
        warning: null,
        warning_data: JSON.stringify({ kind: 'legacy', text: 'A warning nobody knows.' }),
      },
    ]);
  });

  it('reads back every notice sentence Vireo wrote, isolated names included', () => {
    expect(noticeFromSentence(`${FSI}eve\u202E\u202C${PDI} was banned from the room by ${FSI}שרה${PDI}: “${FSI}spam: “x”${PDI}”`)).toEqual({
      kind: 'removed',
      nick: 'eve\u202E\u202C',
      cause: 'banned',
      actor: 'שרה',
      reason: 'spam: “x”',
    });
    expect(noticeFromSentence('Carol was banned from the room.')).toEqual({ kind: 'removed', nick: 'Carol', cause: 'banned' });
    expect(noticeFromSentence('Carol was removed from the room: they are no longer a member.')).toEqual({
      kind: 'removed',
      nick: 'Carol',
      cause: 'affiliation',
    });
    expect(noticeFromSentence('Carol was removed from the room: it is now for members only.')).toEqual({
      kind: 'removed',
      nick: 'Carol',
      cause: 'members-only',
    });
    expect(noticeFromSentence('You can no longer speak in this room (a moderator took the voice away).')).toEqual({
      kind: 'role',
      change: 'voice-taken',
    });
    expect(noticeFromSentence('Bob may speak in this room again.')).toEqual({ kind: 'role', nick: 'Bob', change: 'voice-given' });
    expect(noticeFromSentence('You are now a moderator.')).toEqual({ kind: 'role', change: 'moderator' });
    expect(noticeFromSentence(`${FSI}בוב${PDI} is no longer a moderator.`)).toEqual({
      kind: 'role',
      nick: 'בוב',
      change: 'moderator-taken',
    });
  });

  it('reads back every warning sentence Vireo wrote', () => {
    expect(
      warningFromSentence('This message was sent unencrypted from another of your devices: the servers it passed through could read it.'),
    ).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'own-other-device' });
    expect(
      warningFromSentence(
        'This message was not encrypted: the servers it passed through could read it. Ask your contact to turn encryption (OMEMO) on.',
      ),
    ).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' });
    expect(
      warningFromSentence(
        'This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.',
      ),
    ).toEqual({ kind: 'unverified-device' });
    expect(warningFromSentence('This message was sent from this device; its text is in the local history.')).toEqual({
      kind: 'sent-by-this-device',
    });
    expect(
      warningFromSentence(
        'This message could not be decrypted. This message was not encrypted for this device. The sender’s app may not know this device yet.',
      ),
    ).toEqual({ kind: 'undecryptable', reason: 'not-for-this-device' });
    expect(
      warningFromSentence('This message could not be decrypted. Encryption does not work on this device: its keys could not be opened.'),
    ).toEqual({ kind: 'undecryptable', reason: 'keys-unavailable' });
  });
});
