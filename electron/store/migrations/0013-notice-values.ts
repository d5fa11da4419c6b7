// 0013: room notices and message warnings as values, worded by the window (shared/notices.ts), instead of
// sentences made by the core. notice_data holds a notice's RoomNotice (its body is now ''), warning_data
// a message's MessageWarning, both as JSON.
//
// The sentences older versions stored are read back into values where they are Vireo's own (the
// wording below is frozen here, as it was written); anything else becomes { kind: 'legacy', text }, shown
// as it was. The old `warning` column is emptied, not dropped: dropping it would rewrite the whole table.
import type { Migration } from './types.js';
import type { MessageWarning, RoomNotice, UndecryptableReason } from '../../../shared/notices.js';

const FSI = '\u2068';
const PDI = '\u2069';
/** A name as the core put it in a sentence: isolated when it needed to be (shared/bidi.ts isolate()). */
const NAME = `(${FSI}[^]*?${PDI}|[^${FSI}${PDI}]+?)`;
const unisolate = (s: string) => (s.startsWith(FSI) && s.endsWith(PDI) ? s.slice(1, -1) : s);

const REMOVED = new RegExp(`^${NAME} was (removed|banned) from the room(?: by ${NAME})?(?:: “(${FSI}[^]*${PDI}|[^]*)”|\\.)$`);
const NO_LONGER_ALLOWED = new RegExp(`^${NAME} was removed from the room: (they are no longer a member|it is now for members only)\\.$`);
const ROLE: [RegExp, (RoomNotice & { kind: 'role' })['change']][] = [
  [new RegExp(`^${NAME} can no longer speak in this room \\(a moderator took the voice away\\)\\.$`), 'voice-taken'],
  [new RegExp(`^${NAME} (?:is|are) now a moderator\\.$`), 'moderator'],
  [new RegExp(`^${NAME} (?:is|are) no longer a moderator\\.$`), 'moderator-taken'],
  [new RegExp(`^${NAME} may speak in this room again\\.$`), 'voice-given'],
];

export function noticeFromSentence(text: string): RoomNotice {
  const gone = NO_LONGER_ALLOWED.exec(text);
  if (gone) return { kind: 'removed', nick: unisolate(gone[1]!), cause: gone[2]!.startsWith('they') ? 'affiliation' : 'members-only' };
  const removed = REMOVED.exec(text);
  if (removed) {
    return {
      kind: 'removed',
      nick: unisolate(removed[1]!),
      cause: removed[2] === 'banned' ? 'banned' : 'kicked',
      ...(removed[3] ? { actor: unisolate(removed[3]) } : {}),
      ...(removed[4] ? { reason: unisolate(removed[4]) } : {}),
    };
  }
  for (const [re, change] of ROLE) {
    const m = re.exec(text);
    if (m) return { kind: 'role', ...(m[1] === 'You' ? {} : { nick: unisolate(m[1]!) }), change };
  }
  return { kind: 'legacy', text };
}

const NOT_READABLE = 'This message could not be decrypted. ';
const UNDECRYPTABLE: Record<Exclude<UndecryptableReason, 'keys-unavailable'>, string> = {
  'not-for-this-device': 'This message was not encrypted for this device. The sender’s app may not know this device yet.',
  'no-session': 'There is no encrypted session with the sender’s device yet, so this message cannot be read.',
  'bad-mac': 'This message could not be verified: it was altered, or the encrypted session is out of step.',
  'untrusted-identity': 'The sender’s device key is one you marked as not trusted.',
  'bad-payload': 'The message key was received but the message body could not be decrypted.',
  'invalid-message': 'The encrypted message is malformed.',
};
const WARNINGS: Record<string, MessageWarning> = {
  'This message was not encrypted: the servers it passed through could read it. Ask your contact to turn encryption (OMEMO) on.': {
    kind: 'plaintext-in-encrypted-chat',
    sender: 'contact',
  },
  'This message was sent unencrypted from another of your devices: the servers it passed through could read it.': {
    kind: 'plaintext-in-encrypted-chat',
    sender: 'own-other-device',
  },
  'This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.': {
    kind: 'unverified-device',
  },
  'This message was sent from this device; its text is in the local history.': { kind: 'sent-by-this-device' },
  ...Object.fromEntries(Object.entries(UNDECRYPTABLE).map(([reason, text]) => [NOT_READABLE + text, { kind: 'undecryptable', reason }])),
};

export function warningFromSentence(text: string): MessageWarning {
  const known = WARNINGS[text];
  if (known) return known;
  // This device's keys did not work: the sentence then went on with the device's state at the time.
  if (text.startsWith(`${NOT_READABLE}Encryption does not work on this device`))
    return { kind: 'undecryptable', reason: 'keys-unavailable' };
  return { kind: 'legacy', text };
}

export const migration0013: Migration = {
  version: 13,
  name: 'notice-values',
  up(db) {
    db.exec(`ALTER TABLE messages ADD COLUMN notice_data TEXT;
      ALTER TABLE messages ADD COLUMN warning_data TEXT;`);
    const notices = db.prepare<[], { seq: number; body: string }>('SELECT seq, body FROM messages WHERE notice = 1').all();
    const setNotice = db.prepare<[string, number]>(`UPDATE messages SET notice_data = ?, body = '' WHERE seq = ?`);
    for (const n of notices) setNotice.run(JSON.stringify(noticeFromSentence(n.body)), n.seq);
    const warned = db
      .prepare<[], { seq: number; warning: string }>(`SELECT seq, warning FROM messages WHERE warning IS NOT NULL AND warning != ''`)
      .all();
    const setWarning = db.prepare<[string, number]>('UPDATE messages SET warning_data = ?, warning = NULL WHERE seq = ?');
    for (const w of warned) setWarning.run(JSON.stringify(warningFromSentence(w.warning)), w.seq);
  },
};
