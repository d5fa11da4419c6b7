// Parsed session records, kept between messages instead of parsed again from JSON every time. The
// cache itself lives in libsignal's SessionRecord (serialize() remembers the object it wrote,
// deserialize() of that string hands it back once), added by Vireo's patch of the library:
// patches/@privacyresearch+libsignal-protocol-typescript+0.0.16.patch, applied at install
// (patches/README.md explains why and how it stays correct). This file is Vireo's view of it.
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record.js';

/** Forgets every kept record (an account's keys were deleted: nothing of them stays in memory). */
export function clearRecordCache(): void {
  SessionRecord.clearCache();
}

/**
 * How many sessions a record holds, without taking its cached object (or parsing it twice): a
 * record parsed here is kept for the deserialize() that follows (the caller is about to decrypt).
 */
export function sessionCount(serialized: string): number {
  return Object.keys(SessionRecord.peek(serialized).sessions).length;
}

/**
 * For tests and the bench: how often a record came from the cache, and how many cached objects no
 * longer serialize to the string they are kept under (must always be 0: such an object would hand an
 * old or half-stepped ratchet to the next message).
 */
export function recordCacheStats(): { hits: number; misses: number; size: number; stale: number } {
  return SessionRecord.cacheStats();
}
