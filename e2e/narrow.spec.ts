// A narrow window (400 × 600), light and dark: one region at a time. Alice signs in through the UI, joins
// a room from "+", writes in it, opens the room's people as a full-width panel and closes it, and goes back
// to the list with the conversation header's Back button. At every step nothing scrolls sideways and the
// composer keeps at least 300 px. Real parts only: Prosody, a Vireo core behind the browser host, Chromium.
import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { runBrowserHost } from '../electron/host-web/cli.js';

let server: ProsodyServer;
let host: Awaited<ReturnType<typeof runBrowserHost>>;
const SIZE = { width: 400, height: 600 };

test.beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-narrow-'));
  host = await runBrowserHost({ profileDir, secretBackend: 'plain-file' });
});

test.afterAll(async () => {
  await host?.stop();
  if (host) await rm(host.profileDir, { recursive: true, force: true });
  await server?.stop();
});

/** Signs in as chat.spec.ts does: address, password, the test server's host and port, its certificate trusted. */
async function signIn(page: Page) {
  await page.getByTestId('signin-jid').fill(`alice@${server.domain}`);
  await page.getByTestId('signin-password').fill('alice-pw');
  await page.getByTestId('signin-advanced').click();
  await page.getByTestId('signin-host').fill('127.0.0.1');
  await page.getByTestId('signin-port').fill(String(server.c2sPort));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('cert-dialog')).toBeVisible();
  await page.getByTestId('cert-trust').click();
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
}

/** Nothing scrolls sideways: the page is no wider than the window. */
async function expectNoSideways(page: Page) {
  const { scrollWidth, clientWidth } = await page.locator('html').evaluate((html) => {
    const el = html.ownerDocument.scrollingElement!;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  });
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** In the room: write, open the people (they cover the conversation) and close them, then Back to the list. */
async function talkThenBack(page: Page, room: string, text: string, scheme: string, testInfo: TestInfo) {
  const item = page.locator(`[data-testid="chat-item"][data-room="${room}"]`);
  // One region: the conversation alone, the list hidden.
  await expect(page.getByTestId('chat-view')).toBeVisible();
  await expect(item).toBeHidden();
  await expectNoSideways(page);
  const composer = page.getByTestId('composer');
  expect((await composer.boundingBox())!.width).toBeGreaterThanOrEqual(300);

  await composer.fill(text);
  await composer.press('Enter');
  const sent = page.locator('[data-testid="message-item"][data-direction="out"]').getByTestId('message-body');
  await expect(sent.last()).toHaveText(text, { timeout: 15_000 });
  await expectNoSideways(page);
  await shot(page, testInfo, `narrow-${scheme}-room`);

  // The people of the room: a panel over the whole width, then closed again.
  const toggle = page.getByTestId('occupant-toggle');
  await toggle.click();
  const people = page.locator('#occupants');
  await expect(people).toBeVisible();
  await expect(people.locator('[data-testid="occupant-item"][data-nick="Alice"]')).toBeVisible();
  expect((await people.boundingBox())!.width).toBeGreaterThanOrEqual(SIZE.width - 1);
  await expectNoSideways(page);
  await shot(page, testInfo, `narrow-${scheme}-people`);
  await toggle.click();
  await expect(people).toHaveCount(0);
  await expect(composer).toBeVisible();

  // Back: the list alone, the keyboard on the room's row.
  await page.getByTestId('chat-back').click();
  await expect(page.getByTestId('chat-view')).toHaveCount(0);
  await expect(item).toBeVisible();
  await expect(item.getByRole('button')).toBeFocused();
  await expect(item.getByTestId('chat-preview')).toContainText(`You: ${text}`);
  await expectNoSideways(page);
  await shot(page, testInfo, `narrow-${scheme}-list`);
}

test('at 400 × 600 (light): sign in, join a room, write, see its people and go back', async ({ browser }, testInfo) => {
  const room = `narrow@${server.mucDomain}`;
  const page = await (await browser.newContext({ viewport: SIZE, colorScheme: 'light' })).newPage();
  await page.goto(host.url);
  await expectNoSideways(page);
  await signIn(page);
  await expectNoSideways(page);
  // Nothing yet: the list says so and offers the way in.
  await expect(page.getByTestId('list-empty')).toContainText('No chats yet');
  await shot(page, testInfo, 'narrow-light-empty');

  await page.getByTestId('new-menu').click();
  await page.getByTestId('new-join-room').click();
  const dialog = page.getByTestId('join-room-dialog');
  await dialog.getByTestId('room-join-jid').fill(room);
  await dialog.getByTestId('room-join-nick').fill('Alice');
  await expectNoSideways(page);
  await dialog.getByTestId('room-join-submit').click();
  await expect(dialog).toHaveCount(0, { timeout: 15_000 });

  await talkThenBack(page, room, 'Hello from a small window', 'light', testInfo);
  await page.context().close();
});

test('at 400 × 600 (dark): open the room from the list, write, see its people and go back', async ({ browser }, testInfo) => {
  const room = `narrow@${server.mucDomain}`;
  const page = await (await browser.newContext({ viewport: SIZE, colorScheme: 'dark' })).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
  // The dark theme is the one in use.
  expect(await page.locator('body').evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor)).not.toBe(
    'rgb(255, 255, 255)',
  );
  const item = page.locator(`[data-testid="chat-item"][data-room="${room}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expectNoSideways(page);
  await item.click();
  await talkThenBack(page, room, 'And again, in the dark', 'dark', testInfo);
  await page.context().close();
});
