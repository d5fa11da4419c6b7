// A small JSON map on disk shared by the file-based secret backends. Writes are atomic (temp file +
// rename) so a crash or power cut never leaves a half-written file that would lose every saved
// secret, and the file is created 0600 so other users on the machine cannot read it.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

export type StringMap = Record<string, string>;

/** Reads the map; a missing file is an empty map. A damaged file is an error rather than an empty map,
 *  because treating it as empty would overwrite (and so destroy) whatever was still recoverable. */
export async function readMap(file: string): Promise<StringMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The saved secrets file ${file} is damaged (not valid JSON); move it away to start over`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`The saved secrets file ${file} is damaged (unexpected content); move it away to start over`);
  }
  return parsed as StringMap;
}

/** Replaces the file with `map` atomically; removes it when the map is empty, so that forgetting the
 *  last secret leaves nothing behind on disk. */
export async function writeMap(file: string, map: StringMap): Promise<void> {
  if (Object.keys(map).length === 0) {
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx' + 0o600: a fresh file nobody else can read, never an existing one we would inherit modes from.
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(map, null, 2) + '\n', 'utf8');
    await fh.sync(); // the data must be on disk before the rename makes it the real file
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Loads the map once, then serialises every change: two concurrent set() calls must not both read
 *  the old map and lose one another's write. One instance per file per process is assumed. */
export function createMapFile(file: string) {
  let current: Promise<StringMap> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): Promise<StringMap> => {
    if (!current) {
      current = readMap(file);
      current.catch(() => {
        current = undefined; // retry on the next call instead of failing forever
      });
    }
    return current;
  };

  return {
    async read(): Promise<StringMap> {
      await queue.catch(() => undefined);
      return { ...(await load()) };
    },
    update(change: (map: StringMap) => void): Promise<void> {
      const run = queue
        .catch(() => undefined)
        .then(async () => {
          const next = { ...(await load()) };
          change(next);
          await writeMap(file, next);
          current = Promise.resolve(next); // only after the write succeeded
        });
      queue = run;
      return run;
    },
  };
}
