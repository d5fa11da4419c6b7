// What happened, not how to say it: room notices, message warnings, why a message was not sent and this
// device's OMEMO state travel (and are stored) as these values (kind, who, why), and the window words them
// (renderer/src/lib/notice-text.ts, omemo-text.ts), as it words error codes. A sentence frozen into the
// database could never be worded better or translated later.
// Stored as JSON in the messages table (migrations 0013, 0014); the schemas check what is read back, and what
// they do not recognise is shown as `legacy` text rather than lost.
import { z } from 'zod';

/**
 * Something that happened in a room, as a line of its history (XEP-0045). Nicknames and reasons are the
 * network's words: the window shows them isolated (shared/bidi.ts).
 */
export const roomNoticeSchema = z.discriminatedUnion('kind', [
  z.object({
    /** Another occupant had to leave (§8.2 kicked, §9.1 banned, §9.8/§10.x no longer allowed in). */
    kind: z.literal('removed'),
    nick: z.string(),
    cause: z.enum(['kicked', 'banned', 'affiliation', 'members-only']),
    /** The moderator's nickname, when the room names them. */
    actor: z.string().optional(),
    /** The moderator's reason, in their words. */
    reason: z.string().optional(),
  }),
  z.object({
    /** A role given or taken (§5.1). `nick` absent: the user's own. */
    kind: z.literal('role'),
    nick: z.string().optional(),
    change: z.enum(['voice-taken', 'voice-given', 'moderator', 'moderator-taken']),
  }),
  z.object({
    /** Stored as a sentence by an older Vireo and not recognised: shown as it was. */
    kind: z.literal('legacy'),
    text: z.string(),
  }),
]);
export type RoomNotice = z.infer<typeof roomNoticeSchema>;

/** Why an encrypted message (OMEMO) could not be read. */
export const UNDECRYPTABLE_REASONS = [
  'not-for-this-device',
  'no-session',
  'bad-mac',
  'untrusted-identity',
  'bad-payload',
  'invalid-message',
  /** This device's own keys were not usable when the message arrived (OmemoStatusView 'unavailable'). */
  'keys-unavailable',
] as const;

/** Something the user must know about one message. */
export const messageWarningSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('undecryptable'), reason: z.enum(UNDECRYPTABLE_REASONS) }),
  /** Our own encrypted message coming back (archive) that could not be matched to its local copy. */
  z.object({ kind: z.literal('sent-by-this-device') }),
  /** Plain text in a chat the user keeps encrypted: written by the contact, or by another of the user's devices. */
  z.object({ kind: z.literal('plaintext-in-encrypted-chat'), sender: z.enum(['contact', 'own-other-device']) }),
  /** Decrypted, but from a device whose key nobody decided on yet. */
  z.object({ kind: z.literal('unverified-device') }),
  z.object({ kind: z.literal('legacy'), text: z.string() }),
]);
export type MessageWarning = z.infer<typeof messageWarningSchema>;
export type UndecryptableReason = (typeof UNDECRYPTABLE_REASONS)[number];

/** A stored value read back: what the schema accepts, else the stored text as it was (never lost). */
function readStored<T>(schema: z.ZodType<T>, stored: string): T | { kind: 'legacy'; text: string } {
  try {
    const parsed = schema.safeParse(JSON.parse(stored));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: an older sentence
  }
  return { kind: 'legacy', text: stored };
}
export const readRoomNotice = (stored: string): RoomNotice => readStored(roomNoticeSchema, stored);
export const readMessageWarning = (stored: string): MessageWarning => readStored(messageWarningSchema, stored);

/**
 * Why OMEMO does not work for an account on this device (OmemoStatusView, OmemoOwnView, a chat's lock,
 * the detail of 'omemo-unavailable'). `reason` is technical (an exception's or the server's words).
 */
export const omemoProblemSchema = z.discriminatedUnion('kind', [
  /** No safe place to keep the account's encryption keys (no keychain, no password file). */
  z.object({ kind: z.literal('no-key-store') }),
  /** The keys could not be opened or made. */
  z.object({ kind: z.literal('keys-failed'), reason: z.string().optional() }),
  /** The keys are open, but the server did not take them: contacts cannot encrypt for this device. */
  z.object({ kind: z.literal('unpublished'), reason: z.string().optional() }),
]);
export type OmemoProblem = z.infer<typeof omemoProblemSchema>;

/** What stops a one-to-one chat's encrypted messages reaching the contact (`peer`: their address). */
export type PeerWarning =
  /** The contact has no device that can receive encrypted messages. */
  | { kind: 'no-devices'; peer: string }
  /** A device of theirs nobody decided on yet: it does not receive messages until verified or trusted. */
  | { kind: 'unverified-device'; peer: string }
  /** The user distrusted every device of theirs. */
  | { kind: 'all-distrusted'; peer: string };

/**
 * Why one of the user's messages was not sent (state 'failed'). Stored as JSON in the messages table
 * (migration 0014, `error_data`) and worded by the window. `peer` is the contact's address; `detail`
 * and `reason` are technical words (the server's, or an exception's).
 */
export const sendFailureSchema = z.discriminatedUnion('kind', [
  /**
   * The server sent it back (RFC 6120 §8.3): its error condition; `domain` is the recipient's domain,
   * named in the sentence for the conditions about reaching it.
   */
  z.object({ kind: z.literal('bounced'), condition: z.string(), domain: z.string().optional() }),
  /** OMEMO does not work on this device: why, when known (OmemoStatusView.problem). */
  z.object({ kind: z.literal('omemo-unavailable'), problem: omemoProblemSchema.optional() }),
  /** The contact has no device that can receive encrypted messages. */
  z.object({ kind: z.literal('no-devices'), peer: z.string() }),
  /** Sessions exist, but none of the contact's devices is trusted. */
  z.object({ kind: z.literal('none-trusted'), peer: z.string() }),
  /**
   * No session with any of the contact's devices, and why (omemo-pep.ts bundle failures, the one that
   * matters most): Vireo could not read their keys, could not use them, their server refused them, none
   * are published; absent: no session yet, for no known reason.
   */
  z.object({
    kind: z.literal('no-session'),
    peer: z.string(),
    cause: z.enum(['unreadable', 'rejected', 'refused', 'missing']).optional(),
    detail: z.string().optional(),
  }),
  /** Encrypting for the contact's devices failed. */
  z.object({ kind: z.literal('encrypt-failed'), peer: z.string(), reason: z.string().optional() }),
  z.object({ kind: z.literal('legacy'), text: z.string() }),
]);
export type SendFailure = z.infer<typeof sendFailureSchema>;
export const readSendFailure = (stored: string): SendFailure => readStored(sendFailureSchema, stored);
