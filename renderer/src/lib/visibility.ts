// Client State Indication (XEP-0352): the core tells servers to hold unimportant traffic while the
// window is hidden. This reports what the window is; the core decides what to send.
// https://xmpp.org/extensions/xep-0352.html
import type { Api } from './api.js';

/**
 * Calls `app:set-active` once at the start and then whenever the page's visibility changes. The start
 * counts too: the core outlives a page (a reloaded window, a closed browser-host tab reports "hidden"
 * as it unloads), so it may still hold an earlier page's "inactive". Returns the function that stops
 * watching.
 */
export function watchVisibility(api: Pick<Api, 'call'>, doc: Document = document): () => void {
  let active: boolean | undefined;
  const report = () => {
    const now = doc.visibilityState === 'visible';
    if (now === active) return;
    active = now;
    void api.call('app:set-active', { active: now });
  };
  report();
  doc.addEventListener('visibilitychange', report);
  return () => doc.removeEventListener('visibilitychange', report);
}
