// OMEMO (XEP-0384) in one-to-one chats, through the UI: Alice and Bob, each in their own Vireo (own
// profile, own browser host), chat encrypted by default; they verify each other — Alice by comparing
// fingerprints, Bob by pasting Alice's verification link; a plain-text message slipped into the
// encrypted chat is shown with a warning. Real parts only: Prosody, two Vireo cores, Chromium, and a
// raw XMPP client for the injected message.
import { test, expect, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore, type TestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';
import { closeClient, createXmppClient } from '../electron/xmpp/client.js';
import type { AccountView } from '../shared/views.js';

let server: ProsodyServer;
const hosts: { url: string; stop(): Promise<void>; profileDir: string }[] = [];
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

/** What a fingerprint looks like on screen: 64 hex digits in 8 groups of 8. */
const FINGERPRINT = /^[0-9a-f]{8}( [0-9a-f]{8}){7}$/;
const fingerprintText = async (page: Page, testId: string, within = page.locator(':root')) =>
  (await within.getByTestId(testId).innerText()).trim().replace(/\s+/g, ' ');

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startProsody();
  // Accounts and the mutual subscription are set up through the core (sign-in and adding a contact
  // through the UI are covered by chat.spec.ts).
  const setups: { t: TestCore; acc: AccountView }[] = [];
  for (const [user, pw] of [
    ['alice', 'alice-pw'],
    ['bob', 'bob-pw'],
  ] as const) {
    await server.register(user, pw);
    const t = await startTestCore({ profileDir: await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-omemo-')) });
    const acc = await t.must('accounts:add', {
      jid: `${user}@${server.domain}`,
      password: pw,
      manual: { host: '127.0.0.1', port: server.c2sPort },
      pinnedCertificate: server.cert.fingerprint256,
    });
    await t.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 30_000);
    setups.push({ t, acc });
  }
  const [a, b] = setups as [(typeof setups)[0], (typeof setups)[0]];
  const mark = b.t.mark();
  await a.t.must('roster:add', { accountId: a.acc.id, jid: BOB(), name: 'Bob' });
  await b.t.waitForEvent('roster:requests', (r) => r.requests.some((q) => q.jid === ALICE()), 30_000, mark);
  await b.t.must('roster:accept', { accountId: b.acc.id, jid: ALICE() });
  await a.t.waitForEvent('roster:changed', (r) => r.contacts.some((c) => c.jid === BOB() && c.subscription === 'both'), 30_000);
  for (const s of setups) {
    await s.t.stop({ keepProfile: true });
    hosts.push(await runBrowserHost({ profileDir: s.t.profileDir, secretBackend: 'plain-file' }));
  }
});

test.afterAll(async () => {
  for (const h of hosts) {
    await h.stop();
    await rm(h.profileDir, { recursive: true, force: true });
  }
  await server?.stop();
});

async function openChat(page: Page, peer: string) {
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 30_000 });
  // "+" → Contacts, then the contact: the dialog closes and their chat opens.
  await page.getByTestId('new-menu').click();
  await page.getByTestId('new-contacts').click();
  await page.locator(`[data-testid="contact-item"][data-jid="${peer}"]`).click();
  await expect(page.getByTestId('chat-view')).toBeVisible();
}

/**
 * A received encrypted message's lock, as a screen reader names it: the sender's device and how far it
 * was trusted when the message arrived (words of renderer/src/lib/omemo-text.ts, in lower case).
 */
const lockOf = (deviceId: string, trust: 'trusted, not verified' | 'verified') =>
  `Encrypted by device ${deviceId} (${trust}). Show this device`;

/**
 * Our own encrypted messages: a lock that names no device (it was this one), as a picture with words, not
 * a button; the same on every message we sent.
 */
async function expectOwnLocks(page: Page, count: number) {
  const sent = page.locator('[data-testid="message-item"][data-direction="out"]');
  const locks = sent.getByTestId('message-lock');
  await expect(locks).toHaveCount(count);
  for (const lock of await locks.all()) {
    await expect(lock).toHaveRole('img');
    await expect(lock).toHaveAccessibleName('Encrypted');
    await expect(lock).toHaveAttribute('title', 'End-to-end encrypted (OMEMO)');
    await expect(lock).not.toHaveAttribute('data-device-id');
  }
  await expect(sent.getByRole('button', { name: /device/i })).toHaveCount(0);
}

/**
 * After a click on a message's lock: the chat's devices panel is open on the contact's device that sent
 * it — listed, marked as the current one (the only one), focused and in view — with its trust now.
 */
async function expectDeviceShown(page: Page, deviceId: string, trustNow: string) {
  const panel = page.getByTestId('devices-panel');
  await expect(panel).toBeVisible();
  const row = panel.locator(`[data-testid="device-row"][data-device-id="${deviceId}"]`);
  await expect(row).toHaveAccessibleName(`Device ${deviceId}`);
  await expect(row).toBeFocused();
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(panel.locator('[data-testid="device-row"][aria-current="true"]')).toHaveCount(1);
  await expect(row).toBeInViewport();
  await expect(row.getByTestId('device-trust-state')).toHaveText(trustNow);
  await expect(panel.getByTestId('device-not-listed')).toHaveCount(0);
  return panel;
}

/** Opens the devices panel (closing it first if it is open, so that it looks the devices up again). */
async function reopenDevices(page: Page) {
  const panel = page.getByTestId('devices-panel');
  if (await panel.isVisible()) {
    await page.getByTestId('devices-close').click();
    await expect(panel).toHaveCount(0);
  }
  await page.getByTestId('devices-button').click();
  await expect(panel).toBeVisible();
  return panel;
}

test('Alice and Bob chat encrypted, verify each other, and see a plain-text message flagged', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(hosts[0]!.url);
  await bob.goto(hosts[1]!.url);
  await openChat(alice, BOB());
  await openChat(bob, ALICE());

  // Bob's own device, as his panel shows it (published by his core in the background after sign-in).
  const bobPanel = await reopenDevices(bob);
  await expect(bobPanel.getByTestId('own-fingerprint')).toBeVisible({ timeout: 30_000 });
  const bobOwnFingerprint = await fingerprintText(bob, 'own-fingerprint', bobPanel);
  expect(bobOwnFingerprint).toMatch(FINGERPRINT);
  const bobUri = await bobPanel.getByTestId('own-uri').inputValue();
  const bobDeviceId = /omemo-sid-(\d+)=/.exec(bobUri)?.[1];
  expect(bobDeviceId, `device id in ${bobUri}`).toBeTruthy();

  // (1) Alice's chat with Bob is encrypted; once Bob's device is published she sees it with its fingerprint.
  await expect(alice.getByTestId('encryption-toggle')).toHaveAttribute('data-mode', 'omemo');
  const bobRowInAlice = alice.locator(`[data-testid="device-row"][data-device-id="${bobDeviceId}"]`);
  await expect(async () => {
    const panel = await reopenDevices(alice);
    await expect(
      panel.locator(`[data-testid="device-row"][data-device-id="${bobDeviceId}"]`).getByTestId('device-fingerprint'),
    ).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000, intervals: [1_000, 2_000, 3_000] });
  await expect(alice.getByTestId('encryption-toggle')).toHaveAttribute('data-mode', 'omemo');
  await expect(alice.getByTestId('encryption-toggle')).toContainText('Encrypted');
  // Alice's own device id, as her panel shows it ("This device (device 1234)").
  const alicePanel = alice.getByTestId('devices-panel');
  const aliceOwnHeading = alicePanel.getByRole('heading', { name: /^This device/ });
  await expect(aliceOwnHeading).toHaveText(/^This device \(device \d+\)$/, { timeout: 30_000 });
  const aliceDeviceId = /\(device (\d+)\)/.exec(await aliceOwnHeading.innerText())![1]!;

  // (2) Alice writes; Bob reads it with the lock and no warning.
  await alice.getByTestId('composer').fill('Our secret garden');
  await alice.getByTestId('composer').press('Enter');
  const sent = alice.locator('[data-testid="message-item"][data-direction="out"]');
  await expect(sent.getByTestId('message-body')).toHaveText('Our secret garden');
  await expect(sent.getByTestId('message-lock')).toBeVisible();
  await expect(sent).toHaveAttribute('data-state', /^(sent|delivered|read)$/, { timeout: 30_000 });
  const inBob = bob.locator('[data-testid="message-item"][data-direction="in"]');
  await expect(inBob.getByTestId('message-body')).toHaveText('Our secret garden', { timeout: 30_000 });
  await expect(inBob.getByTestId('message-lock')).toBeVisible();
  await expect(inBob.getByTestId('message-warning')).toHaveCount(0);
  // Its lock names Alice's device and its trust on arrival: Bob has verified none of her devices, so it
  // was trusted blindly (BTBV, electron/core/omemo/omemo-trust.ts) — trusted, not verified. Hers names no device.
  const firstLock = inBob.getByRole('button', { name: lockOf(aliceDeviceId, 'trusted, not verified'), exact: true });
  await expect(firstLock).toBeVisible();
  await expect(firstLock).toHaveAttribute(
    'title',
    `Encrypted by device ${aliceDeviceId} (trusted, not verified). Click to show this device.`,
  );
  await expectOwnLocks(alice, 1);

  // Bob clicks the lock (his devices panel closed): it opens Alice's devices on the one that sent it.
  await bob.getByTestId('devices-close').click();
  await expect(bob.getByTestId('devices-panel')).toHaveCount(0);
  await firstLock.click();
  await expectDeviceShown(bob, aliceDeviceId, 'Trusted, not verified');
  await expect(bob.getByTestId('devices-button')).toHaveAttribute('aria-expanded', 'true');

  // (3a) Alice compares the fingerprint she sees for Bob's device with the one Bob's Vireo shows as its
  // own, and verifies it.
  await expect(bobRowInAlice).toHaveCount(1);
  const shownToAlice = await fingerprintText(alice, 'device-fingerprint', bobRowInAlice);
  expect(shownToAlice).toMatch(FINGERPRINT);
  expect(shownToAlice).toBe(bobOwnFingerprint);
  await expect(bobRowInAlice).not.toHaveAttribute('data-trust', 'verified');
  await bobRowInAlice.getByTestId('device-verify').click();
  await expect(bobRowInAlice.getByRole('alertdialog')).toContainText('Bob');
  await bobRowInAlice.getByTestId('device-verify-confirm').click();
  await expect(bobRowInAlice).toHaveAttribute('data-trust', 'verified', { timeout: 15_000 });
  await expect(bobRowInAlice.getByTestId('device-trust-state')).toHaveText('Verified');
  await expect(bobRowInAlice.getByTestId('device-verify')).toHaveCount(0);

  // (3b) Bob verifies Alice with her link (as if she had sent it to him): pasted into his panel.
  await expect(alicePanel.getByTestId('own-fingerprint')).toBeVisible({ timeout: 30_000 });
  const aliceOwnFingerprint = await fingerprintText(alice, 'own-fingerprint', alicePanel);
  expect(aliceOwnFingerprint).toMatch(FINGERPRINT);
  await alicePanel.getByText('Show the link').click();
  await expect(alicePanel.getByTestId('own-uri')).toBeVisible();
  const aliceUri = await alicePanel.getByTestId('own-uri').inputValue();
  expect(aliceUri).toMatch(new RegExp(`^xmpp:${ALICE().replace(/\./g, '\\.')}\\?omemo-sid-\\d+=[0-9a-f]{64}$`));
  expect(/omemo-sid-(\d+)=/.exec(aliceUri)![1]).toBe(aliceDeviceId);
  expect(aliceUri.split('=')[1]).toBe(aliceOwnFingerprint.replace(/ /g, ''));

  await bobPanel.getByTestId('verify-uri-input').fill(aliceUri);
  await bobPanel.getByTestId('verify-uri-submit').click();
  await expect(bobPanel.getByTestId('verify-uri-result')).toContainText(`Verified 1 device: device ${aliceDeviceId} of ${ALICE()}`, {
    timeout: 30_000,
  });
  await expect(bobPanel.getByTestId('verify-uri-error')).toHaveCount(0);
  const aliceRowInBob = bobPanel.locator(`[data-testid="device-row"][data-device-id="${aliceDeviceId}"]`);
  await expect(aliceRowInBob).toHaveAttribute('data-trust', 'verified', { timeout: 15_000 });
  expect(await fingerprintText(bob, 'device-fingerprint', aliceRowInBob)).toBe(aliceOwnFingerprint);

  // Alice writes again: Bob's lock on the new message says verified; the first one still says how far
  // her device was trusted when it arrived. Clicking the new one shows her device, now verified.
  await alice.getByTestId('composer').fill('Now you know it is me');
  await alice.getByTestId('composer').press('Enter');
  const secondInBob = inBob.filter({ has: bob.getByTestId('message-body').getByText('Now you know it is me', { exact: true }) });
  await expect(secondInBob).toHaveCount(1, { timeout: 30_000 });
  const verifiedLock = secondInBob.getByRole('button', { name: lockOf(aliceDeviceId, 'verified'), exact: true });
  await expect(verifiedLock).toBeVisible();
  await expect(secondInBob.getByTestId('message-warning')).toHaveCount(0);
  await expect(firstLock).toBeVisible();
  await expectOwnLocks(alice, 2);
  await bob.getByTestId('composer').focus();
  await verifiedLock.click();
  await expectDeviceShown(bob, aliceDeviceId, 'Verified');

  // Still encrypted both ways after verifying: Bob answers, Alice reads it with the lock, no warning.
  await bob.getByTestId('composer').fill('Verified and encrypted');
  await bob.getByTestId('send-button').click();
  const inAlice = alice.locator('[data-testid="message-item"][data-direction="in"]');
  await expect(inAlice.getByTestId('message-body')).toHaveText('Verified and encrypted', { timeout: 30_000 });
  await expect(inAlice.getByRole('button', { name: lockOf(bobDeviceId!, 'verified'), exact: true })).toBeVisible();
  await expect(inAlice.getByTestId('message-warning')).toHaveCount(0);
  await expectOwnLocks(bob, 1);

  // (4) A plain-text message arrives in the encrypted chat (Bob's account, another client without
  // OMEMO): Alice sees it, flagged as not encrypted, without the lock.
  const raw = createXmppClient({
    jid: BOB(),
    password: 'bob-pw',
    resource: 'plain-client',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  raw.on('error', () => {});
  await raw.start();
  try {
    await raw.send(xml('message', { type: 'chat', to: ALICE(), id: 'plain-injected-1' }, xml('body', {}, 'Sent without encryption')));
    const plain = inAlice.filter({ has: alice.getByTestId('message-body').getByText('Sent without encryption', { exact: true }) });
    await expect(plain).toHaveCount(1, { timeout: 30_000 });
    await expect(plain.getByTestId('message-warning')).toContainText('not encrypted');
    await expect(plain.getByTestId('message-lock')).toHaveCount(0);
  } finally {
    await closeClient(raw);
  }
  // The chat stays encrypted for new messages.
  await expect(alice.getByTestId('encryption-toggle')).toHaveAttribute('data-mode', 'omemo');

  await alice.screenshot({ path: testInfo.outputPath('omemo-alice.png'), fullPage: true });
  await bob.screenshot({ path: testInfo.outputPath('omemo-bob.png'), fullPage: true });
  await testInfo.attach('omemo-alice', { path: testInfo.outputPath('omemo-alice.png'), contentType: 'image/png' });
  await testInfo.attach('omemo-bob', { path: testInfo.outputPath('omemo-bob.png'), contentType: 'image/png' });
});
