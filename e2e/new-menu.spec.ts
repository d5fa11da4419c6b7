// The "+" (New) menu against a real Prosody, one core per person, Chromium:
// - a room created from it carries its name, is persistent, and is members-only or public as asked
//   (the room says so about itself, and a stranger is turned away from the members-only one);
// - Browse rooms lists the public one for someone else, who joins it from the dialog;
// - Start a chat with a typed address opens that chat; Escape closes a dialog and the focus returns
//   to the "+" button.
import { test, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';

type Host = Awaited<ReturnType<typeof runBrowserHost>>;
const USERS = ['alice', 'bob'] as const;
type User = (typeof USERS)[number];

let server: ProsodyServer;
const hosts = new Map<User, Host>();

/** A browser host signed in as `user` (sign-in through the UI is covered by chat.spec.ts). */
async function startHost(user: User): Promise<Host> {
  const password = `${user}-pw`;
  await server.register(user, password);
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-new-'));
  const setup = await startTestCore({ profileDir });
  await setup.must('accounts:add', {
    jid: `${user}@${server.domain}`,
    password,
    manual: { host: '127.0.0.1', port: server.c2sPort },
    pinnedCertificate: server.cert.fingerprint256,
  });
  await setup.stop({ keepProfile: true });
  return runBrowserHost({ profileDir, secretBackend: 'plain-file' });
}

test.beforeAll(async () => {
  server = await startProsody();
  for (const user of USERS) hosts.set(user, await startHost(user));
});

test.afterAll(async () => {
  for (const h of hosts.values()) {
    await h.stop();
    await rm(h.profileDir, { recursive: true, force: true });
  }
  await server?.stop();
});

async function open(browser: Browser, user: User): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(hosts.get(user)!.url);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
  await expect(page.getByTestId('new-menu')).toBeVisible({ timeout: 20_000 });
  return page;
}

async function newMenu(page: Page, item: string) {
  await page.getByTestId('new-menu').click();
  await page.getByTestId(item).click();
}

async function createRoom(page: Page, name: string, access: 'public' | 'members') {
  await newMenu(page, 'new-create-room');
  const dialog = page.getByTestId('create-room-dialog');
  await expect(dialog.getByTestId('create-room-name')).toBeFocused();
  // The account's group-chat service is found by itself.
  await expect(dialog.getByTestId('create-room-service')).toHaveValue(server.mucDomain, { timeout: 15_000 });
  await dialog.getByTestId('create-room-name').fill(name);
  await dialog.getByTestId(access === 'public' ? 'create-room-public' : 'create-room-members').check();
  const local = await dialog.getByTestId('create-room-address').inputValue();
  await dialog.getByTestId('create-room-submit').click();
  await expect(dialog).toHaveCount(0, { timeout: 15_000 });
  // The toast of a room created just before may still be showing (toasts stay about 4 s): look for this one.
  await expect(page.getByTestId('toast').filter({ hasText: `Room “${name}” created` })).toBeVisible();
  return `${local}@${server.mucDomain}`;
}

async function about(page: Page) {
  await page.getByTestId('room-about-toggle').click();
  return page.getByTestId('room-info');
}

async function shots(page: Page, name: string, testInfo: TestInfo) {
  for (const [width, scheme] of [
    [1280, 'light'],
    [1280, 'dark'],
    [400, 'light'],
    [400, 'dark'],
  ] as const) {
    await page.setViewportSize({ width, height: 720 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}-${scheme}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a room created from the + menu has its name, stays, and lets in whom it was asked to', async ({ browser }, testInfo) => {
  const alice = await open(browser, 'alice');
  const bob = await open(browser, 'bob');

  // Members only: it opens for Alice with its name, persistent and unlisted…
  const club = await createRoom(alice, 'Garden Club', 'members');
  expect(club).toBe(`garden-club@${server.mucDomain}`);
  await expect(alice.locator(`[data-testid="chat-item"][data-room="${club}"]`)).toContainText('Garden Club');
  const info = await about(alice);
  await expect(info.getByTestId('room-info-name')).toHaveText('Garden Club', { timeout: 15_000 });
  await expect(info.getByTestId('room-info-features')).toContainText('Members only');
  await expect(info.getByTestId('room-info-features')).toContainText('Persistent');
  await expect(info.getByTestId('room-info-features')).toContainText('Not listed in the directory');

  // …and Bob, who is not a member, is told so in words, with the way out, in the Join dialog.
  await newMenu(bob, 'new-join-room');
  const join = bob.getByTestId('join-room-dialog');
  await join.getByTestId('room-join-jid').fill(club);
  await join.getByTestId('room-join-submit').click();
  await expect(join.getByTestId('room-join-error')).toContainText('Only members can enter this room.', { timeout: 15_000 });
  await expect(join.getByTestId('room-join-error')).toContainText('Ask a room admin to add you.');
  await shots(bob, 'join-room-error', testInfo);
  await bob.keyboard.press('Escape');
  await expect(join).toHaveCount(0);
  await expect(bob.getByTestId('new-menu')).toBeFocused();

  // Public: listed, so Bob finds it under Browse rooms and joins it from there.
  const terrace = await createRoom(alice, 'Sunny Terrace', 'public');
  const info2 = await about(alice);
  await expect(info2.getByTestId('room-info-features')).toContainText('Listed in the directory', { timeout: 15_000 });
  await expect(info2.getByTestId('room-info-features')).toContainText('Persistent');
  await newMenu(bob, 'new-browse-rooms');
  const browse = bob.getByTestId('browse-rooms-dialog');
  const listed = browse.locator(`[data-testid="room-browser-item"][data-room="${terrace}"]`);
  await expect(listed).toContainText('Sunny Terrace', { timeout: 15_000 });
  await expect(browse.locator(`[data-testid="room-browser-item"][data-room="${club}"]`)).toHaveCount(0);
  await listed.getByRole('button').first().click();
  await shots(bob, 'browse-rooms', testInfo);
  await browse.getByTestId('room-browser-join').click();
  await expect(browse).toHaveCount(0, { timeout: 15_000 });
  await expect(bob.locator(`[data-testid="chat-item"][data-room="${terrace}"]`)).toBeVisible({ timeout: 15_000 });
  // Bob is in it, with Alice (who created it, under her account's name).
  await expect(bob.locator(`[data-testid="occupant-item"][data-nick="alice"]`)).toBeVisible({ timeout: 15_000 });
});

test('Start a chat opens a chat with a typed address', async ({ browser }, testInfo) => {
  const bob = await open(browser, 'bob');
  await newMenu(bob, 'new-chat');
  const dialog = bob.getByTestId('start-chat-dialog');
  await expect(dialog.getByTestId('start-chat-query')).toBeFocused();
  await dialog.getByTestId('start-chat-query').fill(`alice@${server.domain}`);
  await expect(dialog.getByTestId('start-chat-address')).toContainText(`alice@${server.domain}`);
  await shots(bob, 'start-chat', testInfo);
  await dialog.getByTestId('start-chat-query').press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(bob.getByTestId('chat-view')).toBeVisible();
  await expect(bob.locator(`[data-testid="chat-item"][data-peer="alice@${server.domain}"]`)).toBeVisible();
});
