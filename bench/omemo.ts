// `npm run bench:omemo [messages]`: legacy OMEMO crypto cost, no network.
//   setup_ms    X3DH from a peer's bundle (processBundle: signature check + key agreements)
//   msg_ms      one message encrypted and decrypted, directions alternating so every message is a ratchet step
//   fanout10_ms one message encrypted for 10 devices with established sessions
// Configurations, in this order (the curve is process-wide in libsignal, so the library's own curve
// runs first):
//   library      libsignal alone (as patched at install, patches/README.md: old chains pruned, parsed
//                records kept): an in-memory Map store (as in its own tests), its asm.js curve, no payload
//   vireo-lib    Vireo's device layer + SQLite store (file, WAL, synchronous=FULL, sealed keys), library curve
//   library-node libsignal alone again, with what Vireo installs into it (node:crypto curve and
//                primitives): the floor for any store
//   vireo-nosync Vireo as shipped, but the database does not wait for the disk (synchronous=NORMAL)
//   vireo        Vireo as shipped: every commit is flushed to the disk before it returns
// A message in Vireo makes two commits: the sender's ratchet step is stored before the message may
// leave, and the receiver's in the received message's own transaction. `commit_ms` is what one such
// flushed commit costs on this disk (a one-row transaction on the same kind of database), so
// msg_ms ≈ msg_nosync_ms + 2 × commit_ms. The last line is the figure for Vireo:
// `omemo setup_ms=… msg_ms=… fanout10_ms=… msg_nosync_ms=… commit_ms=…`.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  KeyHelper,
  SessionBuilder,
  SessionCipher,
  SignalProtocolAddress,
  type KeyPairType,
  type StorageType,
} from '@privacyresearch/libsignal-protocol-typescript';
import { migrateOmemo } from '../electron/omemo/migrations/index.js';
import { createOmemoStore } from '../electron/omemo/signal-store.js';
import { ensureOwnKeys } from '../electron/omemo/keys.js';
import { createOmemoDevice, type OmemoDevice } from '../electron/omemo/legacy/device.js';
import { installNodeCrypto } from '../electron/omemo/node-curve.js';

const MESSAGES = Number(process.argv[2] ?? 500);
// Messages exchanged before the clock starts, so the figure is the steady state, not the JIT warming up.
const WARMUP = 100;
const SETUPS = 20;
const FANOUTS = 20;
const ab = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => n.toFixed(n < 10 ? 3 : 1);

interface Figures {
  setup: number;
  msg: number;
  fanout: number;
}

// ---- libsignal alone ----

function memoryStore(identity: KeyPairType, registrationId: number): StorageType & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    getIdentityKeyPair: async () => identity,
    getLocalRegistrationId: async () => registrationId,
    isTrustedIdentity: async () => true,
    saveIdentity: async (a, k) => (map.set(`id:${a}`, k), false),
    loadPreKey: async (id) => map.get(`pk:${id}`) as KeyPairType | undefined,
    storePreKey: async (id, kp) => void map.set(`pk:${id}`, kp),
    removePreKey: async (id) => void map.delete(`pk:${id}`),
    storeSession: async (a, r) => void map.set(`s:${a}`, r),
    loadSession: async (a) => map.get(`s:${a}`) as string | undefined,
    loadSignedPreKey: async (id) => map.get(`spk:${id}`) as KeyPairType | undefined,
    storeSignedPreKey: async (id, kp) => void map.set(`spk:${id}`, kp),
    removeSignedPreKey: async (id) => void map.delete(`spk:${id}`),
  };
}

async function libraryPeer(name: string) {
  const identity = await KeyHelper.generateIdentityKeyPair();
  const store = memoryStore(identity, KeyHelper.generateRegistrationId());
  const spk = await KeyHelper.generateSignedPreKey(identity, 1);
  await store.storeSignedPreKey(1, spk.keyPair);
  const preKeys: Awaited<ReturnType<typeof KeyHelper.generatePreKey>>[] = [];
  for (let i = 1; i <= SETUPS + 12; i++) {
    const pk = await KeyHelper.generatePreKey(i);
    await store.storePreKey(i, pk.keyPair);
    preKeys.push(pk);
  }
  const device = (i: number) => ({
    identityKey: identity.pubKey,
    signedPreKey: { keyId: 1, publicKey: spk.keyPair.pubKey, signature: spk.signature },
    preKey: { keyId: preKeys[i]!.keyId, publicKey: preKeys[i]!.keyPair.pubKey },
  });
  return { name, store, device };
}

async function benchLibrary(): Promise<Figures> {
  const alice = await libraryPeer('alice');
  const bob = await libraryPeer('bob');
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < SETUPS; i++)
    await new SessionBuilder(alice.store, new SignalProtocolAddress(`bob${i}`, 1)).processPreKey(bob.device(i));
  const setup = ms(t0) / SETUPS;

  const toBob = new SessionCipher(alice.store, new SignalProtocolAddress('bob', 1));
  const toAlice = new SessionCipher(bob.store, new SignalProtocolAddress('alice', 1));
  await new SessionBuilder(alice.store, new SignalProtocolAddress('bob', 1)).processPreKey(bob.device(SETUPS));
  const key = ab(randomBytes(32));
  const first = await toBob.encrypt(key);
  await toAlice.decryptPreKeyWhisperMessage(first.body!, 'binary');
  for (let i = -WARMUP; i < MESSAGES; i++) {
    if (i === 0) t0 = process.hrtime.bigint();
    const [from, to] = i % 2 ? [toBob, toAlice] : [toAlice, toBob];
    const m = await from.encrypt(key);
    await to.decryptWhisperMessage(m.body!, 'binary');
  }
  const msg = ms(t0) / MESSAGES;

  // 10 peers with answered sessions (the sender is on a fresh sending chain, like after a reply).
  const peers = [];
  for (let d = 0; d < 10; d++) {
    const p = await libraryPeer(`p${d}`);
    const addr = new SignalProtocolAddress(`p${d}`, 1);
    await new SessionBuilder(alice.store, addr).processPreKey(p.device(0));
    const c = new SessionCipher(alice.store, addr);
    const back = new SessionCipher(p.store, new SignalProtocolAddress('alice', 1));
    await back.decryptPreKeyWhisperMessage((await c.encrypt(key)).body!, 'binary');
    await c.decryptWhisperMessage((await back.encrypt(key)).body!, 'binary');
    peers.push(c);
  }
  t0 = process.hrtime.bigint();
  for (let f = 0; f < FANOUTS; f++) await Promise.all(peers.map((c) => c.encrypt(key)));
  const fanout = ms(t0) / FANOUTS;
  return { setup, msg, fanout };
}

// ---- Vireo's device layer on SQLite ----

type Sync = 'FULL' | 'NORMAL';

/** A database set up as the profile's (electron/store/db.ts), or with commits not flushed. */
function openDb(file: string, sync: Sync): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma('secure_delete = ON');
  return db;
}

async function vireoPeer(
  dir: string,
  jid: string,
  deviceId: number,
  fastCurve: boolean,
  preKeyCount: number,
  sync: Sync,
): Promise<{ jid: string; deviceId: number; device: OmemoDevice; db: Database.Database }> {
  const db = openDb(path.join(dir, `${jid}-${deviceId}-${fastCurve}-${sync}.sqlite`), sync);
  migrateOmemo(db);
  const store = createOmemoStore(db, { encryptionKey: randomBytes(32), accountId: jid });
  await ensureOwnKeys(store, { preKeyCount });
  return { jid, deviceId, db, device: createOmemoDevice({ store, deviceId, fastCurve }) };
}

async function benchVireo(fastCurve: boolean, sync: Sync = 'FULL'): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vireo-bench-omemo-'));
  try {
    const alice = await vireoPeer(dir, 'alice@bench.test', 1, fastCurve, 10, sync);
    const bob = await vireoPeer(dir, 'bob@bench.test', 2, fastCurve, SETUPS + 10, sync);
    const bundle = await bob.device.buildBundle();
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < SETUPS; i++) {
      const r = await alice.device.processBundle(`bob${i}@bench.test`, 2, bundle);
      if (!r.ok) throw new Error(r.message);
    }
    const setup = ms(t0) / SETUPS;

    await alice.device.processBundle(bob.jid, 2, bundle);
    const start = await alice.device.encryptFor([{ jid: bob.jid, deviceId: 2 }], 'hello');
    const got = await bob.device.decrypt({ from: alice.jid, encrypted: start.encrypted }, bob.jid);
    if (!got.ok) throw new Error(`could not decrypt: ${got.error}`);
    for (let i = -WARMUP; i < MESSAGES; i++) {
      if (i === 0) t0 = process.hrtime.bigint();
      const [from, to] = i % 2 ? [alice, bob] : [bob, alice];
      const e = await from.device.encryptFor([{ jid: to.jid, deviceId: to.deviceId }], `message ${i}`);
      const r = await to.device.decrypt({ from: from.jid, encrypted: e.encrypted }, to.jid);
      if (!r.ok || r.plaintext !== `message ${i}`) throw new Error(`message ${i} did not round-trip`);
    }
    const msg = ms(t0) / MESSAGES;

    const peers = [];
    for (let d = 0; d < 10; d++) {
      const p = await vireoPeer(dir, `peer${d}@bench.test`, 100 + d, fastCurve, 1, sync);
      await alice.device.processBundle(p.jid, p.deviceId, await p.device.buildBundle());
      const e = await alice.device.encryptFor([{ jid: p.jid, deviceId: p.deviceId }], 'hi');
      await p.device.decrypt({ from: alice.jid, encrypted: e.encrypted }, p.jid);
      const back = await p.device.encryptFor([{ jid: alice.jid, deviceId: 1 }], 'hi');
      await alice.device.decrypt({ from: p.jid, encrypted: back.encrypted }, alice.jid);
      peers.push({ jid: p.jid, deviceId: p.deviceId });
    }
    t0 = process.hrtime.bigint();
    for (let f = 0; f < FANOUTS; f++) {
      const e = await alice.device.encryptFor(peers, `fan-out ${f}`);
      if (e.encrypted.keys.length !== 10) throw new Error('fan-out lost a device');
    }
    const fanout = ms(t0) / FANOUTS;
    for (const p of [alice, bob]) p.db.close();
    return { setup, msg, fanout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One flushed commit of a session-sized row, the median of 200. */
function commitMs(): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'vireo-bench-commit-'));
  try {
    const db = openDb(path.join(dir, 'commit.sqlite'), 'FULL');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    const put = db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)');
    const commit = db.transaction((i: number) => put.run(i % 4, randomBytes(3000)));
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      commit(i);
      times.push(ms(t0));
    }
    db.close();
    return times.sort((a, b) => a - b)[100]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (label: string, f: Figures) => `${label} setup_ms=${fmt(f.setup)} msg_ms=${fmt(f.msg)} fanout10_ms=${fmt(f.fanout)}`;

// BENCH_ONLY=vireo runs only Vireo as shipped (for profiling with node --cpu-prof).
const only = process.env.BENCH_ONLY === 'vireo';
if (!only) {
  console.log(line('library     ', await benchLibrary()));
  console.log(line('vireo-lib   ', await benchVireo(false)));
}
installNodeCrypto();
let nosync: Figures | undefined;
if (!only) {
  console.log(line('library-node', await benchLibrary()));
  nosync = await benchVireo(true, 'NORMAL');
  console.log(line('vireo-nosync', nosync));
}
const fast = await benchVireo(true);
console.log(line('vireo       ', fast));
const commit = commitMs();
console.log(`${line('omemo', fast)}${nosync ? ` msg_nosync_ms=${fmt(nosync.msg)}` : ''} commit_ms=${fmt(commit)}`);
