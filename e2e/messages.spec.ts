// The message list in real Chromium, against the demo's Prosody: links are links (to http, https and
// xmpp only) and styling is elements while the text stays as sent; the list is one Tab stop with arrow
// keys inside, and a message's menu opens from the keyboard and a right click. Screenshots at 400 and
// 1280 px, light and dark, are kept with the results to look at.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let demo: ChildProcess | undefined;
let output = '';

test.afterAll(async () => {
  if (demo && demo.exitCode === null) {
    const exited = new Promise((r) => demo!.once('exit', r));
    demo.kill('SIGTERM');
    await exited;
  }
});

test('messages: links, styling, keys and the menu', async ({ page }, testInfo) => {
  demo = spawn(process.execPath, ['--import', 'tsx', 'e2e/demo.ts'], {
    cwd: root,
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (d) => (output += d));
  demo.stderr!.on('data', (d) => (output += d));
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/Open: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/);
  await page.goto(output.match(/Open: (\S+)/)![1]!);

  const lounge = page.locator('[data-testid="chat-item"][data-room="lounge@rooms.example.test"]');
  await lounge.click();
  const composer = page.getByTestId('composer');
  const own = page.locator('[data-testid="message-item"][data-direction="out"]');
  const bodies = [
    'Agenda: https://example.org/agenda?week=49 — *please* read _all_ of it',
    'javascript:alert(1) <b>not bold</b> & data:text/html,x',
  ];
  for (const body of bodies) {
    await composer.fill(body);
    await composer.press('Enter');
  }
  await expect(own.getByTestId('message-body')).toHaveText(bodies, { timeout: 15_000 });

  // A link to where it says, opened outside (target=_blank goes through the shell's vetted path).
  const link = own.first().getByRole('link');
  await expect(link).toHaveAttribute('href', 'https://example.org/agenda?week=49');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(own.first().locator('strong')).toHaveText('*please*');
  await expect(own.first().locator('em')).toHaveText('_all_');
  // Nothing else became a link or markup.
  await expect(own.nth(1).getByRole('link')).toHaveCount(0);
  await expect(own.nth(1).locator('b')).toHaveCount(0);
  // The last of ours says how far it got.
  await expect(own.last().getByTestId('message-state')).toBeVisible({ timeout: 15_000 });

  // Shift+Tab from the composer reaches the list: one stop, the newest message; Up goes to earlier ones.
  const feed = page.getByRole('feed', { name: 'Messages' });
  await expect(feed.locator(':scope > article[tabindex="0"]')).toHaveCount(1);
  await feed.locator(':scope > article[tabindex="0"]').focus();
  await page.keyboard.press('ArrowUp');
  // All of these messages fit on the screen: moving up among them leaves nothing to jump back to.
  await expect(page.getByTestId('jump-to-newest')).toHaveCount(0);
  const focused = page.locator('article:focus');
  await expect(focused).toHaveCount(1);
  await expect(feed.locator(':scope > article[tabindex="0"]')).toHaveCount(1);
  // Enter opens the message's menu; Escape closes it and gives the focus back.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Copy text' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(focused).toHaveCount(1);
  // A right click on one of ours offers Delete for everyone.
  await own.first().click({ button: 'right' });
  await expect(page.getByRole('menuitem', { name: 'Delete for everyone' })).toBeVisible();
  await page.keyboard.press('Escape');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 760 });
      // At 400 px the people panel covers the messages: closed to see them.
      const people = page.getByTestId('occupant-toggle');
      if (width === 400 && (await people.getAttribute('aria-expanded')) === 'true') await people.click();
      await page.mouse.move(1, 1);
      await page.screenshot({ path: testInfo.outputPath(`messages-${width}-${scheme}.png`) });
    }
  }
});
