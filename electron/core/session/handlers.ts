// The session's commands: accounts, and whether the user is at the machine (XEP-0352).
import { ok } from '../../../shared/errors.js';
import type { CommandsOf, Handlers } from '../../ipc/handlers.js';
import type { AccountService } from './accounts.js';
import type { ConnectionService } from './connections.js';
import type { createPresenceActivity } from './csi.js';

export function sessionHandlers(deps: {
  accounts: AccountService;
  connections: ConnectionService;
  activity: Pick<ReturnType<typeof createPresenceActivity>, 'setActive'>;
}) {
  const { accounts, connections, activity } = deps;
  return {
    'accounts:list': async () => ok(accounts.list()),
    'accounts:add': (input) => accounts.add(input),
    'accounts:remove': ({ accountId }) => accounts.remove(accountId),
    'accounts:connect': ({ accountId, password }) => accounts.connect(accountId, password),
    'accounts:disconnect': async ({ accountId }) => {
      await connections.disconnect(accountId);
      return ok(null);
    },
    'accounts:trust-certificate': async ({ accountId, fingerprint256 }) => accounts.trustCertificate(accountId, fingerprint256),
    'accounts:accept-weaker-sign-in': async ({ accountId }) => accounts.acceptWeakerSignIn(accountId),
    'accounts:set-password': ({ accountId, password }) => accounts.setPassword(accountId, password),
    'app:set-active': async ({ active }) => {
      await activity.setActive(active);
      return ok(null);
    },
  } satisfies Pick<Handlers, CommandsOf<'accounts'> | 'app:set-active'>;
}
