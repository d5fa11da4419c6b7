// `npm start`: launch the desktop app, or say in one sentence why it cannot start here
// (CONTRIBUTING.md "The Electron runtime": installs made with
// ELECTRON_SKIP_BINARY_DOWNLOAD have electron's JavaScript and types but no runtime binary).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MISSING =
  'The Electron runtime is not installed on this machine (`bash build/setup.sh` downloads it where the internet is reachable); run `npm run start:web` to use Vireo in your browser instead.';

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL('../../dist/electron/main.cjs', import.meta.url));

/** electron's index.js exports the binary's path, and throws when path.txt (written after download) is missing. */
function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (binary === undefined) {
  console.error(MISSING);
  process.exit(1);
}
// `--check`: `npm start` asks first, so that a machine without the runtime is told before a build.
if (process.argv[2] === '--check') process.exit(0);

// ELECTRON_RUN_AS_NODE inherited from a parent tool would start plain Node instead of the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;

const child = spawn(binary, [main, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`Could not start Electron: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
