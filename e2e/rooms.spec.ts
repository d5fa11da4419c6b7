// Group rooms through the UI: Alice creates a room by joining it, Bob joins, they talk; the occupant
// list shows both with their roles. Real Prosody (with its MUC component), two cores, Chromium.
import { test, expect, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';

let server: ProsodyServer;
const hosts: { url: string; stop(): Promise<void>; profileDir: string }[] = [];

test.beforeAll(async () => {
  server = await startProsody();
  for (const [user, pw] of [['alice', 'alice-pw'], ['bob', 'bob-pw']] as const) {
    await server.register(user, pw);
    // Accounts are set up through the core (sign-in through the UI is covered by chat.spec.ts).
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-rooms-'));
    const setup = await startTestCore({ profileDir });
    await setup.must('accounts:add', { jid: `${user}@${server.domain}`, password: pw, manual: { host: '127.0.0.1', port: server.c2sPort }, pinnedCertificate: server.cert.fingerprint256 });
    await setup.stop({ keepProfile: true });
    hosts.push(await runBrowserHost({ profileDir, secretBackend: 'plain-file' }));
  }
});

test.afterAll(async () => {
  for (const h of hosts) {
    await h.stop();
    await rm(h.profileDir, { recursive: true, force: true });
  }
  await server?.stop();
});

async function joinRoom(page: Page, room: string, nick: string) {
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
  // Even when the catch-up finished before this page opened, it says so.
  await expect(page.getByTestId('sync-status')).toContainText('Up to date');
  await page.getByTestId('room-join-jid').fill(room);
  await page.getByTestId('room-join-nick').fill(nick);
  await page.getByTestId('room-join-submit').click();
  const item = page.locator(`[data-testid="room-item"][data-room="${room}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.click();
}

test('two people meet in a room and talk', async ({ browser }, testInfo) => {
  const room = `garden@${server.mucDomain}`;
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(hosts[0]!.url);
  await bob.goto(hosts[1]!.url);

  await joinRoom(alice, room, 'Alice');
  await joinRoom(bob, room, 'Bob');

  // Both are listed, Alice as the room's owner (she created it).
  await expect(alice.locator('[data-testid="occupant-item"][data-nick="Bob"]')).toBeVisible({ timeout: 15_000 });
  await expect(bob.locator('[data-testid="occupant-item"][data-nick="Alice"]')).toHaveAttribute('data-affiliation', 'owner');

  await alice.getByTestId('composer').fill('Welcome to the garden');
  await alice.getByTestId('composer').press('Enter');
  const inBob = bob.locator('[data-testid="message-item"][data-direction="in"]');
  await expect(inBob.getByTestId('message-body')).toHaveText('Welcome to the garden', { timeout: 15_000 });
  await expect(inBob.getByTestId('message-sender')).toHaveText('Alice');

  await bob.getByTestId('composer').fill('Thanks <3');
  await bob.getByTestId('send-button').click();
  await expect(alice.locator('[data-testid="message-item"][data-direction="in"]').getByTestId('message-body')).toHaveText('Thanks <3', { timeout: 15_000 });
  // Alice's own message appears once (the room's echo of it is recognised).
  await expect(alice.locator('[data-testid="message-item"][data-direction="out"]')).toHaveCount(1);

  await alice.screenshot({ path: testInfo.outputPath('room-alice.png'), fullPage: true });
  await testInfo.attach('room-alice', { path: testInfo.outputPath('room-alice.png'), contentType: 'image/png' });

  await bob.getByTestId('room-leave').click();
  await expect(alice.locator('[data-testid="occupant-item"][data-nick="Bob"]')).toHaveCount(0, { timeout: 15_000 });
});
