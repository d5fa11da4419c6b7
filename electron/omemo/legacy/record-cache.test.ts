import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { migrateOmemo } from '../migrations/index.js';
import { createOmemoStore, type OmemoStore } from '../signal-store.js';
import { ensureOwnKeys } from '../keys.js';
import { createOmemoDevice, type DecryptResult, type OmemoDevice } from './device.js';
import { recordCacheStats } from './record-cache.js';
import type { LegacyEncrypted } from './wire.js';

// Session records are kept parsed between messages (record-cache.ts). These conversations go through
// everything that changes a record or fails half-way, and check that every message still reads as a
// device without the cache (a fresh store on the same database) reads it, and that no kept record
// differs from the text it is kept under.

interface Party {
  jid: string;
  deviceId: number;
  db: Database.Database;
  key: Buffer;
  store: OmemoStore;
  device: OmemoDevice;
}

async function party(jid: string, deviceId: number): Promise<Party> {
  const db = new Database(':memory:');
  migrateOmemo(db);
  const key = randomBytes(32);
  const store = createOmemoStore(db, { encryptionKey: key, accountId: jid });
  await ensureOwnKeys(store, { preKeyCount: 5 });
  return { jid, deviceId, db, key, store, device: createOmemoDevice({ store, deviceId }) };
}

/** The same device reopened from its database: its store has parsed nothing yet. */
function reopen(p: Party): Party {
  const store = createOmemoStore(p.db, { encryptionKey: p.key, accountId: p.jid });
  return { ...p, store, device: createOmemoDevice({ store, deviceId: p.deviceId }) };
}

const send = async (from: Party, to: Party, text: string) =>
  (await from.device.encryptFor([{ jid: to.jid, deviceId: to.deviceId }], text)).encrypted;
const recv = (p: Party, from: Party, e: LegacyEncrypted): Promise<DecryptResult> =>
  p.device.decrypt({ from: from.jid, encrypted: e }, p.jid);
const text = (r: DecryptResult) => (r.ok ? r.plaintext : `error ${r.error}`);

function tampered(e: LegacyEncrypted): LegacyEncrypted {
  const k = e.keys[0]!;
  const data = new Uint8Array(k.data);
  data[data.length - 3]! ^= 0x40; // inside the MAC
  return { ...e, keys: [{ ...k, data }] };
}

describe('parsed session records kept between messages', () => {
  it('reads every message as an uncached device would, through replays, forgeries and restarts', async () => {
    let alice = await party('alice@cache.test', 11);
    let bob = await party('bob@cache.test', 22);
    expect(await alice.device.processBundle(bob.jid, bob.deviceId, await bob.device.buildBundle())).toEqual({ ok: true });
    expect(text(await recv(bob, alice, await send(alice, bob, 'hello')))).toBe('hello');
    const before = recordCacheStats().hits;

    // A fixed pseudo-random walk, so a failure can be replayed.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const held: { to: 'alice' | 'bob'; e: LegacyEncrypted; text: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const aliceSends = rnd() < 0.5;
      const [from, to] = aliceSends ? [alice, bob] : [bob, alice];
      const e = await send(from, to, `m${i}`);
      const r = rnd();
      if (r < 0.1) {
        // A forged copy first: refused, and it must not move the real session.
        expect((await recv(to, from, tampered(e))).ok).toBe(false);
        expect(text(await recv(to, from, e))).toBe(`m${i}`);
      } else if (r < 0.2) {
        // Delivered later, out of order.
        held.push({ to: aliceSends ? 'bob' : 'alice', e, text: `m${i}` });
      } else if (r < 0.25) {
        // Read, then delivered again (the archive): a duplicate, and nothing changes.
        expect(text(await recv(to, from, e))).toBe(`m${i}`);
        expect(await recv(to, from, e)).toMatchObject({ ok: false, error: 'duplicate' });
      } else {
        expect(text(await recv(to, from, e))).toBe(`m${i}`);
      }
      if (rnd() < 0.05) {
        // A restart of one side: its records are parsed from the database again.
        if (rnd() < 0.5) alice = reopen(alice);
        else bob = reopen(bob);
      }
      if (held.length && rnd() < 0.2) {
        const h = held.shift()!;
        const [p, q] = h.to === 'bob' ? [bob, alice] : [alice, bob];
        expect(text(await recv(p, q, h.e))).toBe(h.text);
      }
      expect(recordCacheStats().stale).toBe(0);
    }
    for (const h of held) {
      const [p, q] = h.to === 'bob' ? [bob, alice] : [alice, bob];
      expect(text(await recv(p, q, h.e))).toBe(h.text);
    }
    // What the database holds is what the cached objects were: a fresh device on each side goes on.
    const [a2, b2] = [reopen(alice), reopen(bob)];
    expect(text(await recv(b2, a2, await send(a2, b2, 'after')))).toBe('after');
    expect(text(await recv(a2, b2, await send(b2, a2, 'reply')))).toBe('reply');
    // The walk really used kept records (otherwise this test checks nothing about them).
    expect(recordCacheStats().hits - before).toBeGreaterThan(300);
    expect(recordCacheStats().stale).toBe(0);
  });

  it('two sessions started at once: the failing one leaves nothing behind', async () => {
    const alice = await party('alice@both.test', 1);
    const bob = await party('bob@both.test', 2);
    // Both open a session before either has heard from the other: each record ends with two.
    expect(await alice.device.processBundle(bob.jid, 2, await bob.device.buildBundle())).toEqual({ ok: true });
    expect(await bob.device.processBundle(alice.jid, 1, await alice.device.buildBundle())).toEqual({ ok: true });
    const a1 = await send(alice, bob, 'from alice');
    const b1 = await send(bob, alice, 'from bob');
    expect(text(await recv(bob, alice, a1))).toBe('from alice');
    expect(text(await recv(alice, bob, b1))).toBe('from bob');
    for (let i = 0; i < 10; i++) {
      expect(text(await recv(bob, alice, tampered(await send(alice, bob, 'x'))))).toMatch(/^error /);
      expect(text(await recv(bob, alice, await send(alice, bob, `a${i}`)))).toBe(`a${i}`);
      expect(text(await recv(alice, bob, await send(bob, alice, `b${i}`)))).toBe(`b${i}`);
      expect(recordCacheStats().stale).toBe(0);
    }
    expect(text(await recv(reopen(bob), alice, await send(alice, bob, 'end')))).toBe('end');
  });
});
