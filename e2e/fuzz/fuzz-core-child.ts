// A Vireo core in its own process for the fuzzer, driven like e2e/fixtures/core-child.ts (JSON lines
// on stdin/stdout), except that an uncaught exception or unhandled rejection is counted and reported
// ({"uncaught": "…"}) instead of ending the process: the fuzzer wants the number, and to see whether
// the account still works afterwards. Its peak memory is read from /proc by the parent.
import readline from 'node:readline';
import { createAppCore } from '../../electron/core/app-core.js';
import { chooseSecretStore } from '../../electron/secrets/choose.js';
import { createIpcRouter } from '../../electron/ipc/router.js';

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const report = (kind: string) => (err: unknown) => {
  const e = err as Error;
  console.error(`fuzz core: ${kind}`, e?.stack ?? e);
  out({ uncaught: `${kind}: ${e?.stack ?? String(e)}`.slice(0, 2000) });
};
process.on('uncaughtException', report('uncaught exception'));
process.on('unhandledRejection', report('unhandled rejection'));

const profileDir = process.argv[2];
if (!profileDir) throw new Error('usage: fuzz-core-child.ts PROFILE_DIR');
const secrets = await chooseSecretStore({ profileDir, forced: 'plain-file' });
const core = await createAppCore({
  profileDir,
  secrets,
  host: 'browser-host',
  backoff: { first: 200, max: 2000 },
  proxyFor: async () => undefined,
});
const router = createIpcRouter(core.handlers);
core.events.subscribe((event, payload) => out({ event, payload }));
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const msg = JSON.parse(line) as { id: number; command: string; input: unknown };
  out({ id: msg.id, result: await router.dispatch(msg.command, msg.input, true) });
});
process.on('SIGTERM', () => void core.stop().finally(() => process.exit(0)));
await core.start();
out({ ready: true });
