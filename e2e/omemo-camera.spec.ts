// Verifying a contact by holding their QR code up to the camera, through the UI: Bob opens Alice's
// devices and scans. Chromium's fake camera plays a video of the QR code Alice's Vireo shows (her real
// verification link, drawn by Vireo's encoder), so everything from the camera on is real: getUserMedia,
// the <video>, reading its pictures, decoding, and verifying through Bob's core against Prosody.
import { test, expect, chromium, type Browser } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from './fixtures/prosody.js';
import { addSyncedAccount, startTestCore, untilOmemoDevice, type TestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';
import { encodeQr } from '../renderer/src/lib/qr.js';
import config from './playwright.config.js';

let server: ProsodyServer;
let alice: TestCore;
let bobHost: Awaited<ReturnType<typeof runBrowserHost>>;
let aliceUri: string;
let aliceDeviceId: number;
let browser: Browser | undefined;
const tmp: string[] = [];
const ALICE = () => `alice@${server.domain}`;

/**
 * A YUV4MPEG2 video (what Chromium's fake camera plays) of a QR code: 640×480 grey pictures, the code
 * in the middle, 6 px a module with its quiet zone, a little noise so the frames are not identical.
 */
function qrVideo(text: string, frames = 10): Buffer {
  const qr = encodeQr(text);
  if (!qr) throw new Error('too long for a QR code');
  const [W, H, scale] = [640, 480, 6];
  const side = (qr.size + 8) * scale;
  const [x0, y0] = [(W - side) >> 1, (H - side) >> 1];
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  let seed = 1;
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(W * H);
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        const mx = Math.floor((px - x0) / scale) - 4;
        const my = Math.floor((py - y0) / scale) - 4;
        const dark = qr.dark[my]?.[mx] ?? false;
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        y[py * W + px] = (dark ? 40 : 215) + ((seed >>> 24) % 9) - 4;
      }
    }
    parts.push(Buffer.from('FRAME\n'), y, Buffer.alloc((W / 2) * (H / 2) * 2, 128));
  }
  return Buffer.concat(parts);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
  const newProfile = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vireo-e2e-camera-'));
    tmp.push(dir);
    return dir;
  };
  alice = await startTestCore({ profileDir: await newProfile() });
  const bob = await startTestCore({ profileDir: await newProfile() });
  const a = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  const b = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  const mark = bob.mark();
  await alice.must('roster:add', { accountId: a.id, jid: `bob@${server.domain}`, name: 'Bob' });
  await bob.waitForEvent('roster:requests', (r) => r.requests.some((q) => q.jid === ALICE()), 30_000, mark);
  await bob.must('roster:accept', { accountId: b.id, jid: ALICE() });
  await untilOmemoDevice(bob, b.id, ALICE());
  // What Alice's Vireo shows as her QR code (Devices → this device).
  const own = await alice.must('omemo:own', { accountId: a.id });
  aliceUri = own.uri;
  aliceDeviceId = own.deviceId;
  await bob.stop({ keepProfile: true });
  bobHost = await runBrowserHost({ profileDir: bob.profileDir, secretBackend: 'plain-file' });
});

test.afterAll(async () => {
  await browser?.close();
  await bobHost?.stop();
  await alice?.stop();
  await server?.stop();
  for (const dir of tmp) await rm(dir, { recursive: true, force: true });
});

test('Bob verifies Alice’s device by holding her QR code up to the camera', async () => {
  test.setTimeout(120_000);
  const video = path.join(tmp[0]!, 'alice-qr.y4m');
  await writeFile(video, qrVideo(aliceUri));
  // Chromium as configured for every spec, plus a fake camera playing that video, allowed without a prompt.
  const base = config.use?.launchOptions ?? {};
  browser = await chromium.launch({
    ...base,
    args: [
      ...(base.args ?? []),
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
      '--use-fake-ui-for-media-stream',
    ],
  });
  const context = await browser.newContext();
  await context.grantPermissions(['camera'], { origin: new URL(bobHost.url).origin });
  const page = await context.newPage();
  const complaints: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Permission|NotAllowedError/i.test(m.text())) complaints.push(m.text());
  });
  await page.goto(bobHost.url);
  await expect(page.getByTestId('account-status')).toContainText('Online', { timeout: 30_000 });
  await page.getByTestId('new-menu').click();
  await page.getByTestId('new-contacts').click();
  await page.locator(`[data-testid="contact-item"][data-jid="${ALICE()}"]`).click();
  await page.getByTestId('devices-button').click();
  const panel = page.getByTestId('devices-panel');
  const row = panel.locator(`[data-testid="device-row"][data-device-id="${aliceDeviceId}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).not.toHaveAttribute('data-trust', 'verified');

  await panel.getByTestId('qr-camera-start').click();
  // The camera's picture is shown while scanning; it goes away (the camera off) once the code is read.
  await expect(panel.getByTestId('qr-camera-video')).toBeVisible();
  await expect(panel.getByTestId('verify-uri-result')).toContainText(`device ${aliceDeviceId} of ${ALICE()}`, { timeout: 20_000 });
  await expect(panel.getByTestId('qr-camera-video')).toHaveCount(0);
  await expect(row).toHaveAttribute('data-trust', 'verified');
  await expect(row.getByTestId('device-trust-state')).toContainText(/verified/i);
  // No CSP or permission complaint on the way: the window's policy lets the camera's picture show.
  expect(complaints).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('camera-verified-bob.png') });
});
