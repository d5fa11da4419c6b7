// Parsed session records, kept between messages instead of parsed again from JSON every time.
//
// libsignal's StorageType hands session records over as strings: SessionCipher asks the store for the
// string, SessionRecord.deserialize() parses it (JSON, then every key from base64 into an ArrayBuffer),
// the cipher steps the ratchet on the result, and serialize() turns it back into a string for
// storeSession(). Profiling bench:omemo showed the parse as the largest single cost of a message after
// the disk (about a sixth of the CPU time). Yet the string the cipher asks for next time is, nearly
// always, the very string the last serialize() produced.
//
// So serialize() remembers which object it just wrote (the string is the key), and deserialize() of
// that same string hands the object back instead of parsing. The object is handed out once: it
// leaves the cache, because the caller is about to change it. If the caller then fails before
// storing (a bad MAC, a duplicate), the object is simply lost and the next deserialize() of the old
// string parses it again, so a failed operation can never leak a half-stepped ratchet. The cache
// holds a string only while its object is unchanged since it was serialized: a second serialize() of
// the same object drops the earlier string. Every caller in libsignal (SessionCipher, SessionBuilder)
// and in device.ts serializes as its last change to a record.
//
// Process-wide, like the library's curve; strings from different stores never collide (they contain
// fresh random keys). Bounded, oldest out first.
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record.js';

const MAX = 512;
const byString = new Map<string, SessionRecord>();
const stringOf = new WeakMap<SessionRecord, string>();
const stats = { hits: 0, misses: 0 };
let originalSerialize: ((this: SessionRecord) => string) | undefined;

let installed = false;

/** Once per process, before any session is loaded. */
export function installRecordCache(): void {
  if (installed) return;
  installed = true;
  const parse = SessionRecord.deserialize.bind(SessionRecord);
  const serialize = SessionRecord.prototype.serialize;
  originalSerialize = serialize;

  SessionRecord.deserialize = (serialized: string): SessionRecord => {
    const record = byString.get(serialized);
    if (record) {
      byString.delete(serialized);
      stringOf.delete(record);
      stats.hits++;
      return record;
    }
    stats.misses++;
    return parse(serialized);
  };

  SessionRecord.prototype.serialize = function (this: SessionRecord): string {
    const s = serialize.call(this);
    remember(s, this);
    return s;
  };
}

function remember(serialized: string, record: SessionRecord) {
  const before = stringOf.get(record);
  if (before !== undefined) byString.delete(before);
  if (byString.size >= MAX) {
    const oldest = byString.keys().next().value!;
    const r = byString.get(oldest);
    byString.delete(oldest);
    if (r) stringOf.delete(r);
  }
  byString.set(serialized, record);
  stringOf.set(record, serialized);
}

/** Forgets every kept record (an account's keys were deleted: nothing of them stays in memory). */
export function clearRecordCache(): void {
  byString.clear();
}

/** How many sessions a record holds, without taking its cached object (or parsing it twice). */
export function sessionCount(serialized: string): number {
  const cached = byString.get(serialized);
  return Object.keys((cached ?? parseOnce(serialized)).sessions).length;
}

function parseOnce(serialized: string): SessionRecord {
  // Parsed now, kept for the deserialize() that follows (the caller is about to decrypt with it).
  const record = SessionRecord.deserialize(serialized);
  if (installed) remember(serialized, record);
  return record;
}

/**
 * For tests and the bench: how often a record came from the cache, and how many cached objects no
 * longer serialize to the string they are kept under (must always be 0: such an object would hand an
 * old or half-stepped ratchet to the next message).
 */
export function recordCacheStats(): { hits: number; misses: number; size: number; stale: number } {
  let stale = 0;
  if (originalSerialize) for (const [s, r] of byString) if (originalSerialize.call(r) !== s) stale++;
  return { ...stats, size: byString.size, stale };
}
