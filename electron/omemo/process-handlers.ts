// libsignal's XEdDSA comes from an Emscripten build of curve25519-donna
// (@privacyresearch/curve25519-typescript, lib/built/curveasm.js). When it is loaded under Node it
// registers two process-wide listeners: `unhandledRejection` → its abort(), which throws, and an
// `uncaughtException` listener that rethrows. Together they turn any unhandled promise rejection
// anywhere in Vireo's main process into a crash of the whole app, and they take the decision away
// from Electron and from Vireo's own handlers (main.ts, host-web/cli.ts), which report such a bug and
// keep the chats running. Found when one test's late rejection killed its whole test worker.
//
// They are recognised by their code (this dependency's, pinned in package-lock.json) and removed.
// The curve module itself never relies on them: it reports its own errors by throwing.

function isEmscriptenAbort(fn: (...args: never[]) => unknown): boolean {
  const src = Function.prototype.toString.call(fn);
  return src.includes('Build with -s ASSERTIONS=1') || (src.includes('ExitStatus') && src.includes('throw ex'));
}

/** Removes the curve module's process listeners; returns how many it removed. Idempotent. */
export function removeEmscriptenProcessHandlers(): number {
  let removed = 0;
  for (const fn of process.listeners('unhandledRejection')) {
    if (isEmscriptenAbort(fn)) {
      process.removeListener('unhandledRejection', fn);
      removed++;
    }
  }
  for (const fn of process.listeners('uncaughtException')) {
    if (isEmscriptenAbort(fn)) {
      process.removeListener('uncaughtException', fn);
      removed++;
    }
  }
  return removed;
}
