// The last resort: an uncaught exception in a connection's code is logged, closes that connection only
// (it comes back), and the process keeps running; one in no connection's code is logged and survived.
// In a child process (e2e/fixtures/last-resort-child.ts): the test runner handles uncaught exceptions itself.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';

const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../e2e/fixtures/last-resort-child.ts');
let server: ProsodyServer;
let proc: ChildProcess | undefined;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'pw');
  await server.register('bob', 'pw');
});
afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
});

describe('last resort for an uncaught exception', () => {
  it('logs it, closes only the connection it came from (which comes back), and keeps the process', async () => {
    const alice = `alice@${server.domain}`;
    const bob = `bob@${server.domain}`;
    proc = spawn(process.execPath, ['--import', 'tsx', child, String(server.c2sPort), server.cert.fingerprint256, 'pw', alice, bob], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, VIREO_LOG: 'error' },
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines: {
      event?: string;
      payload?: { accountId?: string; status?: string; jid?: string }[] & { accountId?: string; status?: string };
      pong?: boolean;
    }[] = [];
    readline.createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        lines.push(JSON.parse(l));
      } catch {
        // not ours
      }
    });
    let exitCode: number | null = null;
    proc.once('exit', (code) => (exitCode = code));
    const states = (status: string) =>
      lines.filter((l) => l.event === 'connection:state' && l.payload?.status === status).map((l) => l.payload!.accountId);

    // Both accounts online, then the injected bug in Alice's connection fires.
    await expect.poll(() => new Set(states('online')).size, { timeout: 20_000 }).toBe(2);
    await expect
      .poll(() => stderr, { timeout: 5000 })
      .toMatch(/unexpected error \(please report it\); the connection of account \S+ was closed and reconnects/);
    expect(stderr).toMatch(/injected bug/);
    const accounts = lines.filter((l) => l.event === 'accounts:changed').at(-1)!.payload as unknown as { id: string; jid: string }[];
    const aliceId = accounts.find((a) => a.jid === alice)!.id;
    const bobId = accounts.find((a) => a.jid === bob)!.id;
    expect(stderr).toContain(`account ${aliceId}`);
    // Alice's connection was the one closed, and it is back; Bob's was never touched.
    await expect.poll(() => states('online').filter((id) => id === aliceId).length, { timeout: 10_000 }).toBe(2);
    expect(states('online').filter((id) => id === bobId)).toHaveLength(1);
    expect(
      lines.filter(
        (l) =>
          l.event === 'connection:state' &&
          l.payload?.accountId === bobId &&
          l.payload?.status !== 'online' &&
          l.payload?.status !== 'connecting',
      ),
    ).toEqual([]);

    // A throw in no connection's code: logged, nothing closed, the process still answers.
    proc.stdin!.write('throw-outside\n');
    await expect.poll(() => stderr, { timeout: 5000 }).toMatch(/injected bug outside any connection/);
    proc.stdin!.write('ping\n');
    await expect.poll(() => lines.some((l) => l.pong), { timeout: 5000 }).toBe(true);
    expect(exitCode).toBeNull();
  });
});
