// The app-wide net under every WebContents (installed from `app.on('web-contents-created')`):
// no <webview> guests and no new windows, whatever created the contents. Windows that want a
// narrower policy (the main window opens vetted links externally) replace the window-open handler
// after construction — 'web-contents-created' fires inside `new BrowserWindow`, so this runs first.
// https://www.electronjs.org/docs/latest/tutorial/security ("Verify WebView options before creation",
// "Disable or limit creation of new windows")
import type { WebContents } from 'electron';

export type GuardableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function guardWebContents(contents: GuardableContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
