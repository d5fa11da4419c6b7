// Group rooms through the UI, with real Prosody (and its MUC component), one core per person and Chromium:
// - two people meet in a room made by joining it, and talk; the occupant list shows both with their roles;
// - a room set up before anyone can enter: its owner names it, invites someone who accepts, they talk,
//   a third person joins and the owner removes them with a reason, which they are told in words;
// - a subject carrying U+202E RIGHT-TO-LEFT OVERRIDE stays in its isolate: the header around it keeps its
//   order (issue #11 §6).
import { test, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { startTestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';

type Host = Awaited<ReturnType<typeof runBrowserHost>>;
const USERS = ['alice', 'bob', 'carol'] as const;
type User = (typeof USERS)[number];

let server: ProsodyServer;
const hosts = new Map<User, Host>();

/** A browser host signed in as `user`. The account is set up through the core (sign-in through the UI
 *  is covered by chat.spec.ts). */
async function startHost(user: User): Promise<Host> {
  const password = `${user}-pw`;
  await server.register(user, password);
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-rooms-'));
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

/** `user`'s Vireo in a fresh browser context, once it is online and caught up. */
async function open(browser: Browser, user: User): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(hosts.get(user)!.url);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
  // Even when the catch-up finished before this page opened, the account's details say so.
  await page.getByTestId('account-button').click();
  await expect(page.getByTestId('account-details').getByTestId('sync-status')).toContainText('Up to date');
  await page.getByTestId('account-button').click();
  return page;
}

/** "+" → Join a room: the dialog, which closes once the room is joined. */
async function joinRoom(page: Page, room: string, nick: string, opts: { setUpFirst?: boolean } = {}) {
  await page.getByTestId('new-menu').click();
  await page.getByTestId('new-join-room').click();
  const dialog = page.getByTestId('join-room-dialog');
  await expect(dialog.getByTestId('room-join-jid')).toBeFocused();
  await dialog.getByTestId('room-join-jid').fill(room);
  await dialog.getByTestId('room-join-nick').fill(nick);
  if (opts.setUpFirst) await dialog.getByTestId('room-join-configure').check();
  await dialog.getByTestId('room-join-submit').click();
  await expect(dialog).toHaveCount(0, { timeout: 15_000 });
  const item = page.locator(`[data-testid="chat-item"][data-room="${room}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.click();
}

/** The one row on top of the list that opens pending requests and invitations. */
async function openPending(page: Page) {
  await page.getByTestId('pending-row').click({ timeout: 15_000 });
  await expect(page.getByTestId('pending-dialog')).toBeVisible();
}

const occupant = (page: Page, nick: string) => page.locator(`[data-testid="occupant-item"][data-nick="${nick}"]`);
const messages = (page: Page, direction: 'in' | 'out') => page.locator(`[data-testid="message-item"][data-direction="${direction}"]`);

async function say(page: Page, text: string) {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
}

async function keepScreenshot(page: Page, name: string, testInfo: TestInfo) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test('two people meet in a room and talk', async ({ browser }, testInfo) => {
  const room = `garden@${server.mucDomain}`;
  const alice = await open(browser, 'alice');
  const bob = await open(browser, 'bob');

  await joinRoom(alice, room, 'Alice');
  await joinRoom(bob, room, 'Bob');

  // Both are listed, Alice as the room's owner (she created it).
  await expect(occupant(alice, 'Bob')).toBeVisible({ timeout: 15_000 });
  await expect(occupant(bob, 'Alice')).toHaveAttribute('data-affiliation', 'owner');

  await say(alice, 'Welcome to the garden');
  const inBob = messages(bob, 'in');
  await expect(inBob.getByTestId('message-body')).toHaveText('Welcome to the garden', { timeout: 15_000 });
  await expect(inBob.getByTestId('message-sender')).toHaveText('Alice');

  await bob.getByTestId('composer').fill('Thanks <3');
  await bob.getByTestId('send-button').click();
  await expect(messages(alice, 'in').getByTestId('message-body')).toHaveText('Thanks <3', { timeout: 15_000 });
  // Alice's own message appears once (the room's echo of it is recognised).
  await expect(messages(alice, 'out')).toHaveCount(1);

  await keepScreenshot(alice, 'room-alice', testInfo);

  await bob.getByTestId('room-leave').click();
  await expect(occupant(alice, 'Bob')).toHaveCount(0, { timeout: 15_000 });
  // Closed as a person closes a tab: the page says "hidden" as it goes, and the next one, on the same
  // core, must not leave the server holding presence back (XEP-0352).
  await alice.context().close();
  await bob.context().close();
});

test('an owner sets up a room, invites, talks and removes someone', async ({ browser }, testInfo) => {
  const room = `terrace@${server.mucDomain}`;
  const alice = await open(browser, 'alice');
  const bob = await open(browser, 'bob');
  const carol = await open(browser, 'carol');

  // Alice creates the room reserved: it stays locked, and its settings open, until she saves them.
  await joinRoom(alice, room, 'Alice', { setUpFirst: true });
  await expect(alice.getByTestId('room-status')).toHaveAttribute('data-state', 'locked', { timeout: 15_000 });
  await expect(alice.getByTestId('room-status')).toContainText('Nobody else can enter until you save its settings');
  const settings = alice.getByTestId('room-settings');
  const roomName = settings.locator('[data-testid="data-form-field"][data-var="muc#roomconfig_roomname"] input');
  await expect(roomName).toBeVisible({ timeout: 15_000 });
  await roomName.fill('The Terrace');
  await settings.getByTestId('data-form-submit').click();
  await expect(settings.getByRole('status')).toHaveText('The room’s settings were saved.', { timeout: 15_000 });
  await expect(alice.getByTestId('room-status')).toHaveCount(0);
  await settings.getByTestId('room-settings-close').click();

  // Alice invites Bob from the room; Bob sees who invites him to what, and why.
  await alice.getByTestId('room-invite-open').click();
  await alice.getByTestId('room-invite-jid').fill(`bob@${server.domain}`);
  await alice.getByTestId('room-invite-reason').fill('Come and sit in the sun');
  await alice.getByTestId('room-invite-submit').click();
  await expect(alice.getByTestId('room-invite-sent')).toHaveText(`Invitation sent to bob@${server.domain}.`);
  await openPending(bob);
  const invitation = bob.locator(`[data-testid="invitation"][data-room="${room}"]`);
  await expect(invitation).toBeVisible({ timeout: 15_000 });
  // The invitation comes through the room, which names Alice by her nickname there.
  await expect(invitation.getByTestId('invitation-inviter')).toHaveText('Alice (in the room)');
  await expect(invitation.getByTestId('invitation-room')).toHaveText(room);
  await expect(invitation.getByTestId('invitation-reason')).toHaveText('“Come and sit in the sun”');
  await invitation.getByTestId('invitation-accept').click();
  await expect(invitation).toHaveCount(0, { timeout: 15_000 });

  // Bob is in the room (under his account's name, as nobody asked him for another), which carries the
  // name Alice gave it.
  await expect(occupant(bob, 'Alice')).toHaveAttribute('data-affiliation', 'owner', { timeout: 15_000 });
  await expect(occupant(alice, 'bob')).toBeVisible({ timeout: 15_000 });
  await bob.getByTestId('room-about-toggle').click();
  await expect(bob.getByTestId('room-info-name')).toHaveText('The Terrace', { timeout: 15_000 });

  // They talk: each message shows once, under the right name.
  await say(alice, 'Hello Bob, welcome!');
  await expect(messages(bob, 'in').getByTestId('message-body')).toHaveText(['Hello Bob, welcome!'], { timeout: 15_000 });
  await expect(messages(bob, 'in').getByTestId('message-sender')).toHaveText(['Alice']);
  await say(bob, 'Nice spot, thanks.');
  await expect(messages(alice, 'in').getByTestId('message-body')).toHaveText(['Nice spot, thanks.'], { timeout: 15_000 });
  await expect(messages(alice, 'in').getByTestId('message-sender')).toHaveText(['bob']);
  await expect(messages(alice, 'out').getByTestId('message-body')).toHaveText(['Hello Bob, welcome!']);
  await expect(messages(bob, 'out').getByTestId('message-body')).toHaveText(['Nice spot, thanks.']);

  // Carol joins by the room's address and sees what was said, once.
  await joinRoom(carol, room, 'Carol');
  await expect(occupant(alice, 'Carol')).toBeVisible({ timeout: 15_000 });
  await expect(occupant(bob, 'Carol')).toBeVisible({ timeout: 15_000 });
  await expect(messages(carol, 'in').getByTestId('message-body')).toHaveText(['Hello Bob, welcome!', 'Nice spot, thanks.'], {
    timeout: 15_000,
  });

  // Alice, the room's owner and a moderator, removes Carol with a reason, and confirms.
  await occupant(alice, 'Carol').getByTestId('occupant-manage').click();
  const actions = alice.getByTestId('occupant-actions');
  await actions.getByTestId('occupant-action-reason').fill('Please keep it quiet');
  await actions.locator('[data-testid="occupant-action"][data-action="kick"]').click();
  await expect(actions).toContainText('Remove Carol from the room? They can join again.');
  await actions.getByTestId('occupant-action-confirm').click();

  // Carol is told, in words, with the reason; the others no longer see her (and Alice's actions for
  // her go with her).
  const status = carol.getByTestId('room-status');
  await expect(status).toContainText('You were removed from the room by a moderator.', { timeout: 15_000 });
  await expect(status.getByTestId('room-removal-reason')).toHaveText('Reason given: Please keep it quiet');
  await expect(carol.getByTestId('room-rejoin')).toBeVisible();
  await expect(occupant(alice, 'Carol')).toHaveCount(0, { timeout: 15_000 });
  await expect(occupant(bob, 'Carol')).toHaveCount(0, { timeout: 15_000 });
  // Bob's history says what happened, by whom and why: a line of the room's history, not a message.
  await expect(bob.getByTestId('room-notice')).toContainText('Carol was removed from the room by Alice: “Please keep it quiet”');
  await expect(actions).toHaveCount(0);
  await expect(occupant(alice, 'bob')).toBeVisible();

  await keepScreenshot(alice, 'room-owner-alice', testInfo);
  await keepScreenshot(carol, 'room-removed-carol', testInfo);
});

test('a subject or invitation with U+202E cannot reorder the window around it', async ({ browser }, testInfo) => {
  const room = `attic@${server.mucDomain}`;
  const alice = await open(browser, 'alice');
  const bob = await open(browser, 'bob');
  const carol = await open(browser, 'carol');
  await joinRoom(alice, room, 'Alice');
  await joinRoom(bob, room, 'Bob');
  await expect(occupant(alice, 'Bob')).toBeVisible({ timeout: 15_000 });

  // Alice, the room's owner, sets a subject whose end is written right to left by an override: the
  // classic "invoice.exe shown as invoice exe.pdf" trick.
  const tricky = 'Invoice \u202Efdp.exe';
  await alice.getByTestId('room-settings-toggle').click();
  await alice.getByTestId('room-subject-input').fill(tricky);
  await alice.getByTestId('room-subject-save').click();
  await alice.getByTestId('room-settings-close').click();

  const subject = bob.getByTestId('room-subject');
  await expect(subject).toContainText('Invoice', { timeout: 15_000 });
  // The subject is an isolate of its own, with its direction taken from its own text.
  const isolation = await subject.evaluate((el) => {
    const inner = [...el.querySelectorAll('*')].find((e) => e.textContent === el.textContent) ?? el;
    return { unicodeBidi: el.ownerDocument.defaultView!.getComputedStyle(inner).unicodeBidi, dir: inner.getAttribute('dir') };
  });
  expect(isolation).toEqual({ unicodeBidi: 'isolate', dir: 'auto' });
  // The header keeps its order: the room's address, the separator, then the subject.
  const order = await bob.locator('header .sub').evaluate((p) => {
    // (In the page: no DOM types here, so the document is reached through the element, 3 is a text node.)
    const box = (n: typeof p.firstChild & object) => {
      const r = p.ownerDocument.createRange();
      r.selectNodeContents(n);
      return r.getBoundingClientRect();
    };
    const separator = [...p.childNodes].find((n) => n.nodeType === 3 && n.textContent!.includes('·'))!;
    const [a, s, t] = [
      box(p.querySelector('[data-testid="chat-address"]')!),
      box(separator),
      box(p.querySelector('[data-testid="room-subject"]')!),
    ];
    return { separatorAfterAddress: s.left >= a.right - 1, subjectAfterSeparator: t.left >= s.right - 1 };
  });
  expect(order).toEqual({ separatorAfterAddress: true, subjectAfterSeparator: true });

  // The same words as an invitation's reason: the closing quote Vireo puts after them stays after them
  // (an override running on would carry it to the left of "exe.pdf").
  await alice.getByTestId('room-invite-open').click();
  await alice.getByTestId('room-invite-jid').fill(`carol@${server.domain}`);
  await alice.getByTestId('room-invite-reason').fill(tricky);
  await alice.getByTestId('room-invite-submit').click();
  await openPending(carol);
  const reason = carol.locator(`[data-testid="invitation"][data-room="${room}"]`).getByTestId('invitation-reason');
  await expect(reason).toContainText('Invoice', { timeout: 15_000 });
  const quotes = await reason.evaluate((p) => {
    const text = p.lastChild!;
    const r = p.ownerDocument.createRange();
    r.setStart(text, text.textContent!.length - 1);
    r.setEnd(text, text.textContent!.length);
    const words = p.ownerDocument.createRange();
    words.selectNodeContents(p);
    return {
      closing: text.textContent!.slice(-1),
      closingLeft: r.getBoundingClientRect().left,
      right: words.getBoundingClientRect().right,
    };
  });
  expect(quotes.closing).toBe('”');
  // The closing quote is the rightmost thing of the line.
  expect(quotes.closingLeft).toBeGreaterThan(quotes.right - 20);

  for (const width of [1280, 400]) {
    await bob.setViewportSize({ width, height: 720 });
    await keepScreenshot(bob, `room-subject-rlo-${width}`, testInfo);
    await carol.setViewportSize({ width, height: 720 });
    await keepScreenshot(carol, `invitation-rlo-${width}`, testInfo);
  }
  await alice.context().close();
  await bob.context().close();
  await carol.context().close();
});
