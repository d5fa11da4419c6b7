#!/usr/bin/env node
// Part of `npm run lint` (issue #12 §1): no import cycles between folders. A cycle inside one folder
// (two files of one feature that know each other) is that feature's business; a cycle that crosses
// folders means a layer or a feature reaches back into one that depends on it, and fails the lint.
import madge from 'madge';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const result = await madge(['electron', 'shared', 'renderer/src'], {
  baseDir: root,
  fileExtensions: ['ts'],
  excludeRegExp: [/\.test\.ts$/, /\.itest\.ts$/, /node_modules/],
  tsConfig: path.join(root, 'tsconfig.json'),
  detectiveOptions: { ts: { skipTypeImports: false } },
});
const crossing = result.circular().filter((cycle) => new Set(cycle.map((f) => path.dirname(f))).size > 1);
if (crossing.length) {
  console.error(`import cycles across folders (${crossing.length}):`);
  for (const c of crossing) console.error(`  ${[...c, c[0]].join(' → ')}`);
  process.exit(1);
}
console.log(`import cycles across folders: none (${Object.keys(result.obj()).length} modules)`);
