// Desktop notifications (ARCHITECTURE.md: electron/os/ is thin; the decision is the core's, see
// core/notifications.ts). Shows each 'notify' event with Electron's Notification; a click brings the
// window forward and opens that conversation. Electron is injected, so this is tested with fakes.
import type { NotificationConstructorOptions } from 'electron';
import type { ConversationId } from '../../shared/ids.js';
import type { NotificationView } from '../../shared/views.js';
import type { EventBus } from '../core/kernel/events.js';

/** The part of Electron's Notification used here. */
export interface ShellNotification {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
  close(): void;
}

export interface NotifierDeps {
  Notification: { new (options: NotificationConstructorOptions): ShellNotification; isSupported(): boolean };
  events: EventBus;
  platform: NodeJS.Platform;
  /** Bring Vireo's window to the front (creating it if it was closed). */
  showWindow(): void;
  openConversation(conversationId: ConversationId): void;
}

/**
 * Linux notification daemons that announce "body-markup" read the body as markup (<b>, <a href>,
 * <img>), and Electron passes it through unchanged: a message's text must stay text there.
 */
export const escapeMarkup = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Starts showing notifications; returns the function that stops (and closes those still shown). */
export function showNotifications(deps: NotifierDeps): () => void {
  if (!deps.Notification.isSupported()) return () => {};
  // Referenced until closed or clicked: a notification collected by the GC loses its click handler.
  const shown = new Set<ShellNotification>();
  const off = deps.events.subscribe((name, payload) => {
    if (name !== 'notify') return;
    const n = payload as NotificationView;
    const note = new deps.Notification({ title: n.title, body: deps.platform === 'linux' ? escapeMarkup(n.body) : n.body });
    shown.add(note);
    note.on('close', () => shown.delete(note));
    note.on('click', () => {
      shown.delete(note);
      deps.showWindow();
      deps.openConversation(n.conversationId);
    });
    note.show();
  });
  return () => {
    off();
    for (const note of shown) note.close();
    shown.clear();
  };
}
