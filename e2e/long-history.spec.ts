// A long history (issue #13): scrolling up through 2,000 stored messages reaches the first one while the
// page keeps a bounded number of them, and "Jump to newest" brings the reader back to the last one.
// Real parts: Prosody (it signs the reader in), Vireo's core and its database, Chromium.
import { test, expect } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore, type TestCore } from './fixtures/core-harness.js';
import { createIpcRouter } from '../electron/ipc/router.js';
import { startBrowserHost } from '../electron/host-web/server.js';
import { openDatabase } from '../electron/store/db.js';
import { createMessagesRepo, type NewMessage } from '../electron/store/messages-repo.js';

const MESSAGES = 2000;
/** At most this many messages in the page at any time (the list's window, with room to spare). */
const BOUND = 300;

let server: ProsodyServer;
let vireo: TestCore;
let host: { url: string; close(): Promise<void> };
let profileDir: string;
let peer: string;

test.beforeAll(async () => {
  server = await startProsody();
  await server.register('reader', 'reader-pw');
  await server.register('bob', 'bob-pw');
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-long-'));
  vireo = await startTestCore({ profileDir });
  const account = await vireo.must('accounts:add', {
    jid: `reader@${server.domain}`,
    password: 'reader-pw',
    manual: { host: server.host, port: server.c2sPort },
    pinnedCertificate: server.cert.fingerprint256,
  });
  await vireo.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
  peer = `bob@${server.domain}`;
  const conv = await vireo.must('chat:open', { accountId: account.id, peer: peer as never });
  // The history, written as the core stores an archive: message i says "#i …".
  const db = openDatabase(profileDir);
  const repo = createMessagesRepo(db);
  const start = Date.now() - MESSAGES * 5 * 60_000;
  db.transaction(() => {
    for (let i = 0; i < MESSAGES; i++) {
      const timestamp = start + i * 5 * 60_000;
      const m = {
        conversationId: conv.id,
        direction: i % 3 === 0 ? 'out' : 'in',
        body: `#${i} message number ${i}`,
        timestamp,
        state: 'delivered',
        sortKey: timestamp,
      } as NewMessage;
      repo.add(account.id, peer, m, { countUnread: false });
    }
  })();
  repo.setArchiveComplete(conv.id);
  db.close();
  host = await startBrowserHost({
    router: createIpcRouter(vireo.core.handlers),
    events: vireo.core.events,
    rendererDir: path.resolve('dist/renderer'),
  });
});

test.afterAll(async () => {
  await host?.close();
  await vireo?.stop({ keepProfile: true });
  await rm(profileDir, { recursive: true, force: true });
  await server?.stop();
});

test('scrolling up through 2,000 messages keeps the page bounded, reaches the first, and Jump to newest goes back', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(host.url);
  await page.locator(`[data-testid="chat-item"][data-peer="${peer}"] button`).click();
  const bodies = page.getByTestId('message-body');
  await expect(bodies.last()).toHaveText(`#${MESSAGES - 1} message number ${MESSAGES - 1}`);
  await expect(page.getByTestId('jump-to-newest')).toHaveCount(0);

  const scroller = page.getByTestId('message-scroller');
  await scroller.hover();
  let most = 0;
  await expect(async () => {
    await page.mouse.wheel(0, -20_000);
    most = Math.max(most, await bodies.count());
    await expect(bodies.first()).toHaveText('#0 message number 0', { timeout: 500 });
  }).toPass({ timeout: 150_000, intervals: [100] });
  expect(most).toBeLessThanOrEqual(BOUND);
  expect(await bodies.count()).toBeLessThanOrEqual(BOUND);

  // Far up: the newest are not even loaded; the button brings them back.
  const jump = page.getByTestId('jump-to-newest');
  await expect(jump).toBeVisible();
  await jump.click();
  await expect(bodies.last()).toHaveText(`#${MESSAGES - 1} message number ${MESSAGES - 1}`);
  await expect(bodies.last()).toBeInViewport();
  expect(await bodies.count()).toBeLessThanOrEqual(BOUND);
  await expect(jump).toHaveCount(0);
});
