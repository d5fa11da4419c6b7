// Integration: when this device's OMEMO cannot work, the user is told before anything fails — in
// 'omemo:status', in 'omemo:own' and in every one-to-one chat's lock (ChatEncryptionView.notReady).
// Real cases on a real Prosody: the server refuses the keys (PEP switched off), and no safe place for
// the keys (the keychain that held this account's secrets is gone). And while the keys are being
// opened or made, the user sees that too ('preparing', ChatEncryptionView.preparing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, untilOmemoDevice, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { BareJid } from '../../../shared/ids.js';
import type { Events } from '../../../shared/contract.js';
import type { SecretStore } from '../../secrets/secret-store.js';

let server: ProsodyServer;
const started: TestCore[] = [];
const BOB = () => `bob@${server.domain}` as BareJid;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
  await server.register('carol', 'carol-pw');
  await server.register('dave', 'dave-pw'); // never signs in: has no OMEMO
  await server.register('erin', 'erin-pw');
  await server.register('gina', 'gina-pw');
}, 60_000);

afterAll(async () => {
  for (const t of started) await t.stop().catch(() => {});
  await server?.stop();
});

describe('OMEMO not ready, said up front', () => {
  it('the server refuses the keys: the lock says contacts cannot encrypt for this device, until a later sign-in publishes them', async () => {
    // PEP off (mod_pep and the modules built on it): publishing answers with an error.
    await server.shell(`module:unload("pep", "${server.domain}")`);
    const t = await startTestCore();
    started.push(t);
    const mark = t.mark();
    const acc = await addSyncedAccount(t, server, 'alice', 'alice-pw');
    const status = await t.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'unpublished', 20_000, mark);
    // A value the window words: the server's refusal is the reason.
    expect(status.problem).toMatchObject({ kind: 'unpublished', reason: expect.any(String) });

    const own = await t.must('omemo:own', { accountId: acc.id });
    expect(own.problem).toEqual(status.problem);
    const chat = await t.must('chat:open', { accountId: acc.id, peer: BOB() });
    expect(chat.encryption).toMatchObject({ mode: 'omemo', notReady: status.problem, warning: status.problem });

    // PEP back; the next sign-in publishes, and the lock is clear again.
    for (const m of ['pep', 'bookmarks', 'vcard4', 'vcard_legacy']) await server.shell(`module:load("${m}", "${server.domain}")`);
    const back = t.mark();
    await t.must('accounts:disconnect', { accountId: acc.id });
    await t.must('accounts:connect', { accountId: acc.id });
    const ready = await t.waitForEvent('omemo:status', (s) => s.accountId === acc.id, 20_000, back);
    expect(ready).toEqual({ accountId: acc.id, state: 'ready' });
    const cleared = await t.waitForEvent('conversation:updated', (c) => c.id === chat.id && !c.encryption?.notReady, 10_000, back);
    expect(cleared.encryption?.warning).toBeUndefined();
    expect((await t.must('omemo:own', { accountId: acc.id })).problem).toBeUndefined();
    const listed = await t.must('omemo:devices', { accountId: acc.id, jid: `alice@${server.domain}` as BareJid });
    expect(listed).toContainEqual(expect.objectContaining({ deviceId: own.deviceId, own: true, active: true }));
  }, 90_000);

  it('no safe place for the keys: every chat says encryption does not work here, as soon as it is shown', async () => {
    // Bob's secrets were in a keychain that this machine no longer offers (a locked-down or reinstalled desktop).
    const first = await startTestCore();
    const acc = await addSyncedAccount(first, server, 'bob', 'bob-pw');
    await first.must('chat:open', { accountId: acc.id, peer: `alice@${server.domain}` as BareJid });
    const profileDir = first.profileDir;
    await first.stop({ keepProfile: true });
    const db = new Database(path.join(profileDir, 'vireo.sqlite'));
    db.prepare(`UPDATE accounts SET secret_backend = 'keychain'`).run();
    db.close();

    const t = await startTestCore({ profileDir, secretBackend: 'none' });
    started.push(t);
    const mark = t.mark();
    const chats = await t.must('chats:list', {});
    expect(chats).toHaveLength(1);
    const status = await t.waitForEvent('omemo:status', (s) => s.accountId === acc.id, 10_000, mark);
    expect(status.state).toBe('unavailable');
    expect(status.problem).toEqual({ kind: 'no-key-store' });
    const updated = await t.waitForEvent('conversation:updated', (c) => c.id === chats[0]!.id && !!c.encryption?.notReady, 10_000, mark);
    expect(updated.encryption).toMatchObject({ notReady: status.problem, warning: status.problem });
    const own = await t.call('omemo:own', { accountId: acc.id });
    expect(own).toEqual({ ok: false, error: { code: 'omemo-unavailable', omemo: status.problem } });
  }, 60_000);
});

/** A keychain that takes `ms` to hand over the OMEMO storage key (one waiting for the user to unlock it). */
const slowOmemoKey =
  (ms: number) =>
  (store: SecretStore): SecretStore => ({
    ...store,
    backend: store.backend,
    async get(key) {
      if (key.startsWith('omemo-')) await new Promise((r) => setTimeout(r, ms));
      return store.get(key);
    },
  });

describe('OMEMO keys being prepared, said while it lasts', () => {
  /** This account's 'omemo:status' states in order, each with when it was pushed (ms, this process's clock). */
  function recordStatus(t: TestCore) {
    const seen: { state: string; at: number }[] = [];
    t.core.events.subscribe((name, payload) => {
      if (name === 'omemo:status') seen.push({ state: (payload as Events['omemo:status']).state, at: performance.now() });
    });
    return seen;
  }
  const preparingMs = (seen: { state: string; at: number }[]) => seen[1]!.at - seen[0]!.at;

  it('first sign-in: "preparing" while the keys are made, then "ready"; after a restart chats say it only when opening the keys takes a while (a slow keychain)', async (ctx) => {
    const first = await startTestCore();
    started.push(first);
    const made = recordStatus(first);
    const mark = first.mark();
    const acc = await addSyncedAccount(first, server, 'carol', 'carol-pw');
    await first.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000, mark);
    const statuses = first.events
      .slice(mark)
      .filter((e) => e.name === 'omemo:status')
      .map((e) => e.payload);
    // Preparing comes first, with no problem to show, and ready replaces it (publishing then keeps it ready).
    expect(statuses.slice(0, 2)).toEqual([
      { accountId: acc.id, state: 'preparing' },
      { accountId: acc.id, state: 'ready' },
    ]);
    expect(made.map((s) => s.state).slice(0, 2)).toEqual(['preparing', 'ready']);
    // Made for real: an identity key, a signed prekey and 100 prekeys, now published.
    await untilOmemoDevice(first, acc.id, `carol@${server.domain}`);
    const chat = await first.must('chat:open', { accountId: acc.id, peer: `dave@${server.domain}` as BareJid });
    expect(chat.encryption?.preparing).toBeUndefined();
    // The user keeps this chat encrypted; once Dave is looked up, the chat has its own trouble: he has no app that can decrypt.
    await first.must('chat:set-encryption', { conversationId: chat.id, mode: 'omemo' });
    const daves = await first.waitForEvent('conversation:updated', (c) => c.id === chat.id && !!c.encryption?.warning, 10_000, mark);
    expect(daves.encryption).toMatchObject({ mode: 'omemo', warning: { kind: 'no-devices', peer: expect.stringMatching(/^dave@/) } });
    ctx.annotate(`preparing on first sign-in (keys made): ${preparingMs(made).toFixed(0)} ms`);

    // A restart opens the keys again in a few milliseconds: chats are not told "preparing" for that
    // (no flash in every chat at every start), and the status still goes preparing → ready.
    const profileDir = first.profileDir;
    await first.stop({ keepProfile: true });
    started.splice(started.indexOf(first), 1);
    const quick = await startTestCore({ profileDir, start: false });
    started.push(quick);
    const opened = recordStatus(quick);
    await quick.core.start();
    await quick.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000);
    expect(opened.map((s) => s.state).slice(0, 2)).toEqual(['preparing', 'ready']);
    ctx.annotate(`preparing after a restart (keys opened): ${preparingMs(opened).toFixed(0)} ms`);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      quick.events.filter(
        (e) => e.name === 'conversation:updated' && !!(e.payload as Events['conversation:updated']).encryption?.preparing,
      ),
    ).toEqual([]);
    await quick.stop({ keepProfile: true });
    started.splice(started.indexOf(quick), 1);

    // A keychain that takes its time (one waiting for the user to unlock it): the chat shown before
    // says the keys are being prepared, not that something is wrong, then it clears.
    const slow = await startTestCore({ profileDir, start: false, wrapSecrets: slowOmemoKey(1500) });
    started.push(slow);
    await slow.core.start();
    const preparing = await slow.waitForEvent('conversation:updated', (c) => c.id === chat.id && !!c.encryption?.preparing, 20_000);
    expect(preparing.encryption?.mode).toBe('omemo');
    expect(preparing.encryption?.preparing).toBe(true);
    // Not a problem and nothing to act on: the lock is not "not ready", and the chat's warning stays Dave's.
    expect(preparing.encryption).not.toHaveProperty('notReady');
    expect(preparing.encryption?.warning).toEqual(daves.encryption?.warning);
    const after = slow.events.findIndex((e) => e.name === 'conversation:updated' && e.payload === preparing);
    await slow.waitForEvent('conversation:updated', (c) => c.id === chat.id && !c.encryption?.preparing, 20_000, after + 1);
    await slow.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000);
  }, 90_000);

  it('quitting while the keys are being opened waits for them: nothing fails, the same device at the next start', async () => {
    const first = await startTestCore();
    const acc = await addSyncedAccount(first, server, 'erin', 'erin-pw');
    await first.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000);
    const before = await first.must('omemo:own', { accountId: acc.id });
    const profileDir = first.profileDir;
    await first.stop({ keepProfile: true });

    // Vireo is closed while the keychain is still answering.
    const slow = await startTestCore({ profileDir, start: false, wrapSecrets: slowOmemoKey(1500) });
    const mark = slow.mark();
    await slow.core.start();
    await slow.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'preparing', 20_000, mark);
    await slow.stop({ keepProfile: true });
    const states = slow.events
      .slice(mark)
      .filter((e) => e.name === 'omemo:status')
      .map((e) => (e.payload as Events['omemo:status']).state);
    expect(states).toEqual(['preparing', 'ready']);

    const again = await startTestCore({ profileDir });
    started.push(again);
    await again.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000);
    const after = await again.must('omemo:own', { accountId: acc.id });
    expect({ deviceId: after.deviceId, fingerprint: after.fingerprint }).toEqual({
      deviceId: before.deviceId,
      fingerprint: before.fingerprint,
    });
  }, 90_000);

  it('removing an account deletes its OMEMO keys, sessions and trust from the database, and its storage key', async () => {
    let secrets: SecretStore | undefined;
    const t = await startTestCore({ wrapSecrets: (store) => (secrets = store) });
    started.push(t);
    const acc = await addSyncedAccount(t, server, 'gina', 'gina-pw');
    await t.waitForEvent('omemo:status', (s) => s.accountId === acc.id && s.state === 'ready', 20_000);
    await untilOmemoDevice(t, acc.id, `gina@${server.domain}`);
    const keyName = `omemo-storage-key:gina@${server.domain}`;
    expect(await secrets!.get(keyName)).toBeTruthy();
    const db = new Database(path.join(t.profileDir, 'vireo.sqlite'), { readonly: true });
    const tables = ['omemo_identity', 'omemo_prekeys', 'omemo_signed_prekeys', 'omemo_own_device', 'omemo_device_lists'];
    const rows = () =>
      Object.fromEntries(
        tables.map((tb) => [tb, (db.prepare(`SELECT count(*) AS n FROM ${tb} WHERE account_id = ?`).get(acc.id) as { n: number }).n]),
      );
    expect(Object.values(rows()).every((n) => n > 0)).toBe(true);

    await t.must('accounts:remove', { accountId: acc.id });
    expect(rows()).toEqual(Object.fromEntries(tables.map((tb) => [tb, 0])));
    expect(await secrets!.get(keyName)).toBeUndefined();
    db.close();
  }, 60_000);
});
