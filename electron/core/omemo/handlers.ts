// OMEMO's commands: the user's own device, the devices of a contact and their trust, verification by a
// scanned or pasted URI, and removing one of the user's devices.
import type { CommandsOf, Handlers } from '../../ipc/handlers.js';
import type { OmemoService } from './omemo.js';

export function omemoHandlers(deps: { omemo: OmemoService }) {
  const { omemo } = deps;
  return {
    'omemo:own': ({ accountId }) => omemo.ownView(accountId),
    'omemo:devices': ({ accountId, jid }) => omemo.devices(accountId, jid),
    'omemo:set-trust': ({ accountId, jid, deviceId, trust }) => omemo.setTrust(accountId, jid, deviceId, trust),
    'omemo:verify-uri': ({ accountId, uri }) => omemo.verifyUri(accountId, uri),
    'omemo:remove-device': ({ accountId, deviceId }) => omemo.removeOwnDevice(accountId, deviceId),
  } satisfies Pick<Handlers, CommandsOf<'omemo'>>;
}
