import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlainFileStore } from './plain-file-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vireo-plain-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plain-file store (explicit choice only)', () => {
  it('remembers passwords across a restart (a new store on the same file)', async () => {
    const file = join(dir, 'profile', 'secrets.plain.json'); // profile dir does not exist yet
    const a = createPlainFileStore(file);
    expect(a.backend).toBe('plain-file');
    await a.set('alice@example.org', 'pässwörd "quoted"');
    await a.set('bob@example.org', 'second');
    const b = createPlainFileStore(file);
    expect(await b.get('alice@example.org')).toBe('pässwörd "quoted"');
    expect(await b.get('bob@example.org')).toBe('second');
    expect(await b.get('nobody')).toBeUndefined();
  });

  it('creates the file readable by the owner only (0600) and leaves no temp files', async () => {
    const file = join(dir, 'secrets.plain.json');
    const s = createPlainFileStore(file);
    await s.set('k', 'v');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await s.set('k', 'v2'); // a rewrite keeps the mode
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.plain.json']);
  });

  it('delete forgets the secret, also after a restart; deleting the last one removes the file', async () => {
    const file = join(dir, 'secrets.plain.json');
    const s = createPlainFileStore(file);
    await s.set('a', '1');
    await s.set('b', '2');
    await s.delete('a');
    expect(await createPlainFileStore(file).get('a')).toBeUndefined();
    expect(await createPlainFileStore(file).get('b')).toBe('2');
    expect(await readFile(file, 'utf8')).not.toContain('"a"');
    await s.delete('b');
    await s.delete('never-set'); // not an error
    expect(existsSync(file)).toBe(false);
  });

  it('does not lose a write when several happen at once', async () => {
    const file = join(dir, 'secrets.plain.json');
    const s = createPlainFileStore(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set(`k${i}`, `v${i}`)));
    const again = createPlainFileStore(file);
    for (let i = 0; i < 20; i++) expect(await again.get(`k${i}`)).toBe(`v${i}`);
  });

  it('refuses to overwrite a damaged file (which would destroy what is left in it)', async () => {
    const file = join(dir, 'secrets.plain.json');
    await writeFile(file, '{ not json');
    const s = createPlainFileStore(file);
    await expect(s.get('k')).rejects.toThrow(/damaged/);
    await expect(s.set('k', 'v')).rejects.toThrow(/damaged/);
    expect(await readFile(file, 'utf8')).toBe('{ not json');
  });
});
