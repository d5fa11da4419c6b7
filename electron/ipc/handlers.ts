// The shape of the core's answer to the IPC contract: one handler per command. Its own module, so the
// router (which calls the handlers) and the core (which provides them) both import it, not each other.
import type { CommandArgs, CommandName, CommandOutput } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';

export type Handler<K extends CommandName> = (args: CommandArgs<K>) => Promise<Result<CommandOutput<K>>>;
/** One handler per command: a missing or mistyped handler is a compile error. */
export type Handlers = { [K in CommandName]: Handler<K> };
/** The commands of one domain: `CommandsOf<'rooms'>` is 'rooms:join' | 'rooms:leave' | … */
export type CommandsOf<D extends string> = Extract<CommandName, `${D}:${string}`>;
