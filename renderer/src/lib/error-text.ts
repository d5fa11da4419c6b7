// One sentence a person understands for every error code, plus the way out (CONTRIBUTING.md convention 5).
// The Record is exhaustive over ErrorCode: a new code without a sentence does not compile.
import type { ErrorCode, VireoError } from '$shared/errors.js';
import { omemoProblemText } from './omemo-text.js';

export interface ErrorText {
  title: string;
  action?: string;
}

export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  'invalid-input': {
    title: 'Some of what you entered is not in the expected form.',
    action: 'Check what you typed and try again.',
  },
  'forbidden-sender': {
    title: 'This window is not allowed to talk to Vireo.',
    action: 'Close it and open Vireo again.',
  },
  'unknown-command': {
    title: 'This window and Vireo’s core are from different versions.',
    action: 'Restart Vireo; if it keeps happening, reinstall it.',
  },
  internal: {
    title: 'Something went wrong inside Vireo.',
    action: 'Try again; if it keeps happening, restart Vireo and report the problem.',
  },
  'not-found': {
    title: 'Vireo could not find that; it may have been removed.',
    action: 'Check the list and try again.',
  },
  'already-exists': {
    title: 'That is already in your list.',
  },
  'invalid-jid': {
    title: 'That is not a valid chat address.',
    action: 'Addresses look like name@example.org.',
  },
  'auth-failed': {
    title: 'The server rejected the user name or password.',
    action: 'Check them and try again.',
  },
  'password-unusable': {
    title:
      'This password contains a character that cannot be used to sign in (a control character, or right-to-left and left-to-right text mixed), so Vireo did not send it.',
    action: 'Check the password for characters pasted by mistake, or set a new one with your server.',
  },
  'server-unreachable': {
    title: 'Vireo could not reach the server.',
    action: 'Check the address and your network, or set the host and port under Advanced.',
  },
  'proxy-unreachable': {
    title: 'Vireo could not reach the proxy this computer is set to use.',
    action: 'Check the proxy setting (HTTPS_PROXY or your system’s network settings), or ask your IT department.',
  },
  'proxy-auth-required': {
    title: 'The proxy asks for a user name and password.',
    action: 'Put them in the proxy address (HTTPS_PROXY=http://user:password@proxy:port), or ask your IT department.',
  },
  'proxy-refused': {
    title: 'The proxy would not connect Vireo to the server.',
    action:
      'Your network may only allow port 443: ask your server’s admin for its WebSocket or Direct TLS address on 443 and set it under Advanced.',
  },
  'certificate-invalid': {
    title: 'The server’s certificate is not valid for this address.',
    action: 'Only trust it if you can confirm its fingerprint with the server’s admin.',
  },
  'tls-required': {
    title: 'The server does not offer encryption, so Vireo will not send your password.',
    action: 'Ask the server’s admin to turn on TLS, or check that the address is right.',
  },
  'no-sasl-mechanism': {
    title: 'The server offers no way of signing in that Vireo can use safely.',
    action: 'Ask the server’s admin to enable SCRAM sign-in.',
  },
  'room-config-failed': {
    title: 'The server did not accept the new room’s settings, so nobody else can enter it yet.',
    action: 'Set up the room to try again, or choose not to create it.',
  },
  'sasl-downgrade': {
    title:
      'This server’s sign-in security dropped: it used to offer a safer way to check your password and now offers only a weaker one, so Vireo did not send your password.',
    action:
      'Someone may be tampering with the connection. Ask the server’s admin whether they changed the sign-in; only if they did, accept the weaker sign-in for this server.',
  },
  'connection-lost': {
    title: 'The connection to the server was lost.',
    action: 'Vireo tries again by itself; check your network if it does not come back.',
  },
  'not-connected': {
    title: 'This account is not connected right now.',
    action: 'Wait until it is online, or press Retry.',
  },
  'keychain-unavailable': {
    title: 'This computer has no safe place (keychain) where Vireo can keep your password.',
    action: 'Choose whether to store it in a file in your profile, or to type it at each start.',
  },
  'password-required': {
    title: 'Vireo did not keep the password for this account, as you chose.',
    action: 'Enter it to connect.',
  },
  'server-error': {
    title: 'The server refused the request.',
    action: 'Try again later; the details say what the server answered.',
  },
  'room-password-required': {
    title: 'This room needs a password.',
    action: 'Enter the room’s password and join again.',
  },
  'room-banned': {
    title: 'You are banned from this room.',
    action: 'Ask a room admin if you think this is a mistake.',
  },
  'room-members-only': {
    title: 'Only members can enter this room.',
    action: 'Ask a room admin to add you.',
  },
  'room-nick-conflict': {
    title: 'Someone in this room already uses that nickname.',
    action: 'Choose another nickname.',
  },
  'room-full': {
    title: 'The room is full.',
    action: 'Try again later.',
  },
  'room-not-found': {
    title: 'This room does not exist.',
    action: 'Check the room’s address.',
  },
  'room-not-allowed': {
    title: 'The server does not let you enter or create this room.',
    action: 'Check the room’s address, or ask the server’s admin.',
  },
  'message-not-retractable': {
    title: 'This message cannot be deleted for everyone yet: the server has not confirmed it.',
    action: 'Wait a moment and try again.',
  },
  'room-moderation-unsupported': {
    title: 'This room’s service cannot remove messages.',
    action: 'Ask the server’s admin to enable message moderation, or ask the author to delete it.',
  },
  'room-kicked': {
    title: 'You were removed from the room by a moderator.',
    action: 'You can join again; if it happens again, ask the room’s moderators why.',
  },
  'room-destroyed': {
    title: 'The room’s owner closed this room.',
    action: 'It no longer exists; you can leave it, or join another room.',
  },
  'room-removed': {
    title: 'The room’s service took you out of the room.',
    action: 'Try joining again; if it keeps happening, ask the room’s admins.',
  },
  'room-forbidden': {
    title: 'The room did not allow you to do that.',
    action: 'Only someone with more rights in this room (a moderator, admin or owner) can; ask one of them.',
  },
  timeout: {
    title: 'The server took too long to answer.',
    action: 'Check your network and try again.',
  },
  'omemo-no-devices': {
    title: 'This contact has no app that can receive encrypted (OMEMO) messages.',
    action: 'Ask them to turn on OMEMO, or turn encryption off for this chat to send in plain text.',
  },
  'omemo-no-trusted-devices': {
    title: 'None of this contact’s devices is trusted, so the message was not sent.',
    action: 'Open the contact’s devices, compare fingerprints and trust or verify one.',
  },
  'omemo-unavailable': {
    title: 'Encryption is not ready on this account yet.',
    action: 'Wait until the account is connected, then try again.',
  },
  'omemo-bad-uri': {
    title: 'That is not an OMEMO verification link.',
    action: 'Paste the whole link from the other app (it starts with xmpp: and contains omemo-sid-).',
  },
  'omemo-fingerprint-mismatch': {
    title: 'The fingerprint does not match any device of this contact.',
    action: 'Do not trust this device. Compare the fingerprint again with your contact, in person or by call.',
  },
  'rooms-no-service': {
    title: 'Your server does not seem to offer group chats.',
    action: 'Enter the address of a group-chat service (like conference.example.org) to browse it, or a room’s address to join it.',
  },
};

/** The text for an error, tolerating a code from a newer core that this window does not know. */
export function errorText(error: Pick<VireoError, 'code'>): ErrorText {
  return ERROR_TEXT[error.code] ?? ERROR_TEXT.internal;
}

/**
 * What an error's "Details" disclosure shows: the core's technical detail, or for 'omemo-unavailable'
 * why this device's OMEMO does not work (a value the core sends, worded like the devices panel does).
 */
export function errorDetail(error: Pick<VireoError, 'detail' | 'omemo'>): string | undefined {
  return error.omemo ? omemoProblemText(error.omemo) : error.detail;
}

// The sign-in sentences assume a new account; for a saved one, some ways out are different (there is
// a password field right there, or the keychain that worked before needs unlocking).
const SAVED_ACCOUNT_ACTION: Partial<Record<ErrorCode, string>> = {
  'auth-failed': 'Enter the current password below to connect again.',
  'password-unusable': 'Enter the password again below (without invisible characters) to connect.',
  'keychain-unavailable': 'Make sure your keychain is running and unlocked, then press Retry.',
};

/** The text for a connection error of an account that is already saved. */
export function accountErrorText(error: Pick<VireoError, 'code'>): ErrorText {
  const base = errorText(error);
  const action = SAVED_ACCOUNT_ACTION[error.code];
  return action === undefined ? base : { ...base, action };
}
