// Words for OMEMO trust, this device's OMEMO state and a chat's encryption warnings (the core sends
// values: shared/notices.ts), and fingerprints laid out for comparing aloud. Pure functions.
import { isolate } from '$shared/bidi.js';
import type { OmemoProblem, PeerWarning } from '$shared/notices.js';
import type { DeviceTrust } from '$shared/views.js';

/**
 * A device's fingerprint as other OMEMO clients show it: 64 hex digits in 8 groups of 8, lower case.
 * Separators (spaces, colons) are ignored, so any copy of the same key groups the same.
 */
export function fingerprintGroups(fingerprint: string): string[] {
  const hex = fingerprint.toLowerCase().replace(/[^0-9a-f]/g, '');
  return hex.match(/.{1,8}/g) ?? [];
}

const TRUST_TEXT: Record<DeviceTrust, { label: string; explain: string }> = {
  undecided: {
    label: 'Not decided yet',
    explain: 'A new device. Compare its fingerprint with your contact, then verify or trust it.',
  },
  trusted: {
    label: 'Trusted, not verified',
    explain: 'Messages are encrypted for it, but nobody compared its fingerprint.',
  },
  verified: {
    label: 'Verified',
    explain: 'You compared its fingerprint with your contact.',
  },
  distrusted: {
    label: 'Distrusted',
    explain: 'Vireo never encrypts messages for this device.',
  },
};

export const trustLabel = (trust: DeviceTrust): string => TRUST_TEXT[trust].label;
export const trustExplanation = (trust: DeviceTrust): string => TRUST_TEXT[trust].explain;

/** What to say under a received encrypted message about its sender's device; undefined: nothing. */
export function senderTrustNote(trust: DeviceTrust | undefined): string | undefined {
  switch (trust) {
    case 'undecided':
      return 'Sent from a device you have not verified or trusted yet.';
    case 'distrusted':
      return 'Sent from a device you distrusted: it may not be your contact.';
    default:
      return undefined;
  }
}

// ---- this device's OMEMO, and what stops a chat's encrypted messages (values from the core, shared/notices.ts) ----

/** While this device's keys are opened or made (ChatEncryptionView.preparing; CONTRIBUTING.md 10: key generation shows progress). */
export const PREPARING_TEXT =
  'Encryption is being prepared: Vireo is opening this device’s encryption keys, or making them if this is the first time. Encrypted messages wait and are sent as soon as the keys are ready.';

const NEXT_SIGN_IN = 'Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';

/** Why OMEMO does not work for an account on this device, what it means and what happens next. */
export function omemoProblemText(problem: OmemoProblem): string {
  switch (problem.kind) {
    case 'no-key-store':
      return `Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). ${NEXT_SIGN_IN}`;
    case 'keys-failed':
      return `Encryption does not work on this device: its encryption keys could not be prepared${because(problem.reason)}. ${NEXT_SIGN_IN}`;
    case 'unpublished':
      return `Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys${because(problem.reason)}. Vireo keeps trying while you are signed in.`;
  }
}
/** A technical reason in brackets (an exception's or the server's words), when there is one. */
const because = (reason: string | undefined) => (reason ? ` (${isolate(reason)})` : '');

/** What stops a one-to-one chat's encrypted messages reaching the contact. */
export function peerWarningText(warning: PeerWarning): string {
  const peer = isolate(warning.peer);
  switch (warning.kind) {
    case 'no-devices':
      return `${peer} has no app that can receive encrypted messages. Messages will wait until you turn encryption off for this chat.`;
    case 'unverified-device':
      return `${peer} has a device you have not verified. It will not receive your messages until you verify or trust it.`;
    case 'all-distrusted':
      return `You distrusted every device of ${peer}: encrypted messages cannot reach them.`;
  }
}

/** A chat's encryption warning (ChatEncryptionView.warning): this device's problem or the contact's. */
export function chatWarningText(warning: OmemoProblem | PeerWarning): string {
  return 'peer' in warning ? peerWarningText(warning) : omemoProblemText(warning);
}
