// Expected failures travel as values with a code (ARCHITECTURE.md: "Expected failures are values").
// Every code has a sentence for people in the renderer (renderer/src/lib/error-text.ts) — the
// exhaustive Record there makes a missing sentence a compile error.
import type { OmemoProblem } from './notices.js';
export const ERROR_CODES = [
  'invalid-input', // the IPC input did not match the contract schema
  'forbidden-sender', // IPC call from a frame that is not Vireo's own window
  'unknown-command',
  'internal', // a bug: an exception was caught at the IPC boundary
  'not-found',
  'already-exists',
  'invalid-jid',
  'auth-failed', // the server rejected the user name or password
  'password-unusable', // the password has characters SASLprep (RFC 4013) forbids: it cannot be sent
  'server-unreachable', // DNS failure, connection refused, timeout
  'proxy-unreachable', // the HTTP proxy (HTTPS_PROXY or the system's) could not be reached
  'proxy-auth-required', // the proxy wants a (different) user name and password
  'proxy-refused', // the proxy would not open a tunnel to the server (its rules, or an error)
  'certificate-invalid', // TLS certificate not valid for the domain (details in `certificate`)
  'tls-required', // the server offers no TLS: Vireo never sends a password in clear
  'no-sasl-mechanism', // nothing we support (and PLAIN is not allowed without TLS)
  'sasl-downgrade', // the server now offers only weaker sign-in mechanisms than before: refused until the user accepts
  'connection-lost',
  'not-connected',
  'keychain-unavailable', // no safe place for the password: ask the user what to do
  'password-required', // the password was not saved (user's choice): ask for it
  'server-error', // the server answered with a stanza error (details in `detail`)
  'room-password-required', // the room needs a password (or the one given is wrong)
  'room-banned', // the user is banned from the room
  'room-members-only', // only members may enter
  'room-nick-conflict', // someone in the room already uses this nickname
  'room-full', // the room has reached its maximum number of occupants
  'room-not-found', // no such room (and it cannot be created)
  'room-not-allowed', // the service does not let this user create or enter the room
  'message-not-retractable', // this message cannot be deleted for everyone (not sent yet, or no id the others know it by)
  'room-moderation-unsupported', // the room's service cannot remove messages (no XEP-0425)
  'room-kicked', // a moderator removed the user from the room (XEP-0045 §8.2, status 307)
  'room-destroyed', // the room's owner closed the room (XEP-0045 §10.9)
  'room-removed', // the room service removed the user (affiliation change, shutdown, technical error)
  'room-config-failed', // a room the user created is still locked: the server did not take its configuration
  'room-forbidden', // the room refused an action the user's role or affiliation does not allow (XEP-0045 §5)
  'timeout',
  'omemo-no-devices', // the contact has no OMEMO device: an encrypted message cannot reach them
  'omemo-no-trusted-devices', // every device of the contact is distrusted or not yet verified
  'omemo-unavailable', // this account's OMEMO keys are not ready (not signed in yet, or key storage failed)
  'omemo-bad-uri', // a pasted/scanned verification link is not an xmpp: OMEMO link
  'omemo-fingerprint-mismatch', // the fingerprint compared does not belong to any device of the contact
  'rooms-no-service', // the user's server offers no group-chat service that Vireo could find (XEP-0045 §6.1)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Certificate details shown to a person deciding whether to pin it. */
export interface CertificateView {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses the certificate is valid for. */
  names: string[];
  validFrom: string;
  validTo: string;
  /** SHA-256 over the DER, upper-case hex pairs separated by colons (as Node and browsers show it). */
  fingerprint256: string;
  /** Why the certificate was refused, in words ("issued for other.example, not example.org"). */
  reason: string;
}

export interface VireoError {
  code: ErrorCode;
  /** Technical detail for logs and a "details" disclosure; never a secret. */
  detail?: string;
  certificate?: CertificateView;
  /** 'omemo-unavailable': why this device's OMEMO does not work, when known (a value the window words). */
  omemo?: OmemoProblem;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: VireoError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, detail?: string, extra?: Partial<VireoError>): { ok: false; error: VireoError } => ({
  ok: false,
  error: { code, ...(detail === undefined ? {} : { detail }), ...extra },
});
