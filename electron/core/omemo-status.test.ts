// Integration: when this device's OMEMO cannot work, the user is told before anything fails — in
// 'omemo:status', in 'omemo:own' and in every one-to-one chat's lock (ChatEncryptionView.notReady).
// Real cases on a real Prosody: the server refuses the keys (PEP switched off), and no safe place for
// the keys (the keychain that held this account's secrets is gone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { startProsody, type ProsodyServer } from '../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../e2e/fixtures/core-harness.js';
import type { BareJid } from '../../shared/ids.js';

let server: ProsodyServer;
const started: TestCore[] = [];
const BOB = () => `bob@${server.domain}` as BareJid;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
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
    expect(status.problem).toMatch(/contacts cannot send encrypted messages to this device/i);

    const own = await t.must('omemo:own', { accountId: acc.id });
    expect(own.problem).toBe(status.problem);
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
    expect(status.problem).toMatch(/no safe place to keep this account’s encryption keys/);
    const updated = await t.waitForEvent('conversation:updated', (c) => c.id === chats[0]!.id && !!c.encryption?.notReady, 10_000, mark);
    expect(updated.encryption).toMatchObject({ notReady: status.problem, warning: status.problem });
    const own = await t.call('omemo:own', { accountId: acc.id });
    expect(own).toEqual({ ok: false, error: { code: 'omemo-unavailable', detail: status.problem } });
  }, 60_000);
});
