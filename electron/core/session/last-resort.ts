// The last resort for a bug that escaped every handler (an uncaught exception): say so in the log,
// close the connection it came from when that is known (ConnectionService.dropCurrent), and keep the
// process, so that one bad stanza or one broken handler does not close every chat. Installed by
// Electron's main (electron/main.ts) and the browser host (electron/host-web/cli.ts).
import type { Logger } from '../../lib/log.js';

export interface LastResortOptions {
  log: Logger;
  /** Drops the connection the running code works for; returns its account id, if there is one. */
  dropCurrent?: () => string | undefined;
  /** The process to watch (a test passes its own emitter). */
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Installs the handler; returns a function that removes it. */
export function installLastResort(opts: LastResortOptions): () => void {
  const proc = opts.proc ?? process;
  const handler = (err: unknown) => {
    let account: string | undefined;
    try {
      account = opts.dropCurrent?.();
    } catch {
      account = undefined; // the handler itself must never throw: that would end the process
    }
    const where = account ? `; the connection of account ${account} was closed and reconnects` : '';
    opts.log.error(`unexpected error (please report it)${where}`, err);
  };
  proc.on('uncaughtException', handler);
  return () => void proc.off('uncaughtException', handler);
}
