// How a room's refusals and removals of the user become contract errors (XEP-0045): the error
// conditions of a refused join (§7.2's table, parsed in xmpp/xep/0045-muc.ts), the removals said by
// the user's own unavailable presence (§7.14 and the status codes of §15.6: kicked §8.2, banned §9.1,
// members only §9.4 and §10.2, destroyed §10.9), and which refused rejoins mean out for good.
// The window words each code (shared/errors.ts); the detail keeps what the room said.
import type { ErrorCode, VireoError } from '../../../shared/errors.js';
import { removalReason, type MucJoinErrorCode, type MucOccupant } from '../../xmpp/xep/0045-muc.js';

export const JOIN_ERRORS: Record<MucJoinErrorCode, ErrorCode> = {
  'password-required': 'room-password-required',
  banned: 'room-banned',
  'members-only': 'room-members-only',
  'nick-conflict': 'room-nick-conflict',
  'nick-reserved': 'room-nick-conflict',
  'nick-invalid': 'room-nick-conflict',
  'room-full': 'room-full',
  'room-not-found': 'room-not-found',
  'not-allowed': 'room-not-allowed',
  unknown: 'server-error',
};

/** Why the room removed the user (their own unavailable presence, §15.6 status codes). */
export type RemovalReason = NonNullable<ReturnType<typeof removalReason>>;

/** Refusals of a rejoin after sign-in that mean the user is out of the room for good. */
export const REFUSED_FOR_GOOD: Partial<Record<ErrorCode, RemovalReason>> = { 'room-banned': 'banned', 'room-members-only': 'members-only' };

const REMOVED: Record<NonNullable<ReturnType<typeof removalReason>>, ErrorCode> = {
  kicked: 'room-kicked', // §8.2, status 307
  banned: 'room-banned', // §9.1, status 301
  'members-only': 'room-members-only', // §9.4 / §10.2, status 322
  destroyed: 'room-destroyed', // §10.9
  affiliation: 'room-removed', // status 321
  shutdown: 'room-removed', // status 332
  error: 'room-removed', // status 333
};

/**
 * Why the user is out of a room, from their own unavailable presence (§7.14 and the status codes of
 * §15.6), as a contract error; the moderator's nick goes into the detail. For a removal only.
 */
export function removalError(p: MucOccupant): VireoError {
  const why = removalReason(p) ?? 'error';
  const by = p.actor?.nick ?? p.actor?.jid;
  return { code: REMOVED[why], detail: `${why}${by ? ` by ${by}` : ''} (status ${p.statusCodes.join(', ') || 'none'})` };
}
