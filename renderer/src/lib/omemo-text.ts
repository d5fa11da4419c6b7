// Words for OMEMO trust, and fingerprints laid out for comparing aloud. Pure functions.
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
