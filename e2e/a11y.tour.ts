// The accessibility tour (issue #13 "Keyboard and accessibility"): every screen and state a person meets,
// in light and dark, checked with axe-core (WCAG 2.x A and AA rules) plus two checks axe cannot make: no
// element that takes the keyboard's focus while it cannot be seen (zero size, opacity 0) unless it shows
// itself when focused (a skip link), and the number of key presses from the top of the window to the
// composer (at most 5). Real parts: Prosody, Vireo cores, Chromium.
// It prints one line, `a11y screens=… violations=… minor=…` (violations: critical + serious + moderate),
// then the problems by rule and screen, and fails when there is any of them.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore, addSyncedAccount, type TestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';

let server: ProsodyServer;
let host: Awaited<ReturnType<typeof runBrowserHost>>;
let bob: TestCore;
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 400, height: 600 };
const MAX_PRESSES = 5;

// The functions handed to page.evaluate run in Chromium; this project's TypeScript has no DOM types outside
// the renderer, so the page's globals are declared loosely here, for this file alone.
declare const document: any;
declare const requestAnimationFrame: (f: () => void) => void;
type PageElement = any;

test.beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-a11y-'));
  host = await runBrowserHost({ profileDir, secretBackend: 'plain-file' });
  bob = await startTestCore();
});

test.afterAll(async () => {
  await bob?.stop();
  await host?.stop();
  if (host) await rm(host.profileDir, { recursive: true, force: true });
  await server?.stop();
});

interface Finding {
  screen: string;
  rule: string;
  impact: string;
  nodes: number;
  where: string;
}
const screens: string[] = [];
const findings: Finding[] = [];
const invisible: { screen: string; what: string }[] = [];

/** Focusable elements that cannot be seen, even once focused. Run inside the page. */
function invisibleFocusables(): string[] {
  const sel = 'a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable="true"], [contenteditable=""]';
  const hidden = (el: PageElement) => {
    const r = el.getBoundingClientRect();
    return r.width < 2 || r.height < 2 || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  const describe = (el: PageElement) =>
    `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
  const was: PageElement = document.activeElement;
  const found: string[] = [];
  for (const el of [...document.querySelectorAll(sel)] as PageElement[]) {
    if (el.tabIndex < 0 || el.matches(':disabled') || el.closest('[inert]')) continue;
    if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
    if (!el.checkVisibility()) continue; // not rendered: not focusable either
    if (!hidden(el)) continue;
    // Does it take the focus, and does it show itself then (a skip link, actions shown on focus)?
    el.focus({ preventScroll: true });
    if (document.activeElement !== el) continue;
    if (hidden(el)) found.push(describe(el));
  }
  if (was && was.isConnected) was.focus({ preventScroll: true });
  return found;
}

async function settle(page: Page) {
  // Transitions and the theme switch have finished; fonts are in.
  await page.evaluate(() =>
    document.fonts.ready.then(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(r)))),
  );
  await page.waitForTimeout(250);
}

/** One state of the window, in light then dark. */
async function check(page: Page, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await settle(page);
    const screen = `${name}/${scheme}`;
    screens.push(screen);
    const result = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    for (const v of result.violations) {
      findings.push({
        screen,
        rule: v.id,
        impact: v.impact ?? 'minor',
        nodes: v.nodes.length,
        where: v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` (${n.any[0].message.slice(0, 120)})` : ''}`)
          .join('; '),
      });
    }
    for (const what of await page.evaluate(invisibleFocusables)) invisible.push({ screen, what });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Key presses from the top of the window to the composer: Tab, and Enter on a skip link to it. */
async function pressesToComposer(page: Page): Promise<number> {
  await page.evaluate(() => {
    const top = document.createElement('div');
    top.tabIndex = -1;
    top.id = 'a11y-top';
    document.body.prepend(top);
    top.focus();
  });
  let presses = 0;
  while (presses < 12) {
    await page.keyboard.press('Tab');
    presses++;
    const at = await page.evaluate(() => {
      const a: PageElement = document.activeElement;
      return { composer: a?.dataset.testid === 'composer', skip: a?.getAttribute('href') === '#composer' };
    });
    if (at.composer) break;
    if (at.skip) {
      await page.keyboard.press('Enter');
      presses++;
      if (await page.getByTestId('composer').evaluate((el) => el === document.activeElement)) break;
    }
  }
  await page.evaluate(() => document.getElementById('a11y-top')?.remove());
  return presses;
}

async function signInAttempt(page: Page, password: string) {
  await page.getByTestId('signin-jid').fill(`alice@${server.domain}`);
  await page.getByTestId('signin-password').fill(password);
  if (await page.getByTestId('signin-host').isHidden()) await page.getByTestId('signin-advanced').click();
  await page.getByTestId('signin-host').fill('127.0.0.1');
  await page.getByTestId('signin-port').fill(String(server.c2sPort));
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('cert-dialog')).toBeVisible({ timeout: 20_000 });
}

/** "+" → one entry; its dialog is checked, then Escape closes it and gives the focus back to "+". */
async function newDialog(page: Page, item: string, dialog: string, ready?: (d: ReturnType<Page['getByTestId']>) => Promise<void>) {
  await page.getByTestId('new-menu').click();
  await page.getByTestId(item).click();
  const d = page.getByTestId(dialog);
  await expect(d).toBeVisible();
  if (ready) await ready(d);
  await check(page, dialog.replace(/-dialog$/, ''));
  await page.keyboard.press('Escape');
  await expect(d).toHaveCount(0);
  await expect(page.getByTestId('new-menu')).toBeFocused();
}

test('a tour of every screen, light and dark, with axe-core and the keyboard', async ({ browser }, testInfo) => {
  let presses = Infinity;
  const page = await (await browser.newContext({ viewport: WIDE })).newPage();
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('signin-jid')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('signin-jid')).toBeFocused();
    await check(page, 'sign-in');

    // A wrong password: first the certificate (a self-signed test server), then the refusal.
    await signInAttempt(page, 'not-the-password');
    await check(page, 'certificate');
    await page.getByTestId('cert-trust').click();
    await expect(page.getByTestId('signin-error')).toBeVisible({ timeout: 20_000 });
    await check(page, 'sign-in-error');
    await signInAttempt(page, 'alice-pw');
    await page.getByTestId('cert-trust').click();
    await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
    await check(page, 'list-empty');

    await page.getByTestId('account-button').click();
    await expect(page.getByTestId('account-details')).toBeVisible();
    await check(page, 'account-details');
    await page.getByTestId('account-button').click();

    // Bob asks to add Alice and writes to her three times: a pending row, a chat with 3 unread.
    const bobAccount = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
    const alice = `alice@${server.domain}` as never;
    await bob.must('roster:add', { accountId: bobAccount.id, jid: alice, name: 'Alice' });
    const chat = await bob.must('chat:open', { accountId: bobAccount.id, peer: alice });
    for (const body of ['Hi Alice', 'Are you there?', 'https://example.org/a *bold* note']) {
      await bob.must('chat:send', { conversationId: chat.id, body });
    }
    await expect(page.getByTestId('pending-row')).toBeVisible({ timeout: 20_000 });
    const bobRow = page.locator(`[data-testid="chat-item"][data-peer="bob@${server.domain}"]`);
    await expect(bobRow).toBeVisible({ timeout: 20_000 });
    await expect(page).toHaveTitle('(3) Vireo', { timeout: 15_000 });
    await check(page, 'list');

    await page.getByTestId('pending-row').click();
    await expect(page.getByTestId('pending-dialog')).toBeVisible();
    await check(page, 'pending');
    // Alice accepts: a toast says so (and Bob is in her contacts for the Contacts dialog below).
    await page.locator(`[data-testid="request-item"][data-jid="bob@${server.domain}"]`).getByTestId('request-accept').click();
    await expect(page.getByTestId('toast').first()).toBeVisible({ timeout: 15_000 });
    if (await page.getByTestId('pending-dialog').count()) await page.keyboard.press('Escape');
    await expect(page.getByTestId('pending-dialog')).toHaveCount(0);
    await check(page, 'toast');

    await page.getByTestId('new-menu').click();
    await expect(page.getByTestId('new-chat')).toBeVisible();
    await check(page, 'new-menu');
    await page.keyboard.press('Escape');
    await newDialog(page, 'new-chat', 'start-chat-dialog');
    await newDialog(page, 'new-contact', 'add-contact-dialog');
    await newDialog(page, 'new-join-room', 'join-room-dialog');
    await newDialog(page, 'new-create-room', 'create-room-dialog', async (d) => {
      await expect(d.getByTestId('create-room-service')).toHaveValue(server.mucDomain, { timeout: 15_000 });
    });
    await newDialog(page, 'new-browse-rooms', 'browse-rooms-dialog', async () => {
      await page.waitForTimeout(1500);
    });
    await newDialog(page, 'new-contacts', 'contacts-dialog');

    // The chat with Bob: read, then the keyboard's way to the composer from the top.
    await bobRow.click();
    await expect(page.getByTestId('chat-view')).toBeVisible();
    await expect(page.getByTestId('message-item')).toHaveCount(3, { timeout: 15_000 });
    await expect(page).toHaveTitle('Vireo', { timeout: 15_000 });
    await check(page, 'chat');
    presses = await pressesToComposer(page);

    // Its devices, closed with Escape: the focus is back on the button that opened them.
    await page.getByTestId('devices-button').click();
    await expect(page.getByTestId('devices-panel')).toBeVisible();
    await page.waitForTimeout(1000);
    await check(page, 'devices');
    await page.getByTestId('devices-panel').locator('button').first().focus();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('devices-panel')).toHaveCount(0);
    await expect(page.getByTestId('devices-button')).toBeFocused();

    // A room, with its people beside the messages, then its About panel.
    const room = `a11y@${server.mucDomain}`;
    await page.getByTestId('new-menu').click();
    await page.getByTestId('new-join-room').click();
    const join = page.getByTestId('join-room-dialog');
    await join.getByTestId('room-join-jid').fill(room);
    await join.getByTestId('room-join-nick').fill('Alice');
    await join.getByTestId('room-join-submit').click();
    await expect(join).toHaveCount(0, { timeout: 15_000 });
    const roomRow = page.locator(`[data-testid="chat-item"][data-room="${room}"]`);
    await roomRow.click();
    await page.getByTestId('composer').fill('Hello, room');
    await page.getByTestId('composer').press('Enter');
    await expect(page.locator('[data-testid="message-item"][data-direction="out"]')).toHaveCount(1, { timeout: 15_000 });
    await expect(page.locator('#occupants [data-testid="occupant-item"]').first()).toBeVisible({ timeout: 15_000 });
    await check(page, 'room-people');
    await page.getByTestId('room-about-toggle').click();
    await expect(page.getByTestId('room-info')).toBeVisible();
    await page.waitForTimeout(1000);
    await check(page, 'room-about');
    await page.getByTestId('room-about-toggle').click();
    // Alice made the room by joining it: she owns it and may change its settings. Escape closes them.
    await page.getByTestId('room-settings-toggle').click();
    const settings = page.getByTestId('room-settings');
    await expect(settings.getByRole('button', { name: 'Change the configuration' })).toBeVisible({ timeout: 15_000 });
    await check(page, 'room-settings');
    await settings.getByTestId('room-settings-close').focus();
    await page.keyboard.press('Escape');
    await expect(settings).toHaveCount(0);
    await expect(page.getByTestId('room-settings-toggle')).toBeFocused();

    // Narrow: the conversation alone, then Escape back to the list.
    await page.setViewportSize(NARROW);
    await expect(page.getByTestId('chat-back')).toBeVisible();
    await check(page, 'narrow-conversation');
    // The people cover the conversation; Escape closes them (the focus back on their button), and Escape
    // again leaves the conversation for the list.
    const toggle = page.getByTestId('occupant-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(page.locator('#occupants [data-testid="occupant-item"]').first()).toBeVisible();
    await check(page, 'narrow-people');
    await page.locator('#occupants').locator('button, input, [tabindex="0"]').first().focus();
    await page.keyboard.press('Escape');
    await expect(page.locator('#occupants')).toHaveCount(0);
    await expect(toggle).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('chat-view')).toHaveCount(0);
    await expect(roomRow).toBeVisible();
    await check(page, 'narrow-list');
  } finally {
    const serious = findings.filter((f) => f.impact !== 'minor');
    const minor = findings.filter((f) => f.impact === 'minor');
    const lines = [
      `a11y screens=${screens.length} violations=${serious.length} minor=${minor.length} invisible_focusable=${invisible.length} tabs_to_composer=${presses}`,
      ...serious.map((f) => `  ${f.impact} ${f.rule} on ${f.screen} (${f.nodes}): ${f.where}`),
      ...minor.map((f) => `  minor ${f.rule} on ${f.screen} (${f.nodes}): ${f.where}`),
      ...invisible.map((i) => `  invisible focusable on ${i.screen}: ${i.what}`),
    ];
    console.log(lines.join('\n'));
    await writeFile(testInfo.outputPath('a11y.txt'), `${lines.join('\n')}\n`);
    await page.context().close();
  }
  expect(screens.length).toBeGreaterThanOrEqual(24);
  expect(findings.filter((f) => f.impact !== 'minor').map((f) => `${f.rule} on ${f.screen}`)).toEqual([]);
  expect(invisible.map((i) => `${i.what} on ${i.screen}`)).toEqual([]);
  expect(presses).toBeLessThanOrEqual(MAX_PRESSES);
});
