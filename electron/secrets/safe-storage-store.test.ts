import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSafeStorageStore } from './safe-storage-store.js';
import { fakeSafeStorage } from './test-doubles.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vireo-safe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SECRET = 'correct horse battery staple';

describe('safe-storage store', () => {
  it('remembers a password across a restart (new store, same file, same OS key)', async () => {
    const file = join(dir, 'secrets.enc.json');
    const ss = fakeSafeStorage();
    const a = createSafeStorageStore(file, ss);
    expect(a.backend).toBe('safe-storage');
    await a.set('alice@example.org', SECRET);
    const b = createSafeStorageStore(file, fakeSafeStorage({ key: ss.key }));
    expect(await b.get('alice@example.org')).toBe(SECRET);
    expect(await b.get('other')).toBeUndefined();
  });

  it('never writes the password in clear: the raw file holds neither it nor its plain base64', async () => {
    const file = join(dir, 'secrets.enc.json');
    const s = createSafeStorageStore(file, fakeSafeStorage());
    await s.set('acct', SECRET);
    const raw = await readFile(file);
    expect(raw.includes(Buffer.from(SECRET))).toBe(false);
    expect(raw.includes(Buffer.from(Buffer.from(SECRET).toString('base64')))).toBe(false);
    expect(raw.toString('utf8')).toContain('"acct"'); // the key name is not secret
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.enc.json']);
  });

  it('delete forgets the secret, also after a restart', async () => {
    const file = join(dir, 'secrets.enc.json');
    const ss = fakeSafeStorage();
    const s = createSafeStorageStore(file, ss);
    await s.set('a', 'one');
    await s.set('b', 'two');
    await s.delete('a');
    const again = createSafeStorageStore(file, ss);
    expect(await again.get('a')).toBeUndefined();
    expect(await again.get('b')).toBe('two');
    await s.delete('b');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to start when system encryption is unavailable, with a clear message', () => {
    expect(() => createSafeStorageStore(join(dir, 'x.json'), fakeSafeStorage({ available: false }))).toThrow(/encryption is not available/);
  });

  it.runIf(process.platform === 'linux')("refuses Chromium's basic_text mode (a hard-coded key is not protection)", () => {
    expect(() => createSafeStorageStore(join(dir, 'x.json'), fakeSafeStorage({ backend: 'basic_text' }))).toThrow(/no password manager/);
  });

  it('says so plainly when the OS key changed and a saved secret cannot be decrypted', async () => {
    const file = join(dir, 'secrets.enc.json');
    await createSafeStorageStore(file, fakeSafeStorage()).set('acct', SECRET);
    const otherKey = createSafeStorageStore(file, fakeSafeStorage());
    await expect(otherKey.get('acct')).rejects.toThrow(/could not be decrypted/);
  });
});
