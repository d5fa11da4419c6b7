// The contacts' public surface (issue #12 §1): the roster service, its commands and its lifecycle part.
import type { AccountsRepo } from '../../store/accounts-repo.js';
import type { RosterRepo } from '../../store/roster-repo.js';
import { createLogger } from '../../lib/log.js';
import type { EventBus, Lifecycle } from '../kernel/index.js';
import type { ConnectionService } from '../session/index.js';
import { createRosterService } from './roster.js';
import { contactsHandlers } from './handlers.js';

export type { RosterService } from './roster.js';

export function createContactsFeature(deps: {
  repo: RosterRepo;
  accounts: AccountsRepo;
  connections: ConnectionService;
  events: EventBus;
}) {
  const roster = createRosterService({ ...deps, log: createLogger('roster') });
  return {
    roster,
    handlers: contactsHandlers({ roster }),
    parts: {
      roster: { name: 'roster', installOn: roster.installOn, onOnline: roster.onOnline, onOffline: roster.onOffline },
    } satisfies Record<string, Lifecycle>,
  };
}
