// The roster's commands (RFC 6121): contacts and subscription requests.
import { ok } from '../../../shared/errors.js';
import type { CommandsOf, Handlers } from '../../ipc/handlers.js';
import type { RosterService } from './roster.js';

export function contactsHandlers(deps: { roster: RosterService }) {
  const { roster } = deps;
  return {
    'roster:snapshot': async () => ok(roster.snapshot()),
    'roster:add': ({ accountId, jid, name }) => roster.add(accountId, jid, name),
    'roster:rename': ({ accountId, jid, name }) => roster.rename(accountId, jid, name),
    'roster:remove': ({ accountId, jid }) => roster.remove(accountId, jid),
    'roster:accept': ({ accountId, jid }) => roster.accept(accountId, jid),
    'roster:refuse': ({ accountId, jid }) => roster.refuse(accountId, jid),
  } satisfies Pick<Handlers, CommandsOf<'roster'>>;
}
