// OS keychain backend (ARCHITECTURE.md "Secrets") through keytar, which is an optionalDependency: if it
// could not be built, Vireo still installs and runs, so it is only ever loaded with a dynamic import.
// A locked keyring (or a Secret Service waiting on an unlock prompt nobody answers) makes keytar hang
// forever (CONTRIBUTING.md "Testing", keychain), so every call here is bounded by a timeout and turns into a
// KeychainUnavailableError whose message can be shown to the user as is.
import type { SecretStore } from './secret-store.js';

/** The part of keytar Vireo uses; declared here so type-checking works when keytar is absent. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarOptions {
  /** Service name under which entries are stored (what `secret-tool lookup service …` matches). */
  service?: string;
  /** Upper bound for each keychain call. */
  timeoutMs?: number;
  /** Injected in tests; defaults to importing the real keytar. */
  loadKeytar?: () => Promise<KeytarLike>;
}

export const DEFAULT_SERVICE = 'Vireo';
export const DEFAULT_TIMEOUT_MS = 3000;

/** The keychain cannot be used right now; `message` is plain words meant for the user. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function isKeytar(x: unknown): x is KeytarLike {
  const k = x as Partial<KeytarLike> | null | undefined;
  return !!k && typeof k.getPassword === 'function' && typeof k.setPassword === 'function' && typeof k.deletePassword === 'function';
}

/** keytar is CommonJS. Under plain Node, `import()` gives a namespace whose `default` is the whole
 *  module.exports but whose named exports are only what cjs-module-lexer spotted (for keytar 7.9 just
 *  `getPassword`), so the namespace cannot be trusted to be complete: prefer `default`, then the
 *  namespace itself (bundlers and vite-node may flatten it). */
export function keytarFromModule(mod: unknown): KeytarLike {
  const ns = mod as { default?: unknown } | null | undefined;
  if (isKeytar(ns?.default)) return ns.default;
  if (isKeytar(ns)) return ns;
  throw new Error('keytar was loaded but does not have the expected functions');
}

/** Imports the real keytar (an optional dependency, so it may be missing or fail to load). */
export async function loadRealKeytar(): Promise<KeytarLike> {
  // A variable specifier keeps bundlers from trying to inline a native, optional module.
  const specifier = 'keytar';
  return keytarFromModule(await import(specifier));
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function timeoutMessage(timeoutMs: number): string {
  return `The keychain did not answer within ${seconds(timeoutMs)} (it may be locked)`;
}

/** Turns whatever keytar (or loading it) threw into a sentence a user can act on. */
export function describeKeychainFailure(err: unknown): string {
  if (err instanceof KeychainUnavailableError) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'The keychain module is not installed';
  if (/\.node|NODE_MODULE_VERSION|invalid ELF|libsecret.*\.so|cannot open shared object/i.test(msg)) {
    return `The keychain module is installed but could not be loaded (${msg})`;
  }
  // libdbus says "Cannot autolaunch D-Bus without X11 $DISPLAY" when there is no session bus.
  if (/autolaunch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|dbus-launch/i.test(msg)) {
    return 'No keychain service is running (no D-Bus session)';
  }
  if (/ServiceUnknown|org\.freedesktop\.secrets was not provided|not provided by any \.service/i.test(msg)) {
    return 'No keychain service is running (nothing provides the Secret Service on D-Bus)';
  }
  // gnome-keyring with no login keyring and no way to show the "create keyring" prompt.
  if (/collection\/login|Object does not exist at path|prompt/i.test(msg)) {
    return 'The keychain has no unlocked login keyring and could not ask you to create or unlock one';
  }
  if (/cancel|dismiss/i.test(msg)) return 'The keychain request was cancelled';
  return `The keychain refused the request (${msg})`;
}

/** Races `p` against a timer. The keytar call itself cannot be cancelled; it is left to finish. */
function bounded<T>(p: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KeychainUnavailableError(message)), Math.max(0, timeoutMs));
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// keytar runs each call on one of libuv's 4 worker threads, which fs and crypto share. A call that
// hangs on a locked keyring holds its thread forever: four of them and every fs operation in the
// process stalls (seen for real with a locked gnome-keyring). So once a call has timed out and is
// still pending, later calls on the same keytar fail at once instead of piling up more hung threads;
// when the stuck call finally settles (e.g. the user unlocked the keyring), calls go through again.
const stuck = new WeakMap<KeytarLike, number>();
let stuckTotal = 0;

/** How many keychain calls timed out and are still pending. Non-zero matters at quit: a stuck keytar
 *  thread keeps Node from exiting (process.exit() itself blocked, seen with a real locked keyring), so
 *  the caller should then end the process forcefully. */
export function stuckKeychainCalls(): number {
  return stuckTotal;
}

/** Runs one keychain operation (including loading keytar) within timeoutMs, with plain-words errors. */
async function call<T>(load: () => Promise<KeytarLike>, timeoutMs: number, op: (k: KeytarLike) => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const late = timeoutMessage(timeoutMs);
  try {
    const k = await bounded(load(), timeoutMs, late);
    if ((stuck.get(k) ?? 0) > 0)
      throw new KeychainUnavailableError('The keychain is still not answering an earlier request (it may be locked)');
    const pending = op(k);
    try {
      return await bounded(pending, deadline - Date.now(), late);
    } catch (err) {
      if (err instanceof KeychainUnavailableError) {
        stuck.set(k, (stuck.get(k) ?? 0) + 1);
        stuckTotal++;
        const unstick = () => {
          stuck.set(k, (stuck.get(k) ?? 1) - 1);
          stuckTotal--;
        };
        pending.then(unstick, unstick);
      }
      throw err;
    }
  } catch (err) {
    if (err instanceof KeychainUnavailableError) throw err;
    throw new KeychainUnavailableError(describeKeychainFailure(err), { cause: err });
  }
}

/** Caches the loader's promise so keytar is imported once, but forgets a failure so a later call
 *  (e.g. after the user installs the module) can retry. */
function memoLoader(load: () => Promise<KeytarLike>): () => Promise<KeytarLike> {
  let cached: Promise<KeytarLike> | undefined;
  return () => {
    if (!cached) {
      cached = load();
      cached.catch(() => {
        cached = undefined;
      });
    }
    return cached;
  };
}

export function createKeytarStore(opts: KeytarOptions = {}): SecretStore {
  const service = opts.service ?? DEFAULT_SERVICE;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const load = memoLoader(opts.loadKeytar ?? loadRealKeytar);
  return {
    backend: 'keychain',
    async get(key) {
      const v = await call(load, timeoutMs, (k) => k.getPassword(service, key));
      return v ?? undefined;
    },
    async set(key, value) {
      // If this times out, the write may still land later when the keyring is unlocked; callers
      // treat the error as "not saved" and may ask again, which is harmless.
      await call(load, timeoutMs, (k) => k.setPassword(service, key, value));
    },
    async delete(key) {
      // deletePassword resolves false when there was nothing to delete: not an error for us.
      await call(load, timeoutMs, (k) => k.deletePassword(service, key));
    },
  };
}

export interface KeychainProbe {
  available: boolean;
  reason?: string;
}

const PROBE_KEY = 'vireo-keychain-probe';

/** Checks that the keychain really works now: loads keytar and writes, reads back and deletes a
 *  probe entry, each step bounded. Never throws and never hangs longer than about 3 × timeoutMs. */
export async function probeKeychain(opts: KeytarOptions = {}): Promise<KeychainProbe> {
  const service = opts.service ?? DEFAULT_SERVICE;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const load = memoLoader(opts.loadKeytar ?? loadRealKeytar);
  const value = `probe-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let setStarted: Promise<void> | undefined;
  try {
    await call(load, timeoutMs, (k) => (setStarted = k.setPassword(service, PROBE_KEY, value)));
    const got = await call(load, timeoutMs, (k) => k.getPassword(service, PROBE_KEY));
    await call(load, timeoutMs, (k) => k.deletePassword(service, PROBE_KEY));
    if (got !== value) return { available: false, reason: 'The keychain did not give back what was just stored in it' };
    return { available: true };
  } catch (err) {
    // If the write was only slow (e.g. the user unlocks the keyring later), remove the probe entry
    // once it lands so no litter is left in the user's keychain.
    setStarted
      ?.then(() => load())
      .then((k) => k.deletePassword(service, PROBE_KEY))
      .catch(() => undefined);
    return { available: false, reason: describeKeychainFailure(err) };
  }
}
