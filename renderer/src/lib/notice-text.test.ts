// Every kind of room notice and message warning the core stores, in the words the user reads.
import { describe, expect, it } from 'vitest';
import { UNDECRYPTABLE_REASONS } from '$shared/notices.js';
import { noticeText, warningText } from './notice-text.js';

const RLO = '\u202E';
const PDF = '\u202C';
const [FSI, PDI] = ['\u2068', '\u2069'];

describe('noticeText', () => {
  it('says who was removed or banned, by whom and why', () => {
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice', reason: 'Too loud' }))
      .toBe('Carol was removed from the room by Alice: “Too loud”');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'kicked' })).toBe('Carol was removed from the room.');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'banned', actor: 'Alice', reason: 'Spam' })).toBe('Carol was banned from the room by Alice: “Spam”');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'banned', actor: 'Alice' })).toBe('Carol was banned from the room by Alice.');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'affiliation' })).toBe('Carol was removed from the room: they are no longer a member.');
    expect(noticeText({ kind: 'removed', nick: 'Carol', cause: 'members-only' })).toBe('Carol was removed from the room: it is now for members only.');
  });

  it('isolates the nicknames and the reason, so the words after them keep their order', () => {
    expect(noticeText({ kind: 'removed', nick: `eve${RLO}`, cause: 'kicked', actor: `mod${RLO}`, reason: `spam${RLO}` }))
      .toBe(`${FSI}eve${RLO}${PDF}${PDI} was removed from the room by ${FSI}mod${RLO}${PDF}${PDI}: “${FSI}spam${RLO}${PDF}${PDI}”`);
    expect(noticeText({ kind: 'removed', nick: 'שרה', cause: 'banned' })).toBe(`${FSI}שרה${PDI} was banned from the room.`);
    expect(noticeText({ kind: 'role', nick: `eve${RLO}`, change: 'moderator' })).toBe(`${FSI}eve${RLO}${PDF}${PDI} is now a moderator.`);
  });

  it('says a role change for someone in the third person and for the user in the second', () => {
    expect(noticeText({ kind: 'role', change: 'voice-taken' })).toBe('You can no longer speak in this room (a moderator took the voice away).');
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'voice-taken' })).toBe('Bob can no longer speak in this room (a moderator took the voice away).');
    expect(noticeText({ kind: 'role', change: 'voice-given' })).toBe('You may speak in this room again.');
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'voice-given' })).toBe('Bob may speak in this room again.');
    expect(noticeText({ kind: 'role', change: 'moderator' })).toBe('You are now a moderator.');
    expect(noticeText({ kind: 'role', nick: 'Bob', change: 'moderator-taken' })).toBe('Bob is no longer a moderator.');
    expect(noticeText({ kind: 'role', change: 'moderator-taken' })).toBe('You are no longer a moderator.');
  });

  it('shows a sentence an older Vireo stored as it was', () => {
    expect(noticeText({ kind: 'legacy', text: 'Carol was removed from the room by Alice.' })).toBe('Carol was removed from the room by Alice.');
  });
});

describe('warningText', () => {
  it('says why an encrypted message could not be read, for every reason', () => {
    expect(warningText({ kind: 'undecryptable', reason: 'not-for-this-device' }))
      .toBe('This message could not be decrypted. This message was not encrypted for this device. The sender’s app may not know this device yet.');
    expect(warningText({ kind: 'undecryptable', reason: 'keys-unavailable' }))
      .toBe('This message could not be decrypted. Encryption did not work on this device when it arrived: its encryption keys were not available.');
    for (const reason of UNDECRYPTABLE_REASONS) {
      expect(warningText({ kind: 'undecryptable', reason })).toMatch(/^This message could not be decrypted\. \S.+\.$/);
    }
  });

  it('says a plain-text message in an encrypted chat could be read on the way, and who sent it so', () => {
    expect(warningText({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' }))
      .toBe('This message was not encrypted: the servers it passed through could read it. Ask your contact to turn encryption (OMEMO) on.');
    expect(warningText({ kind: 'plaintext-in-encrypted-chat', sender: 'own-other-device' }))
      .toBe('This message was sent unencrypted from another of your devices: the servers it passed through could read it.');
  });

  it('says a message came from an unverified device, or from this one', () => {
    expect(warningText({ kind: 'unverified-device' }))
      .toBe('This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.');
    expect(warningText({ kind: 'sent-by-this-device' })).toBe('This message was sent from this device; its text is in the local history.');
  });

  it('shows a sentence an older Vireo stored as it was', () => {
    expect(warningText({ kind: 'legacy', text: 'Something old.' })).toBe('Something old.');
  });
});
