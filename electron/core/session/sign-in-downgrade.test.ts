// Integration: the strongest password mechanism a server offered is remembered per account, and a
// later offer of only weaker ones is refused until the user accepts it (issue #11 §5). A fake server
// plays the downgrade (a real one cannot be made to drop mechanisms); a real Prosody shows that a
// normal sign-in is remembered and signing in again still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSaslServer, type FakeSaslServer } from '../../../e2e/fixtures/fake-sasl-server.js';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountId } from '../../../shared/ids.js';

async function waitForStatus(t: TestCore, id: AccountId, status: string, code?: string, after = 0) {
  return t.waitForEvent(
    'connection:state',
    (s) => s.accountId === id && s.status === status && (code === undefined || s.error?.code === code),
    15_000,
    after,
  );
}

describe('a server that drops its safer sign-in', () => {
  let fake: FakeSaslServer;
  beforeAll(async () => {
    fake = await startFakeSaslServer({ users: { alice: 'alice-pw' }, offer: ['SCRAM-SHA-1'] });
  });
  afterAll(async () => fake?.stop());

  it('is refused without sending the password, also after a restart, until the user accepts the weaker sign-in', async () => {
    let t = await startTestCore();
    const profileDir = t.profileDir;
    try {
      const mark = t.mark();
      const acc = await t.must('accounts:add', {
        jid: `alice@${fake.domain}`,
        password: 'alice-pw',
        manual: { host: '127.0.0.1', port: fake.port, transport: 'direct-tls' },
        pinnedCertificate: fake.cert.fingerprint256,
      });
      await waitForStatus(t, acc.id, 'online', undefined, mark);
      expect(fake.auths.every((m) => m === 'SCRAM-SHA-1')).toBe(true);
      expect(t.core.accounts.get(acc.id)?.saslMechanism).toBe('SCRAM-SHA-1');

      // The server (or someone on the way) now offers only PLAIN, which would send the password itself.
      fake.offer = ['PLAIN'];
      await t.must('accounts:disconnect', { accountId: acc.id });
      let m = t.mark();
      await t.must('accounts:connect', { accountId: acc.id });
      const refused = await waitForStatus(t, acc.id, 'error', 'sasl-downgrade', m);
      expect(refused.error?.detail).toMatch(/offered PLAIN.*SCRAM-SHA-1 before/);
      expect(fake.auths).not.toContain('PLAIN');

      // The memory is on disk: a restarted Vireo refuses too, by itself.
      await t.stop({ keepProfile: true });
      t = await startTestCore({ profileDir, start: false });
      m = t.mark();
      await t.core.start();
      await waitForStatus(t, acc.id, 'error', 'sasl-downgrade', m);
      expect(fake.auths).not.toContain('PLAIN');

      // Only the explicit action lets the weaker sign-in through, and it is remembered as the new floor.
      m = t.mark();
      expect(await t.call('accounts:accept-weaker-sign-in', { accountId: acc.id })).toEqual({ ok: true, value: null });
      await waitForStatus(t, acc.id, 'online', undefined, m);
      expect(fake.auths.at(-1)).toBe('PLAIN');
      expect(t.core.accounts.get(acc.id)?.saslMechanism).toBe('PLAIN');

      // A server that offers SCRAM again raises the floor again.
      fake.offer = ['SCRAM-SHA-1', 'PLAIN'];
      await t.must('accounts:disconnect', { accountId: acc.id });
      m = t.mark();
      await t.must('accounts:connect', { accountId: acc.id });
      await waitForStatus(t, acc.id, 'online', undefined, m);
      expect(fake.auths.at(-1)).toBe('SCRAM-SHA-1');
      expect(t.core.accounts.get(acc.id)?.saslMechanism).toBe('SCRAM-SHA-1');
    } finally {
      await t.stop();
    }
  });

  it('says which account when the action names one that does not exist', async () => {
    const t = await startTestCore();
    try {
      expect(await t.call('accounts:accept-weaker-sign-in', { accountId: 'no-such-account' as AccountId })).toMatchObject({
        ok: false,
        error: { code: 'not-found' },
      });
    } finally {
      await t.stop();
    }
  });
});

describe('a normal sign-in on a real Prosody', () => {
  let server: ProsodyServer;
  beforeAll(async () => {
    server = await startProsody();
    await server.register('bob', 'bob-pw');
  });
  afterAll(async () => server?.stop());

  it('remembers the strongest mechanism Prosody offers, and signing in again still works', async () => {
    const t = await startTestCore();
    try {
      let m = t.mark();
      const acc = await t.must('accounts:add', {
        jid: `bob@${server.domain}`,
        password: 'bob-pw',
        manual: { host: '127.0.0.1', port: server.c2sPort },
        pinnedCertificate: server.cert.fingerprint256,
      });
      await waitForStatus(t, acc.id, 'online', undefined, m);
      // Prosody 0.12 with plain storage offers SCRAM-SHA-1, SCRAM-SHA-256 and PLAIN.
      expect(t.core.accounts.get(acc.id)?.saslMechanism).toBe('SCRAM-SHA-256');
      await t.must('accounts:disconnect', { accountId: acc.id });
      m = t.mark();
      await t.must('accounts:connect', { accountId: acc.id });
      await waitForStatus(t, acc.id, 'online', undefined, m);
      expect(t.core.accounts.get(acc.id)?.saslMechanism).toBe('SCRAM-SHA-256');
    } finally {
      await t.stop();
    }
  });
});
