// `npm run bench:login`: CPU per login with Vireo's SCRAM-SHA-256 (Node crypto) against the stock
// @xmpp/client mechanism, same Prosody, same run; plus the round trips Vireo needs until bound.
// Usage: tsx bench/login.ts [N]   (default N = 20)
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProsody } from '../e2e/fixtures/prosody.js';
import { closeClient, createXmppClient } from '../electron/xmpp/client.js';
import { startTurnProxy } from './turn-proxy.js';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// One account, one password: the cache a Vireo core keeps per account (reconnects skip PBKDF2).
const scramCache = new Map<string, Buffer>();
async function vireoLogin(service: string, pinned: string, i: number) {
  const c = createXmppClient({
    jid: 'bench@example.test',
    password: 'bench-password',
    resource: `vireo-${i}`,
    service,
    pinned,
    scramCache,
  });
  c.on('error', () => {});
  const before = process.cpuUsage();
  await c.start();
  const used = process.cpuUsage(before);
  const mech = c.mechanism;
  await closeClient(c);
  return { cpuMs: (used.user + used.system) / 1000, mech };
}

const server = await startProsody();
try {
  await server.register('bench', 'bench-password');
  const service = `xmpp://127.0.0.1:${server.c2sPort}`;
  // The first login is cold: module loading, JIT, and PBKDF2 before the salted password is cached.
  const cold = (await vireoLogin(service, server.cert.fingerprint256, -1)).cpuMs;
  const vireo: number[] = [];
  let mechanism: string | undefined;
  for (let i = 0; i < N; i++) {
    const r = await vireoLogin(service, server.cert.fingerprint256, i);
    vireo.push(r.cpuMs);
    mechanism = r.mech;
  }

  const proxy = await startTurnProxy({ host: '127.0.0.1', port: server.c2sPort });
  proxy.reset();
  await vireoLogin(`xmpp://127.0.0.1:${proxy.port}`, server.cert.fingerprint256, 999);
  const roundTrips = proxy.turns();
  await proxy.close();

  const caFile = path.join(server.dataDir, 'bench-ca.pem');
  await writeFile(caFile, server.cert.pem);
  const stock = await new Promise<number[]>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, 'login-stock.ts'),
        service,
        server.domain,
        'bench',
        'bench-password',
        String(Math.max(3, Math.min(N, 10))),
      ],
      {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve((JSON.parse(out.trim().split('\n').pop()!) as { cpuMs: number[] }).cpuMs)
        : reject(new Error(`stock login exited ${code}`)),
    );
  });

  const v = median(vireo);
  const s = median(stock.slice(1)); // the first stock login also pays for module loading
  console.log(
    `vireo: ${N} logins with ${mechanism}, median ${v.toFixed(1)} ms CPU (min ${Math.min(...vireo).toFixed(1)}, max ${Math.max(...vireo).toFixed(1)})`,
  );
  console.log(`vireo cold first login (PBKDF2 + module loading): ${cold.toFixed(1)} ms CPU`);
  console.log(`stock: ${stock.length} logins with @xmpp/client SCRAM-SHA-1, median ${s.toFixed(1)} ms CPU`);
  console.log(`login cpu_ms=${v.toFixed(1)} stock_cpu_ms=${s.toFixed(1)} speedup=${(s / v).toFixed(1)} round_trips=${roundTrips}`);
} finally {
  await server.stop();
}
