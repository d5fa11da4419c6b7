// The IPC boundary in one place (ARCHITECTURE.md "Process model"): check the sender, validate the input
// with the contract schema, call the service, and always answer with a Result envelope — Electron
// only carries `error.message` across, so exceptions must never be what the renderer sees.
import { commands, type CommandName } from '../../shared/contract.js';
import { fail, type Result } from '../../shared/errors.js';
import { createLogger } from '../lib/log.js';
import type { Handlers } from './handlers.js';

export type { Handler, Handlers } from './handlers.js';

export interface IpcRouter {
  /** `senderOk` is decided by the transport (Electron frame check, or the browser host's token). */
  dispatch(command: unknown, input: unknown, senderOk: boolean): Promise<Result<unknown>>;
}

const log = createLogger('ipc');

export function createIpcRouter(handlers: Handlers): IpcRouter {
  return {
    async dispatch(command, input, senderOk) {
      if (!senderOk) return fail('forbidden-sender');
      if (typeof command !== 'string' || !Object.hasOwn(commands, command)) {
        return fail('unknown-command', String(command).slice(0, 100));
      }
      const name = command as CommandName;
      const parsed = commands[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail('invalid-input', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
      }
      try {
        const handler = handlers[name] as (args: unknown) => Promise<Result<unknown>>;
        return await handler(parsed.data);
      } catch (err) {
        // A bug, not an expected failure: log it with the stack, give the renderer a code.
        log.error(`${name} threw`, err);
        return fail('internal', err instanceof Error ? err.message : String(err));
      }
    },
  };
}
