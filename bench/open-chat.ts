// `npm run bench:open-chat` (issue #13, Speed): a chat with 10,000 stored messages, opened in Chromium
// through the browser host, then scrolled up with wheel events of −600 px every 16 ms for a minute
// (OPEN_CHAT_SECONDS, default 60). A static page scrolled the same way in the same run gives the
// machine's floor. Measured:
//   first_paint_ms        from the click on the chat until its messages are painted (median of 3 opens)
//   p95_frame_ms          95th percentile of the time between frames while scrolling (requestAnimationFrame)
//   frames_over_50ms      frames that took longer than 50 ms meanwhile
//   floor_…               the same on the static page
//   reached               how many messages back from the newest the reader got
//   dom_nodes_max         the most elements in the page, sampled every second
//   heap_mb               the page's JavaScript heap after the scroll (after a garbage collection)
//   load                  the machine's 1-minute load average when it ended
// The history is written straight into the profile's database (the messages repository, as the core
// stores an archive), against a private Prosody that only signs the reader in.
// Ends with: open_chat messages=… first_paint_ms=… p95_frame_ms=… floor_p95_ms=… frames_over_50ms=…
//            floor_frames_over_50ms=… reached=… dom_nodes_max=… heap_mb=… load=…
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { startProsody } from '../e2e/fixtures/prosody.js';
import { startTestCore } from '../e2e/fixtures/core-harness.js';
import { createIpcRouter } from '../electron/ipc/router.js';
import { startBrowserHost } from '../electron/host-web/server.js';
import { openDatabase } from '../electron/store/db.js';
import { createMessagesRepo, type NewMessage } from '../electron/store/messages-repo.js';

const MESSAGES = Number(process.env.OPEN_CHAT_MESSAGES ?? 10_000);
const SECONDS = Number(process.env.OPEN_CHAT_SECONDS ?? 60);
const WHEEL_PX = -600;
const WHEEL_EVERY_MS = 16;

const WORDS = 'the of and to a in is it you that was for on are with as I his they be at one have this from or had by'.split(' ');
/** Message i (0 the oldest): text of varied length, now and then a link or styling, numbered to find it back. */
function bodyOf(i: number): string {
  const n = 3 + ((i * 7919) % 40);
  const words = Array.from({ length: n }, (_, k) => WORDS[(i + k * 13) % WORDS.length]);
  if (i % 11 === 0) words.push('https://example.org/page/' + i);
  if (i % 7 === 0) words.splice(1, 0, '*bold*');
  return `#${i} ${words.join(' ')}`;
}

const log = (what: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${what}`);
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);

// In the page: frame times, and once a second the DOM size and the oldest message seen in the view.
const PROBE = `window.benchProbe = (() => {
  let frames = [], last = 0, running = false, maxNodes = 0, oldest = Infinity, timer;
  const sample = () => {
    maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
    const scroller = document.querySelector('[data-testid="message-scroller"]');
    if (!scroller) return;
    const top = scroller.getBoundingClientRect().top;
    for (const b of scroller.querySelectorAll('[data-testid="message-body"]')) {
      const r = b.getBoundingClientRect();
      if (r.bottom < top) continue;
      const m = /^#(\\d+)/.exec(b.textContent || '');
      if (m) oldest = Math.min(oldest, Number(m[1]));
      break;
    }
  };
  const tick = (t) => { if (!running) return; if (last) frames.push(t - last); last = t; requestAnimationFrame(tick); };
  return {
    start() { frames = []; last = 0; running = true; maxNodes = 0; oldest = Infinity; requestAnimationFrame(tick); sample(); timer = setInterval(sample, 1000); },
    stop() { running = false; clearInterval(timer); sample(); return { frames, maxNodes, oldest }; },
  };
})();`;

async function scroll(page: Page, x: number, y: number): Promise<{ frames: number[]; maxNodes: number; oldest: number }> {
  const cdp = await page.context().newCDPSession(page);
  await page.evaluate(PROBE);
  await page.evaluate('benchProbe.start()');
  const end = Date.now() + SECONDS * 1000;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() >= end) {
        clearInterval(timer);
        resolve();
        return;
      }
      // As a mouse wheel does: not waiting for the page (at most a few queued, as a busy browser would coalesce).
      if (pending > 4) return;
      pending++;
      void cdp.send('Input.dispatchMouseEvent', { type: 'mouseWheel', x, y, deltaX: 0, deltaY: WHEEL_PX }).finally(() => pending--);
    }, WHEEL_EVERY_MS);
  });
  const r = await page.evaluate<{ frames: number[]; maxNodes: number; oldest: number }>('benchProbe.stop()');
  await cdp.detach();
  return r;
}

async function main(): Promise<void> {
  const rendererDir = process.env.VIREO_RENDERER_DIR ?? fileURLToPath(new URL('../dist/renderer', import.meta.url));
  if (!existsSync(path.join(rendererDir, 'index.html')))
    throw new Error(`no renderer build in ${rendererDir}: run \`npm run build:renderer\``);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const server = await startProsody();
    cleanups.push(() => server.stop());
    await server.register('reader', 'reader-pw');
    await server.register('bob', 'bob-pw');
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-bench-open-chat-'));
    cleanups.push(() => rm(profileDir, { recursive: true, force: true }));
    const vireo = await startTestCore({ profileDir });
    cleanups.push(() => vireo.stop({ keepProfile: true }));
    const account = await vireo.must('accounts:add', {
      jid: `reader@${server.domain}`,
      password: 'reader-pw',
      manual: { host: server.host, port: server.c2sPort },
      pinnedCertificate: server.cert.fingerprint256,
    });
    await vireo.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
    const peer = `bob@${server.domain}`;
    const conv = await vireo.must('chat:open', { accountId: account.id, peer: peer as never });

    // The history, as a long archive would leave it: a message every few minutes over weeks.
    const db = openDatabase(profileDir);
    const repo = createMessagesRepo(db);
    const start = Date.now() - MESSAGES * 4 * 60_000;
    db.transaction(() => {
      for (let i = 0; i < MESSAGES; i++) {
        const timestamp = start + i * 4 * 60_000 + ((i * 37) % 120) * 1000;
        const m = {
          conversationId: conv.id,
          direction: i % 3 === 0 ? 'out' : 'in',
          body: bodyOf(i),
          timestamp,
          state: i % 3 === 0 ? 'read' : 'delivered',
          sortKey: timestamp,
        } as NewMessage;
        repo.add(account.id, peer, m, { countUnread: false });
      }
    })();
    repo.setArchiveComplete(conv.id);
    db.close();
    log(`${MESSAGES} messages stored`);

    const host = await startBrowserHost({ router: createIpcRouter(vireo.core.handlers), events: vireo.core.events, rendererDir });
    cleanups.push(() => host.close());
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--disable-dev-shm-usage',
        '--enable-precise-memory-info',
      ],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // First paint: from the click on the chat until its newest message is painted; a fresh page each time.
    const paints: number[] = [];
    const item = `[data-testid="chat-item"][data-peer="${peer}"]`;
    for (let run = 0; run < 3; run++) {
      await page.goto(host.url);
      await page.locator(item).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(500);
      paints.push(
        await page.evaluate<number>(`new Promise((resolve) => {
        const t0 = performance.now();
        const done = () => {
          if (!document.querySelector('[data-testid="message-scroller"] [data-testid="message-body"]')) return requestAnimationFrame(done);
          // The frame with them painted: the next frame's start.
          requestAnimationFrame(() => resolve(performance.now() - t0));
        };
        setTimeout(() => resolve(-1), 20000);
        document.querySelector(${JSON.stringify(`${item} button`)}).click();
        requestAnimationFrame(done);
      })`),
      );
      if (paints.at(-1)! < 0) throw new Error('the chat did not open within 20 s');
    }
    log(`first paints: ${paints.map((p) => p.toFixed(0)).join(', ')} ms`);

    // Scroll up through the history.
    await page.locator('[data-testid="message-body"]').last().waitFor();
    const box = (await page.getByTestId('message-scroller').boundingBox())!;
    log(`scrolling the chat for ${SECONDS} s`);
    const chat = await scroll(page, box.x + box.width / 2, box.y + box.height / 2);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    await cdp.detach();

    // The floor: a static page of the same kind of text, scrolled the same way.
    const floorPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `<p style="margin:0.5rem 1rem;padding:0.4rem;max-width:40rem;background:#eee;border-radius:8px">${bodyOf(i)}</p>`,
    ).join('');
    await floorPage.setContent(
      `<!doctype html><html><body style="margin:0;font-family:sans-serif"><div data-testid="message-scroller" style="height:100vh;overflow-y:auto">${rows}</div></body></html>`,
    );
    await floorPage.evaluate(`{ const s = document.querySelector('[data-testid="message-scroller"]'); s.scrollTop = s.scrollHeight; }`);
    log(`scrolling the static page for ${SECONDS} s`);
    const floor = await scroll(floorPage, 640, 400);

    const over50 = (xs: number[]) => xs.filter((d) => d > 50).length;
    const reached = Number.isFinite(chat.oldest) ? MESSAGES - chat.oldest : 0;
    if (pageErrors.length) console.log(`page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    console.log(`scrolled ${SECONDS} s: ${chat.frames.length} frames in the chat, ${floor.frames.length} on the static page`);
    console.log(
      `open_chat messages=${MESSAGES} first_paint_ms=${Math.round(median(paints))} p95_frame_ms=${quantile(chat.frames, 0.95).toFixed(1)} ` +
        `floor_p95_ms=${quantile(floor.frames, 0.95).toFixed(1)} frames_over_50ms=${over50(chat.frames)} floor_frames_over_50ms=${over50(floor.frames)} ` +
        `reached=${reached} dom_nodes_max=${chat.maxNodes} heap_mb=${(heap.usedSize / 1e6).toFixed(1)} load=${os.loadavg()[0]!.toFixed(2)}`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

await main();
