// Notifications (core/notifications.ts) are not shown for the conversation the user is looking at.
// This tells the core which one that is: the selected conversation while the window is shown and
// focused, else none. It also follows 'conversation:show' (a clicked notification) to that conversation.
import type { AppState } from '../stores/app.svelte.js';
import type { ConversationId } from '$shared/ids.js';

/** Starts reporting; returns the function that stops. */
export function reportViewing(app: AppState, doc: Document = document, win: Window = window): () => void {
  let shown = $state(doc.visibilityState !== 'hidden');
  let focused = $state(doc.hasFocus());
  const update = () => {
    shown = doc.visibilityState !== 'hidden';
    focused = doc.hasFocus();
  };
  doc.addEventListener('visibilitychange', update);
  win.addEventListener('focus', update);
  win.addEventListener('blur', update);

  let last: ConversationId | null | undefined;
  const stopEffect = $effect.root(() => {
    $effect(() => {
      const now = shown && focused ? (app.selected ?? null) : null;
      if (now === last) return;
      last = now;
      app.setViewing(now);
    });
  });
  const off = app.followShowRequests();
  return () => {
    stopEffect();
    off();
    doc.removeEventListener('visibilitychange', update);
    win.removeEventListener('focus', update);
    win.removeEventListener('blur', update);
  };
}
