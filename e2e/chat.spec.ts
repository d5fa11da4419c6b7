// Two people sign in through the UI, trust the server's certificate after seeing its fingerprint,
// add each other, and chat. Real parts only: Prosody, two Vireo cores, Chromium.
import { test, expect, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { runBrowserHost } from '../electron/host-web/cli.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

let server: ProsodyServer;
const hosts: { url: string; stop(): Promise<void>; profileDir: string }[] = [];

test.beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
  for (let i = 0; i < 2; i++) {
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-'));
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

async function signIn(page: Page, user: string, password: string) {
  await page.getByTestId('signin-jid').fill(`${user}@${server.domain}`);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-advanced').click();
  await page.getByTestId('signin-host').fill('127.0.0.1');
  await page.getByTestId('signin-port').fill(String(server.c2sPort));
  await page.getByTestId('signin-submit').click();
  // A self-signed test server: Vireo refuses it and shows what it would be trusting.
  const dialog = page.getByTestId('cert-dialog');
  await expect(dialog).toBeVisible();
  const shown = (await page.getByTestId('cert-fingerprint').innerText()).replace(/[^0-9A-F]/gi, '').toUpperCase();
  expect(shown).toBe(server.cert.fingerprint256.replace(/:/g, ''));
  await page.getByTestId('cert-trust').click();
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
}

/** The "+" (New) menu, then one of its entries. */
async function newMenu(
  page: Page,
  item: 'new-chat' | 'new-contact' | 'new-join-room' | 'new-create-room' | 'new-browse-rooms' | 'new-contacts',
) {
  await page.getByTestId('new-menu').click();
  await page.getByTestId(item).click();
}

test('two people sign in, add each other and chat', async ({ browser }, testInfo) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(hosts[0]!.url);
  await bob.goto(hosts[1]!.url);

  await signIn(alice, 'alice', 'alice-pw');
  await signIn(bob, 'bob', 'bob-pw');

  // Alice adds Bob ("+" → Add contact); their chat opens and a toast says so. Bob sees the request
  // as one row on top of his list, opens it and accepts.
  await newMenu(alice, 'new-contact');
  const add = alice.getByTestId('add-contact-dialog');
  await expect(add.getByTestId('add-contact-jid')).toBeFocused();
  await add.getByTestId('add-contact-jid').fill(`bob@${server.domain}`);
  await add.getByTestId('add-contact-name').fill('Bob');
  await add.getByTestId('add-contact-submit').click();
  await expect(add).toHaveCount(0);
  await expect(alice.getByTestId('toast')).toHaveText(/Bob added/);
  await expect(alice.getByTestId('chat-view')).toBeVisible();
  await expect(bob.getByTestId('pending-row')).toContainText('1 contact request', { timeout: 15_000 });
  await bob.getByTestId('pending-row').click();
  const request = bob.locator(`[data-testid="request-item"][data-jid="alice@${server.domain}"]`);
  await expect(request).toBeVisible({ timeout: 15_000 });
  for (const [width, scheme] of [
    [1280, 'light'],
    [1280, 'dark'],
    [400, 'light'],
    [400, 'dark'],
  ] as const) {
    await bob.setViewportSize({ width, height: 720 });
    await bob.emulateMedia({ colorScheme: scheme });
    await bob.screenshot({ path: testInfo.outputPath(`pending-dialog-${width}-${scheme}.png`) });
  }
  await bob.setViewportSize({ width: 1280, height: 720 });
  await bob.emulateMedia({ colorScheme: 'light' });
  await request.getByTestId('request-accept').click();
  await expect(request).toHaveCount(0);
  await expect(bob.getByTestId('pending-row')).toHaveCount(0);

  // Both see each other as contacts, online ("+" → Contacts).
  await newMenu(alice, 'new-contacts');
  const bobInAlice = alice.locator(`[data-testid="contact-item"][data-jid="bob@${server.domain}"]`);
  await expect(bobInAlice).toContainText('Bob');
  await expect(bobInAlice).toContainText(/online/i, { timeout: 15_000 });
  await newMenu(bob, 'new-contacts');
  const aliceInBob = bob.locator(`[data-testid="contact-item"][data-jid="alice@${server.domain}"]`);
  await expect(aliceInBob).toContainText(/online/i, { timeout: 15_000 });
  await bob.keyboard.press('Escape');
  await expect(bob.getByTestId('contacts-dialog')).toHaveCount(0);

  // Alice writes; text that looks like HTML stays text.
  await bobInAlice.click();
  await expect(alice.getByTestId('contacts-dialog')).toHaveCount(0);
  await expect(alice.getByTestId('chat-view')).toBeVisible();
  await alice.getByTestId('composer').fill('Hello Bob <img src=x onerror=alert(1)>');
  await alice.getByTestId('composer').press('Enter');
  const sent = alice.locator('[data-testid="message-item"][data-direction="out"]');
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId('message-body')).toHaveText('Hello Bob <img src=x onerror=alert(1)>');
  await expect(sent).toHaveAttribute('data-state', /^(sent|delivered|read)$/);

  // Bob sees an unread chat, opens it, reads and answers.
  const chatInBob = bob.locator(`[data-testid="chat-item"][data-peer="alice@${server.domain}"]`);
  await expect(chatInBob.getByTestId('chat-unread')).toHaveText('1', { timeout: 15_000 });
  await chatInBob.click();
  const received = bob.locator('[data-testid="message-item"][data-direction="in"]');
  await expect(received.getByTestId('message-body')).toHaveText('Hello Bob <img src=x onerror=alert(1)>');
  await expect(bob.locator('[data-testid="chat-view"] img')).toHaveCount(0);
  await expect(chatInBob.getByTestId('chat-unread')).toHaveCount(0);
  // Bob has read it: Alice sees that (XEP-0333 displayed marker), and the chat says it is up to date.
  await expect(sent).toHaveAttribute('data-state', 'read', { timeout: 15_000 });
  // Caught up: the account's details say so (the account row stays quiet).
  await alice.getByTestId('account-button').click();
  await expect(alice.getByTestId('account-details').getByTestId('sync-status')).toContainText('Up to date');
  await alice.getByTestId('account-button').click();
  await bob.getByTestId('composer').fill('Hi Alice!');
  await bob.getByTestId('send-button').click();
  await expect(alice.locator('[data-testid="message-item"][data-direction="in"]').getByTestId('message-body')).toHaveText('Hi Alice!', {
    timeout: 15_000,
  });

  await alice.screenshot({ path: testInfo.outputPath('chat-alice.png'), fullPage: true });
  await bob.screenshot({ path: testInfo.outputPath('chat-bob.png'), fullPage: true });

  // A message longer than one message can hold is said before sending, and nothing is lost: the text
  // stays, Send is off (chat:send takes at most 100,000 characters).
  await alice.getByTestId('composer').fill('x'.repeat(100_050));
  await expect(alice.getByTestId('composer-length')).toContainText('Shorten it by 50 characters');
  await expect(alice.getByTestId('send-button')).toBeDisabled();
  for (const [width, scheme] of [
    [1280, 'light'],
    [1280, 'dark'],
    [400, 'light'],
    [400, 'dark'],
  ] as const) {
    await alice.setViewportSize({ width, height: 720 });
    await alice.emulateMedia({ colorScheme: scheme });
    await alice.screenshot({ path: testInfo.outputPath(`composer-too-long-${width}-${scheme}.png`) });
  }
  await alice.getByTestId('composer').fill('x'.repeat(99_990));
  await expect(alice.getByTestId('composer-length')).toHaveText(/10 characters left/);
  await expect(alice.getByTestId('send-button')).toBeEnabled();
  await alice.getByTestId('composer').fill('');
  await testInfo.attach('chat-alice', { path: testInfo.outputPath('chat-alice.png'), contentType: 'image/png' });
});

test('history is shown from the database after a restart', async ({ browser }) => {
  // Restart Alice's core on the same profile: the chat is there at once, from SQLite.
  const old = hosts[0]!;
  await old.stop();
  hosts[0] = await runBrowserHost({ profileDir: old.profileDir, secretBackend: 'plain-file' });
  const page = await (await browser.newContext()).newPage();
  await page.goto(hosts[0]!.url);
  const chat = page.locator(`[data-testid="chat-item"][data-peer="bob@${server.domain}"]`);
  await expect(chat).toBeVisible();
  await chat.click();
  await expect(page.locator('[data-testid="message-item"]').getByTestId('message-body')).toHaveText([
    'Hello Bob <img src=x onerror=alert(1)>',
    'Hi Alice!',
  ]);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
});
