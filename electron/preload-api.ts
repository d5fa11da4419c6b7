// What the preload puts on `window.vireo` (ARCHITECTURE.md "Process model": one function per contract
// entry, no raw ipcRenderer). The type is for the renderer's one bridge module; the factory is
// here, apart from preload.ts, so it runs under plain Node in tests (preload.ts needs 'electron').
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type Events,
} from '../shared/contract.js';
import type { Result } from '../shared/errors.js';

export interface VireoBridge {
  invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  /** Subscribes to one pushed event; the callback gets only the payload. Returns an unsubscribe. */
  on<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void;
}

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * Builds the object exposed through contextBridge. Names are checked at run time as well as by
 * the types: whatever runs in the page (including injected script) can only reach contract
 * channels, never an arbitrary one — the same allowlist main enforces with one handler per name.
 */
export function createVireoBridge(ipc: BridgeIpc): VireoBridge {
  const commands = new Set<string>(COMMAND_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  return {
    invoke(name, input) {
      if (typeof name !== 'string' || !commands.has(name)) {
        throw new TypeError(`vireo.invoke: unknown command ${JSON.stringify(String(name)).slice(0, 80)}`);
      }
      return ipc.invoke(name, input) as Promise<Result<CommandOutput<typeof name>>>;
    },
    on(name, cb) {
      if (typeof name !== 'string' || !events.has(name)) {
        throw new TypeError(`vireo.on: unknown event ${JSON.stringify(String(name)).slice(0, 80)}`);
      }
      if (typeof cb !== 'function') throw new TypeError('vireo.on: the callback must be a function');
      // The IpcRendererEvent carries `sender` (ipcRenderer itself): it must never reach the page.
      const listener = (_event: IpcRendererEvent, payload: unknown): void => cb(payload as Events[typeof name]);
      ipc.on(name, listener);
      return () => {
        ipc.removeListener(name, listener);
      };
    },
  };
}
