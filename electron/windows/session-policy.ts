// Session-wide rules for the renderer (ARCHITECTURE.md "Security of the shell"): a strict CSP and a
// deny-by-default permission handler. Types only from 'electron', so this is unit-testable.
import type { Session } from 'electron';
import { isSameDocument } from './link-policy.js';

/**
 * The renderer needs only its own bundled scripts, styles and fonts, and images from itself or from
 * memory (avatars and previews arrive as data: or blob: URLs built from bytes main sent over IPC).
 * Everything else — inline script, eval, remote hosts, frames, plugins, forms — stays off.
 * 'self' is the renderer's origin: vireo://app under Electron (app-protocol.ts, a standard scheme, so
 * it has an origin of its own; file:// pages had an opaque one), the loopback origin under the
 * browser host.
 *
 * Responses from a protocol handler are not guaranteed to pass through `webRequest.onHeadersReceived`,
 * so the vireo: handler sends this policy itself, and renderer/index.html carries it in a
 * `<meta http-equiv="Content-Security-Policy">` tag for the browser host (frame-ancestors is ignored
 * there, which is fine: the headers cover it).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Desktop notifications for new messages, and the camera (video only, never the microphone) for
 * scanning a contact's verification QR code, which the window asks for only when the user presses
 * "Scan with camera". Every other web permission is refused.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'media']);

/** What Chromium says about a 'media' request (request: mediaTypes) or check (check: mediaType). */
export interface MediaDetails {
  mediaTypes?: readonly string[];
  mediaType?: string;
}

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  indexUrl: string,
  media?: MediaDetails,
): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission) || !isSameDocument(requestingUrl, indexUrl)) return false;
  if (permission !== 'media') return true;
  // A camera, and no microphone: 'video' and nothing else. An unknown or empty list (a screen or tab
  // capture) is refused. Vireo's page asks only for { video, audio: false } (QrCameraScan.svelte).
  const types = media?.mediaTypes ?? (media?.mediaType ? [media.mediaType] : []);
  return types.length > 0 && types.every((t) => t === 'video');
}

type SessionPolicyTarget = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Installs the CSP header and the permission handlers on the session the renderer uses.
 * `askCamera` asks the operating system for the camera when it keeps its own list (macOS); without
 * it the operating system is not asked.
 */
export function hardenSession(session: SessionPolicyTarget, indexUrl: string, askCamera?: () => Promise<boolean>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // Drop any policy a response brought with it, so ours is the only one.
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  // Electron grants every permission unless the app says otherwise; both handlers are needed
  // because Chromium asks "may I?" (check) and "please grant" (request) on different paths.
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const url = details?.requestingUrl || webContents?.getURL();
    const allowed = isPermissionAllowed(permission, url, indexUrl, details as MediaDetails | undefined);
    if (allowed && permission === 'media' && askCamera) {
      askCamera().then(callback, () => callback(false));
      return;
    }
    callback(allowed);
  });
  session.setPermissionCheckHandler((webContents, permission, _origin, details) => {
    const url = details?.requestingUrl || webContents?.getURL();
    return isPermissionAllowed(permission, url, indexUrl, details as MediaDetails | undefined);
  });
}
