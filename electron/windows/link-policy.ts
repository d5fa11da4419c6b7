// Which URLs may leave the app, and which URL is "our own document" (ARCHITECTURE.md "Security of the
// shell": links open externally only for http, https and xmpp after checks). Pure functions: no
// Electron import, so the checks are unit-tested under plain Node.

/** Longer links are refused: real links are far shorter, and some OS handlers truncate or choke. */
export const MAX_EXTERNAL_URL_LENGTH = 2048;

const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'xmpp:']);
// C0 controls, DEL and whitespace: the WHATWG URL parser silently strips some of them (tabs,
// newlines), so "what we checked" and "what the OS handler receives" could differ.
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/u;

/**
 * The normalized URL if it may be handed to the OS (`shell.openExternal`), otherwise undefined.
 * Refused: other schemes (javascript:, file:, data:, custom handlers that can start programs),
 * credentials in the URL (phishing like `https://bank.example@evil.example/`), whitespace or
 * control characters, and anything longer than {@link MAX_EXTERNAL_URL_LENGTH}.
 */
export function toSafeExternalUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return undefined;
  if (CONTROL_OR_SPACE.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!EXTERNAL_SCHEMES.has(url.protocol)) return undefined;
  // RFC 5122 §2.3 lets an xmpp: URI carry an authority (the account to use), but Vireo does not
  // act on it, and a `user:secret@` part is never something to pass on: refuse any userinfo.
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'xmpp:') {
    // `xmpp:` alone names nobody; RFC 5122 §2.2 needs at least a JID.
    if (url.pathname === '' && url.host === '') return undefined;
  } else if (url.hostname === '') {
    return undefined;
  }
  return url.href.length > MAX_EXTERNAL_URL_LENGTH ? undefined : url.href;
}

export function isSafeExternalUrl(url: string): boolean {
  return toSafeExternalUrl(url) !== undefined;
}

/** scheme://host/path with percent-encoding undone, so equal files compare equal; undefined if unparsable. */
function documentKey(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Keep the encoded form: both sides go through the same function.
  }
  // Windows drive letters may differ in case between Node's pathToFileURL and Chromium.
  path = path.replace(/^\/([A-Za-z]):/u, (_m, drive: string) => `/${drive.toLowerCase()}:`);
  // Hosts are case-insensitive. Chromium lower-cases them for standard schemes such as vireo:
  // (app-protocol.ts), Node's URL parser does not for schemes it does not know.
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}

/**
 * True when `candidate` is the same document as `own` (scheme, host and path; query and fragment
 * are ignored because in-app routing may change them). Used for navigation, IPC sender and
 * permission checks. Under Electron `own` is vireo://app/index.html (app-protocol.ts): the same file
 * reached through file:// is a different document, and is refused.
 */
export function isSameDocument(candidate: string | undefined | null, own: string): boolean {
  if (typeof candidate !== 'string' || candidate === '') return false;
  const a = documentKey(candidate);
  return a !== undefined && a === documentKey(own);
}
