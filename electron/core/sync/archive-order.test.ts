// Where archived messages go: the archive's order, fitted around messages already stored.
import { describe, expect, it } from 'vitest';
import { keysBefore, keysInArchiveOrder } from './archive-order.js';

const increasing = (keys: number[]) => keys.every((k, i) => i === 0 || k > keys[i - 1]!);

describe('keysInArchiveOrder', () => {
  it('keeps the archive order when stamps are whole seconds (several messages in one second)', () => {
    const keys = keysInArchiveOrder([{ stamp: 5000 }, { stamp: 5000 }, { stamp: 5000 }, { stamp: 6000 }], -Infinity);
    expect(increasing(keys)).toBe(true);
    expect(keys[0]).toBe(5000);
    expect(keys[3]).toBe(6000);
  });

  it('puts what follows a message we already have after it, even when its stamp is earlier', () => {
    // Seen live at 5,700 by our clock; the next ones are stamped 5,000 by the server (whole seconds).
    const keys = keysInArchiveOrder([{ stamp: 5000, known: 5700 }, { stamp: 5000 }, { stamp: 5000 }], -Infinity);
    expect(keys[1]).toBeGreaterThan(5700);
    expect(increasing(keys)).toBe(true);
  });

  it('puts what precedes a message we already have before it, even when the server clock is ahead', () => {
    // Our own message, sent at 5,000 by our clock; the server's clock is 3 s ahead.
    const keys = keysInArchiveOrder([{ stamp: 7000 }, { stamp: 7500 }, { stamp: 8000, known: 5000 }, { stamp: 8200 }], -Infinity);
    expect(keys[0]).toBeLessThan(5000);
    expect(keys[1]).toBeLessThan(5000);
    expect(increasing(keys)).toBe(true);
  });

  it('shares the room between two messages we have when the stamps would pass the second', () => {
    const keys = keysInArchiveOrder([{ known: 1000 }, { stamp: 9000 }, { stamp: 9000 }, { known: 1001 }], -Infinity);
    expect(keys).toEqual([1000, expect.closeTo(1000 + 1 / 3, 6), expect.closeTo(1000 + 2 / 3, 6), 1001]);
  });

  it('continues after the previous page, never before it', () => {
    const keys = keysInArchiveOrder([{ stamp: 100 }, { stamp: 200 }], 10_000);
    expect(keys[0]).toBeGreaterThan(10_000);
    expect(increasing(keys)).toBe(true);
  });
});

describe('keysBefore', () => {
  it('places an older page before the oldest message shown, in the archive order', () => {
    const keys = keysBefore([{ stamp: 4000 }, { stamp: 4000 }, { stamp: 6000 }], 5000);
    expect(increasing(keys)).toBe(true);
    expect(keys[2]).toBeLessThan(5000);
  });
});
