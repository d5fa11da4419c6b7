// Where archived messages go in a conversation (XEP-0313). The archive returns results in its own
// order, which is the order they happened in; their stamps (XEP-0203) are often whole seconds and come
// from the server's clock, while messages seen live carry ours. So a page keeps the archive's order —
// page order, then position in the page — and is fitted around the messages we already have:
// - a result we already have (seen live, or our own message coming back) keeps its place and is an
//   anchor: what follows it in the archive goes after it, what precedes it goes before it;
// - the others take their stamp where that respects the order, else the nearest free place.
// Stanza ids are opaque (XEP-0359 §4): they never decide an order.
import { SORT_STEP } from '../../store/messages-repo.js';

export interface Placed {
  /** The server's stamp of the result, if it has one. */
  stamp?: number;
  /** The sort key of the message when it is already stored, else undefined. */
  known?: number;
}

/**
 * Sort keys for one page of results in archive order, after `prev` (the key of what came before the
 * page, or -Infinity). Keys strictly increase along the page except where two known messages are
 * already out of order, which this never makes worse.
 */
export function keysInArchiveOrder(page: readonly Placed[], prev: number, now = Date.now()): number[] {
  // The nearest anchor after each position, and how many unplaced results stand before it.
  const nextAnchor = new Array<number>(page.length);
  let anchor = Infinity;
  for (let i = page.length - 1; i >= 0; i--) {
    nextAnchor[i] = anchor;
    const k = page[i]!.known;
    if (k !== undefined) anchor = Math.min(anchor, k);
  }
  const keys = new Array<number>(page.length);
  for (let i = 0; i < page.length; i++) {
    const r = page[i]!;
    if (r.known !== undefined) {
      keys[i] = r.known;
      prev = Math.max(prev, r.known);
      continue;
    }
    let before = 0; // unplaced results from here up to the next anchor
    for (let j = i; j < page.length && page[j]!.known === undefined; j++) before++;
    const hi = nextAnchor[i]!;
    let key = Math.max(r.stamp ?? now, prev + SORT_STEP);
    if (key > hi - before * SORT_STEP) {
      // The stamp would pass the anchor: share the room between prev and the anchor evenly (or, with
      // nothing before, step down from the anchor).
      key = prev === -Infinity ? Math.min(r.stamp ?? now, hi - before * SORT_STEP) : prev + Math.max((hi - prev) / (before + 1), SORT_STEP);
    }
    keys[i] = key;
    prev = key;
  }
  return keys;
}

/**
 * Sort keys for a page of OLDER results (all before the oldest message we have, whose key is `next`):
 * the archive's order again, each at its stamp where that keeps it before what follows.
 */
export function keysBefore(page: readonly Placed[], next: number, now = Date.now()): number[] {
  const keys = new Array<number>(page.length);
  for (let i = page.length - 1; i >= 0; i--) {
    const r = page[i]!;
    keys[i] = next = r.known !== undefined ? Math.min(r.known, next) : Math.min(r.stamp ?? now, next - SORT_STEP);
  }
  return keys;
}
