// The key of per-account state about one address (a room, a contact, a device list) in the core's maps.
// One spelling, so two services that key the same thing agree. Stored conversations have their own id,
// conversationIdOf() in store/messages-repo.ts.

/**
 * `accountId|jid`, or `accountId|jid|part` for state below that address (a device id, a message id).
 * Account ids are UUIDs, so the first '|' always ends the account id.
 */
export function accountKey(accountId: string, jid: string, part?: string | number): string {
  return part === undefined ? `${accountId}|${jid}` : `${accountId}|${jid}|${part}`;
}
