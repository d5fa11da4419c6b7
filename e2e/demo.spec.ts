// `npm run demo` works for a newcomer: it prints an address, the browser shows Vireo signed in with
// the demo contact, and the demo contact answers. Stopping it removes its server and profile.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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

test('the demo opens signed in, and Bob answers', async ({ page }) => {
  demo = spawn(process.execPath, ['--import', 'tsx', 'e2e/demo.ts'], {
    cwd: root,
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (d) => (output += d));
  demo.stderr!.on('data', (d) => (output += d));
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/Open: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/);
  const url = output.match(/Open: (\S+)/)![1]!;

  await page.goto(url);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 20_000 });
  await page.getByTestId('new-menu').click();
  await page.getByTestId('new-contacts').click();
  const bob = page.locator('[data-testid="contact-item"][data-jid="bob@example.test"]');
  await expect(bob).toContainText('Bob (demo)');
  await bob.click();
  await page.getByTestId('composer').fill('Is this thing on?');
  await page.getByTestId('composer').press('Enter');
  await expect(page.locator('[data-testid="message-item"][data-direction="in"]').getByTestId('message-body')).toHaveText(
    'Bob here. You said: “Is this thing on?”',
    { timeout: 15_000 },
  );

  // The demo room is there, with its history from the room's archive.
  const lounge = page.locator('[data-testid="chat-item"][data-room="lounge@rooms.example.test"]');
  await expect(lounge).toBeVisible();
  await lounge.click();
  await expect(page.locator('[data-testid="message-item"]').getByTestId('message-body')).toContainText(['Welcome to the demo room!'], {
    timeout: 15_000,
  });

  const profile = output.match(/Profile: (\S+)/)?.[1];
  expect(profile).toBeTruthy();
  const exited = new Promise((r) => demo!.once('exit', r));
  demo.kill('SIGTERM');
  await exited;
  expect(existsSync(profile!)).toBe(false);
});
