// Electron's transport for the IPC contract (ARCHITECTURE.md "Process model"). Channels are the contract
// names themselves ('accounts:add', Signal-Desktop's 'domain:verb'), one `ipcMain.handle` each, so a
// renderer can only ever reach a contract command. Every call goes through the router, which
// refuses untrusted senders before looking at the input. Electron is injected (types only), so
// this file is unit-tested with fakes.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES } from '../../shared/contract.js';
import type { EventBus } from '../core/kernel/events.js';
import { createLogger } from '../lib/log.js';
import { isSameDocument } from '../windows/link-policy.js';
import type { IpcRouter } from './router.js';

const log = createLogger('ipc');

/**
 * The parts of a frame the sender check reads. Electron's WebFrameMain has this shape (bindIpc
 * passes `event.senderFrame` and `webContents.mainFrame` here, so the compiler checks that).
 */
export interface SenderFrame {
  readonly url: string;
  readonly top: SenderFrame | null;
  readonly parent: object | null;
}

export interface ElectronBridgeDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  router: IpcRouter;
  events: EventBus;
  isTrustedSender(frame: SenderFrame | null): boolean;
  /** Every Vireo window that should receive pushed events. */
  getWindows(): BrowserWindow[];
}

/**
 * "Validate the sender of all IPC messages" (Electron security checklist): a call counts
 * only if it comes from Vireo's own renderer document, in a top-level frame whose top is also
 * that document. Vireo has no sub-frames (the CSP forbids them), so any sub-frame is refused too.
 */
export function makeSenderCheck(indexUrl: string): (frame: SenderFrame | null) => boolean {
  return (frame) => {
    if (frame === null || frame === undefined) return false;
    try {
      if (frame.parent !== null) return false;
      const top = frame.top;
      if (top === null || top === undefined) return false;
      return isSameDocument(frame.url, indexUrl) && isSameDocument(top.url, indexUrl);
    } catch {
      // Reading a frame that navigated away or was destroyed can throw: not trusted.
      return false;
    }
  };
}

/** Registers one handler per contract command and forwards bus events; returns an undo function. */
export function bindIpc(deps: ElectronBridgeDeps): () => void {
  const { ipcMain, router, events } = deps;

  const senderOk = (event: IpcMainInvokeEvent): boolean => {
    try {
      return deps.isTrustedSender(event.senderFrame);
    } catch (err) {
      log.warn('sender check failed', err);
      return false;
    }
  };

  for (const name of COMMAND_NAMES) {
    // Only the first argument is the input; anything else the renderer sends is ignored.
    ipcMain.handle(name, (event, input: unknown) => router.dispatch(name, input, senderOk(event)));
  }

  const unsubscribe = events.subscribe((name, payload) => {
    for (const win of deps.getWindows()) {
      if (win.isDestroyed()) continue;
      const contents = win.webContents;
      if (contents.isDestroyed()) continue;
      // Pushed state is for Vireo's own document only, never for a page that got in some other way.
      if (!deps.isTrustedSender(contents.mainFrame)) continue;
      contents.send(name, payload);
    }
  });

  return () => {
    unsubscribe();
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(name);
  };
}
