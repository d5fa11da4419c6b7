// Branded ids: plain strings at run time, distinct types at compile time, so an AccountId can never be
// passed where a BareJid is expected (CONTRIBUTING.md, convention 4).
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type AccountId = Brand<string, 'AccountId'>;
/** `local@domain`, lower-cased local part and domain (RFC 7622 comparison form used by Vireo). */
export type BareJid = Brand<string, 'BareJid'>;
/** `local@domain/resource`. */
export type FullJid = Brand<string, 'FullJid'>;
/** One conversation per (account, peer bare JID). */
export type ConversationId = Brand<string, 'ConversationId'>;
/** Vireo's own id of a stored message (not the stanza id). */
export type MessageId = Brand<string, 'MessageId'>;

/** Epoch milliseconds. */
export type Timestamp = number;

export const asAccountId = (s: string) => s as AccountId;
export const asBareJid = (s: string) => s as BareJid;
export const asConversationId = (s: string) => s as ConversationId;
export const asMessageId = (s: string) => s as MessageId;
