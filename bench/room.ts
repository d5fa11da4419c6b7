// `npm run bench:room [OCCUPANTS] [MESSAGES]` (issue #4): a room with 500 occupants and a burst of
// 2,000 groupchat messages (the defaults), shown by the real renderer in Chromium through the browser
// host, against a private Prosody. Measured:
//   setup_s              Prosody, accounts, the room filled, Vireo signed in and its page ready
//   occupants_render_ms  from the click on Join until the page lists everyone (the count in the header
//                        and the list's own count, with its first rows drawn)
//   join_frame_gap_ms    the longest time between two painted frames meanwhile (requestAnimationFrame)
//   burst_store_ms       from the first message of the burst leaving its sender until Vireo's core has
//                        stored and announced all of them ('message:added')
//   burst_render_ms      from the same start until the page shows the last one
//   max_frame_gap_ms     the longest frame gap in the page from the burst's start until then
//   dom_nodes            elements in the page at the end
// Also printed: when a bare session in the room had the whole burst (the server's own pace, the floor
// for any client), when the core knew everyone, and the page's long tasks.
//
// The room: `owner` creates it; BENCH_LIVE (20) real sessions of `crowd` (one account, a resource
// each) join it and speak the burst, round robin. The other occupants are idle: placed in the room by
// Prosody's own MUC code through its admin shell, with deliveries to them dropped by the server. On a
// 2-core machine Prosody spends about 150 µs per stanza it writes to a session, so 500 live sessions
// would make 2,000 × 500 deliveries (minutes) the thing measured instead of Vireo; BENCH_LIVE=500
// makes every occupant live. The room keeps no archive (Prosody's SQLite commit per message would pace
// the burst too; BENCH_ARCHIVE=1 turns it on). Vireo sees exactly what a real room of that size sends.
// The crowd runs in a child process (this file with BENCH_ROOM_CROWD=1), so its sockets never share an
// event loop with Vireo's core: Direct TLS, SASL PLAIN, strings only — it reads its own join and then
// drains what the room sends unparsed. VIREO_RENDERER_DIR serves another renderer build (to compare).
// Ends with: room occupants=… messages=… setup_s=… occupants_render_ms=… join_frame_gap_ms=…
//            burst_store_ms=… burst_render_ms=… max_frame_gap_ms=… dom_nodes=…
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------
// The crowd (child process).
// ---------------------------------------------------------------------------------------------------

interface Login {
  user: string;
  password: string;
}
/** `owner` creates the room (session 0); the others are `crowd`, one account with one resource each. */
interface CrowdConfig {
  host: string;
  port: number;
  domain: string;
  ca: string;
  owner: Login;
  crowd: Login;
  room: string;
  sessions: number;
}
type ToCrowd = { cmd: 'open'; config: CrowdConfig } | { cmd: 'join' } | { cmd: 'burst'; messages: number };
type FromCrowd = { opened: number } | { joined: number } | { burstStart: number } | { witnessedAt: number } | { error: string };

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');

/** One bare XMPP session over Direct TLS (XEP-0368), driven with strings: the crowd needs no parser. */
class RawSession {
  #buf = '';
  /** How far #buf has been searched for the current waiter without a match. */
  #scanned = 0;
  #waiter: { re: RegExp; resolve: (m: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  /** After the join: what the room sends is only counted (`marker` occurrences), never parsed. */
  #drain: { marker: string; count: number; carry: string; onCount?: (n: number) => void } | undefined;
  readonly sock: tls.TLSSocket;

  constructor(
    private cfg: CrowdConfig,
    private login: Login,
  ) {
    this.sock = tls.connect({ host: cfg.host, port: cfg.port, servername: cfg.domain, ca: cfg.ca });
    this.sock.setNoDelay(true);
    this.sock.setEncoding('utf8');
    this.sock.on('data', (chunk: string) => {
      const d = this.#drain;
      if (!d) {
        this.#buf += chunk;
        this.#check();
      } else if (d.onCount) {
        const text = d.carry + chunk;
        let n = 0;
        for (let i = text.indexOf(d.marker); i !== -1; i = text.indexOf(d.marker, i + d.marker.length)) n++;
        d.carry = text.slice(-(d.marker.length - 1));
        if (n) d.onCount((d.count += n));
      }
    });
    this.sock.on('error', (e) => this.#fail(e));
    this.sock.on('close', () => this.#fail(new Error('connection closed')));
  }

  #fail(e: Error) {
    const w = this.#waiter;
    this.#waiter = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.reject(e);
    }
  }

  // A join receives every other occupant's presence before its own: search only what is new (with an
  // overlap longer than one stanza), or 500 joins would rescan megabytes at every chunk.
  #check() {
    const w = this.#waiter;
    if (!w) return;
    w.re.lastIndex = Math.max(0, this.#scanned - 4096);
    const m = w.re.exec(this.#buf);
    if (!m) {
      if (this.#buf.length > 65_536) this.#buf = this.#buf.slice(-8192);
      this.#scanned = this.#buf.length;
      return;
    }
    this.#buf = this.#buf.slice(m.index + m[0].length);
    this.#scanned = 0;
    this.#waiter = undefined;
    clearTimeout(w.timer);
    w.resolve(m[0]);
  }

  /** From now on, only count `marker` in what arrives (when asked to), parsing nothing. */
  drain(marker = '', onCount?: (n: number) => void) {
    this.#drain = { marker, count: 0, carry: '', ...(onCount ? { onCount } : {}) };
    this.#buf = '';
  }

  /** Sends `data` (if any) and waits until what the server sends matches `re`. */
  expect(re: RegExp, data?: string, ms = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`timed out waiting for ${re}`)), ms);
      this.#waiter = { re: new RegExp(re.source, 'g'), resolve, reject, timer };
      if (data) this.sock.write(data);
      this.#check();
    });
  }

  static async open(cfg: CrowdConfig, login: Login, resource: string): Promise<RawSession> {
    const s = new RawSession(cfg, login);
    await new Promise<void>((resolve, reject) => {
      s.sock.once('secureConnect', resolve);
      s.sock.once('error', reject);
    });
    await s.#login(resource);
    return s;
  }

  async #login(resource: string): Promise<void> {
    const header = `<?xml version='1.0'?><stream:stream to='${this.cfg.domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
    await this.expect(/<\/stream:features>/, header);
    const plain = Buffer.from(`\0${this.login.user}\0${this.login.password}`).toString('base64');
    const sasl = await this.expect(
      /<success[^>]*\/>|<success[\s\S]*?<\/success>|<failure[\s\S]*?<\/failure>/,
      `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`,
    );
    if (sasl.startsWith('<failure')) throw new Error(`SASL failed: ${sasl}`);
    await this.expect(/<\/stream:features>/, header);
    const bound = await this.expect(
      /<iq[^>]*id=['"]bind['"][^>]*>/,
      `<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${xmlEscape(resource)}</resource></bind></iq>`,
    );
    if (!/type=['"]result['"]/.test(bound)) throw new Error(`bind failed: ${bound}`);
  }

  /** Joins with no history (XEP-0045 §7.2.14); resolves once our own presence (status 110) is back. */
  async join(room: string, nick: string): Promise<{ created: boolean }> {
    const self = await this.expect(
      /<presence[^>]*>(?:(?!<\/presence>)[\s\S])*?code=['"]110['"][\s\S]*?<\/presence>|<presence[^>]*type=['"]error['"][\s\S]*?<\/presence>/,
      `<presence to='${xmlEscape(`${room}/${nick}`)}'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>`,
    );
    if (/type=['"]error['"]/.test(self.slice(0, self.indexOf('>')))) throw new Error(`join failed: ${self}`);
    return { created: /code=['"]201['"]/.test(self) };
  }

  /** A new room is locked until its owner accepts the default configuration (XEP-0045 §10.1.2). */
  async instantRoom(room: string): Promise<void> {
    const r = await this.expect(
      /<iq[^>]*id=['"]instant['"][^>]*>/,
      `<iq type='set' id='instant' to='${xmlEscape(room)}'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>` +
        `<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>` +
        `<field var='muc#roomconfig_enablearchiving'><value>${process.env.BENCH_ARCHIVE ?? 0}</value></field></x></query></iq>`,
    );
    if (!/type=['"]result['"]/.test(r)) throw new Error(`room configuration failed: ${r}`);
  }
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function runCrowd(): Promise<void> {
  const send = (m: FromCrowd) => process.send!(m);
  let crowd: RawSession[] = [];
  let cfg: CrowdConfig | undefined;
  // The benchmark went away (finished, or interrupted): so does the crowd.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ToCrowd) => {
    void (async () => {
      if (m.cmd === 'open') {
        const c = (cfg = m.config);
        crowd = new Array<RawSession>(c.sessions);
        await inParallel([...crowd.keys()], 16, async (i) => {
          crowd[i] = await RawSession.open(c, i === 0 ? c.owner : c.crowd, `occupant${i}`);
        });
        // The first one creates the room.
        const first = await crowd[0]!.join(c.room, nickOf(0));
        if (first.created) await crowd[0]!.instantRoom(c.room);
        crowd[0]!.drain();
        send({ opened: crowd.length });
      } else if (m.cmd === 'join' && cfg) {
        const room = cfg.room;
        await inParallel(
          crowd.slice(1).map((s, i) => [s, i + 1] as const),
          16,
          async ([s, i]) => {
            await s.join(room, nickOf(i));
            s.drain();
          },
        );
        send({ joined: crowd.length });
      } else if (m.cmd === 'burst' && cfg) {
        // The last session (a bare one, nothing parsed) notes when the room has sent it everything: how
        // long the server itself takes to deliver the burst, the floor for any client.
        const total = m.messages;
        crowd[crowd.length - 1]!.drain('<body>burst message ', (n) => {
          if (n === total) send({ witnessedAt: Date.now() });
        });
        // Round robin over the live sessions, as fast as the sockets take it.
        const burstStart = Date.now();
        for (let k = 0; k < total; k++) {
          crowd[k % crowd.length]!.sock.write(
            `<message type='groupchat' to='${xmlEscape(cfg.room)}' id='b${k}'><body>burst message ${k}</body></message>`,
          );
        }
        send({ burstStart });
      }
    })().catch((e: Error) => send({ error: e.stack ?? e.message }));
  });
}

const luaStr = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const nickOf = (i: number) => `Guest ${String(i).padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------------
// The benchmark (parent process).
// ---------------------------------------------------------------------------------------------------

/**
 * Runs in the page (plain JavaScript: the bench is type-checked without the DOM library): a
 * requestAnimationFrame loop that times frames and notes what is shown, and a long-task observer.
 *   benchProbe.start(n)   opens a measuring window (frame-gap maximum from now; occupants: wait for n)
 *   benchProbe.report()   what was seen in the window (times as epoch ms)
 */
const PROBE = `(() => {
  const epoch = () => performance.timeOrigin + performance.now();
  const p = { maxGap: 0, longTasks: [], wantOccupants: -1, occupantsAt: undefined, last: [], from: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) p.longTasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  let prev = performance.now();
  let lastText = '';
  const frame = (t) => {
    p.maxGap = Math.max(p.maxGap, t - prev);
    prev = t;
    if (p.wantOccupants >= 0 && p.occupantsAt === undefined) {
      const list = document.querySelector('[data-testid="occupant-list"]');
      const count = document.querySelector('[data-testid="room-occupant-count"]')?.textContent;
      // A list that renders only what is in view says how many it holds in data-count.
      const held = list?.dataset.count !== undefined ? Number(list.dataset.count) : list?.querySelectorAll('[data-testid="occupant-item"]').length;
      if (count === p.wantOccupants + ' people' && held === p.wantOccupants && list.querySelector('[data-testid="occupant-item"]')) p.occupantsAt = epoch();
    }
    const log = document.querySelector('[role="log"][aria-label="Messages"]');
    const items = log?.querySelectorAll('[data-testid="message-item"]');
    const text = items?.[items.length - 1]?.querySelector('[data-testid="message-body"]')?.textContent ?? '';
    if (text !== lastText) {
      lastText = text;
      p.last.push({ at: epoch(), text });
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.benchProbe = {
    start(wantOccupants = -1) {
      p.maxGap = 0;
      p.from = epoch();
      p.wantOccupants = wantOccupants;
      p.occupantsAt = undefined;
    },
    occupantsAt: () => p.occupantsAt,
    shownAt: (text) => p.last.find((l) => l.text === text && l.at >= p.from)?.at,
    report() {
      const tasks = p.longTasks.filter((t) => t.start >= p.from);
      const log = document.querySelector('[role="log"][aria-label="Messages"]');
      return {
        maxGap: p.maxGap,
        longTasks: tasks.length,
        longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
        domNodes: document.getElementsByTagName('*').length,
        atBottom: !!log && log.scrollHeight - log.scrollTop - log.clientHeight < 48,
      };
    },
  };
})()`;
interface ProbeReport {
  maxGap: number;
  longTasks: number;
  longestTask: number;
  domNodes: number;
  atBottom: boolean;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms: number, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function runBench(): Promise<void> {
  const OCCUPANTS = Number(process.argv[2] ?? process.env.BENCH_OCCUPANTS ?? 500);
  const MESSAGES = Number(process.argv[3] ?? process.env.BENCH_MESSAGES ?? 2000);
  // Live sessions: they join for real, speak the burst and receive all of it. The rest are idle.
  const LIVE = Math.max(1, Math.min(OCCUPANTS, Number(process.env.BENCH_LIVE ?? 20)));
  const rendererDir = process.env.VIREO_RENDERER_DIR ?? fileURLToPath(new URL('../dist/renderer', import.meta.url));
  if (!existsSync(path.join(rendererDir, 'index.html')))
    throw new Error(`no renderer build in ${rendererDir}: run \`npm run build:renderer\``);

  // Imported here so that the crowd process loads none of it.
  const { startProsody } = await import('../e2e/fixtures/prosody.js');
  const { startTestCore } = await import('../e2e/fixtures/core-harness.js');
  const { createIpcRouter } = await import('../electron/ipc/router.js');
  const { startBrowserHost } = await import('../electron/host-web/server.js');
  const { chromium } = await import('@playwright/test');
  type MessageView = import('../shared/views.js').MessageView;
  type RoomView = import('../shared/views.js').RoomView;

  const setupStart = Date.now();
  const server = await startProsody();
  let crowd: ChildProcess | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    await server.register('reader', 'reader-pw');
    await server.register('owner', 'owner-pw');
    await server.register('crowd', 'crowd-pw');
    const room = `big@${server.mucDomain}`;

    // The crowd fills the room.
    crowd = fork(here, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_ROOM_CROWD: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const fromCrowd: FromCrowd[] = [];
    crowd.on('message', (m: FromCrowd) => fromCrowd.push(m));
    const crowdSays = <T extends FromCrowd>(what: string, pick: (m: FromCrowd) => m is T, ms: number) =>
      until(
        what,
        () => {
          const err = fromCrowd.find((m): m is { error: string } => 'error' in m);
          if (err) throw new Error(`the crowd failed: ${err.error}`);
          return fromCrowd.find(pick);
        },
        ms,
      );
    const c2sCrowd = {
      host: server.host,
      port: server.directTlsPort,
      domain: server.domain,
      ca: server.cert.pem,
      owner: { user: 'owner', password: 'owner-pw' },
      crowd: { user: 'crowd', password: 'crowd-pw' },
      room,
      sessions: LIVE,
    };
    crowd.send({ cmd: 'open', config: c2sCrowd } satisfies ToCrowd);
    await crowdSays('the room to be created', (m): m is { opened: number } => 'opened' in m, 30_000 + LIVE * 200);
    if (OCCUPANTS > LIVE) {
      // The idle part of the crowd: occupants the room's own code holds (new_occupant, save_occupant).
      // The room routes nothing to them (its route_to_occupant skips them), and the server drops
      // anything else addressed to their sessions, which do not exist.
      const lua = [
        `local room = prosody.hosts[${luaStr(server.mucDomain)}].modules.muc.get_room_from_jid(${luaStr(room)})`,
        'local st = require "util.stanza"',
        `local prefix = ${luaStr(`crowd@${server.domain}/idle`)}`,
        'local function sink(e) local to = e.stanza.attr.to; if to and to:sub(1, #prefix) == prefix then return true end end',
        `local events = prosody.hosts[${luaStr(server.domain)}].events`,
        'events.add_handler("message/full", sink, 1000); events.add_handler("presence/full", sink, 1000)',
        'local idle = {}',
        `for i = ${LIVE}, ${OCCUPANTS - 1} do`,
        `  local real = prefix .. i; local occ = room:new_occupant(${luaStr(`crowd@${server.domain}`)}, ${luaStr(`${room}/`)} .. ("Guest %04d"):format(i))`,
        '  occ:set_session(real, st.presence({ from = real }), true); room:save_occupant(occ); idle[occ.nick] = true',
        'end',
        'local route = room.route_to_occupant',
        'room.route_to_occupant = function(self, occupant, stanza) if not idle[occupant.nick] then return route(self, occupant, stanza) end end',
        'local n = 0; for _ in room:each_occupant() do n = n + 1 end; return "occupants=" .. n',
      ].join(' ');
      const said = await server.shell(`>${lua}`);
      if (!said.includes(`occupants=${OCCUPANTS - LIVE + 1}`)) throw new Error(`placing the idle occupants failed: ${said}`);
    }
    crowd.send({ cmd: 'join' } satisfies ToCrowd);
    await crowdSays('the room to fill', (m): m is { joined: number } => 'joined' in m, 30_000 + LIVE * 500);
    console.log(
      `${OCCUPANTS} occupants in ${room} (${LIVE} live sessions, ${OCCUPANTS - LIVE} idle) after ${((Date.now() - setupStart) / 1000).toFixed(1)} s`,
    );

    // Vireo: the reader's account on a fresh profile, served to Chromium by the browser host.
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-bench-room-'));
    cleanups.push(() => rm(profileDir, { recursive: true, force: true }));
    const vireo = await startTestCore({ profileDir });
    cleanups.push(() => vireo.stop({ keepProfile: true }));
    await vireo.must('accounts:add', {
      jid: `reader@${server.domain}`,
      password: 'reader-pw',
      manual: { host: server.host, port: server.c2sPort },
      pinnedCertificate: server.cert.fingerprint256,
    });
    await vireo.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
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
      ],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
    await page.getByTestId('account-status').filter({ hasText: 'Online' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('sync-status').filter({ hasText: 'Up to date' }).waitFor({ timeout: 20_000 });
    await page.evaluate(PROBE);
    const setupS = (Date.now() - setupStart) / 1000;

    // Join: the room sends everyone's presence, then ours; the list fills.
    const everyone = OCCUPANTS + 1;
    await page.getByTestId('room-join-jid').fill(room);
    await page.getByTestId('room-join-nick').fill('Reader');
    await page.evaluate(`benchProbe.start(${everyone})`);
    // When the core knows everyone (its 'room:updated' with all of them), to tell its part from the page's.
    let coreKnewAt = 0;
    const offJoin = vireo.core.events.subscribe((name, payload) => {
      if (
        name === 'room:updated' &&
        !coreKnewAt &&
        (payload as RoomView).jid === room &&
        (payload as RoomView).occupants.length === everyone
      )
        coreKnewAt = Date.now();
    });
    cleanups.push(async () => offJoin());
    const joinMark = vireo.mark();
    const joinStart = Date.now();
    await page.getByTestId('room-join-submit').click();
    const occupantsAt = await until(
      'the occupant list to show everyone',
      () => page.evaluate<number | undefined>('benchProbe.occupantsAt()'),
      120_000,
      100,
    );
    const join = await page.evaluate<ProbeReport>('benchProbe.report()');
    const occupantsMs = Math.round(occupantsAt - joinStart);
    console.log(
      `occupant list: the core had all ${everyone} people ${coreKnewAt - joinStart} ms after Join, the page showed them after ${occupantsMs} ms; ` +
        `longest frame gap meanwhile ${join.maxGap.toFixed(0)} ms, ` +
        `${join.longTasks} long tasks (longest ${join.longestTask.toFixed(0)} ms)`,
    );
    const updates = vireo.events.slice(joinMark).filter((e) => e.name === 'room:updated');
    const updateBytes = updates.reduce((n, e) => n + JSON.stringify(e.payload).length, 0);
    console.log(
      `the core told the page about the room ${updates.length} times while it filled (${(updateBytes / 1e6).toFixed(1)} MB of JSON)`,
    );

    // Let the join settle (history page, catch-up), then the burst.
    const conv = await until(
      'the room conversation',
      async () => (await vireo.must('chats:list', {})).find((c) => c.peer === room),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    let stored = 0;
    let storedAt = 0;
    let lastBody = '';
    const off = vireo.core.events.subscribe((name, payload) => {
      if (name !== 'message:added') return;
      for (const m of payload as MessageView[]) {
        if (m.conversationId !== conv.id || !m.body.startsWith('burst message ')) continue;
        stored++;
        lastBody = m.body;
        if (stored === MESSAGES) storedAt = Date.now();
      }
    });
    cleanups.push(async () => off());
    await page.evaluate('benchProbe.start()');
    crowd.send({ cmd: 'burst', messages: MESSAGES } satisfies ToCrowd);
    const { burstStart } = await crowdSays('the burst to be sent', (m): m is { burstStart: number } => 'burstStart' in m, 30_000);
    const storeTimeout = 60_000 + MESSAGES * 100;
    await until(`Vireo to store ${MESSAGES} messages`, () => (storedAt ? storedAt : undefined), storeTimeout, 20).catch((e: Error) => {
      throw new Error(`${e.message} (it stored ${stored})`);
    });
    const { witnessedAt } = await crowdSays(
      'a bare occupant to receive the burst',
      (m): m is { witnessedAt: number } => 'witnessedAt' in m,
      storeTimeout,
    );
    const shownAt = await until(
      'the page to show the last message',
      () => page.evaluate<number | undefined>(`benchProbe.shownAt(${JSON.stringify(lastBody)})`),
      120_000,
      100,
    );
    const end = await page.evaluate<ProbeReport>('benchProbe.report()');
    const storeMs = storedAt - burstStart;
    const renderMs = Math.round(shownAt - burstStart);
    console.log(
      `burst: the room delivered all ${MESSAGES} to a bare occupant in ${witnessedAt - burstStart} ms; ` +
        `Vireo's core stored and announced them in ${storeMs} ms, the page showed the last one ("${lastBody}") after ${renderMs} ms` +
        `${end.atBottom ? '' : ' (WARNING: the message list is not scrolled to the bottom)'}`,
    );
    console.log(
      `page during the burst: longest frame gap ${end.maxGap.toFixed(0)} ms, ${end.longTasks} long tasks (longest ${end.longestTask.toFixed(0)} ms); ${end.domNodes} elements at the end`,
    );
    if (pageErrors.length) console.log(`WARNING: page errors: ${pageErrors.join(' | ')}`);
    console.log(
      `room occupants=${OCCUPANTS} messages=${MESSAGES} setup_s=${setupS.toFixed(1)} occupants_render_ms=${occupantsMs} join_frame_gap_ms=${join.maxGap.toFixed(0)} ` +
        `burst_store_ms=${storeMs} burst_render_ms=${renderMs} max_frame_gap_ms=${end.maxGap.toFixed(0)} dom_nodes=${end.domNodes}`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    // 500 sessions leaving one by one would make the room announce each departure to everyone left:
    // the crowd and the server go down hard instead.
    crowd?.kill('SIGKILL');
    await server.kill();
    await server.stop();
  }
}

if (process.env.BENCH_ROOM_CROWD === '1') await runCrowd();
else await runBench();
