// The profile is private to its user (issue #11 §5): after Vireo starts, the folder is 0700 and the
// database (with its -wal and -shm), the secrets file and log files are 0600 — for a new profile and
// for one an older version or a copy left readable by others. POSIX only; Windows is left alone.
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore } from '../../e2e/fixtures/core-harness.js';
import { secureProfileDir } from './private-profile.js';

const mode = async (p: string) => (await stat(p)).mode & 0o777;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const d = await mkdtemp(path.join(os.tmpdir(), 'vireo-modes-'));
  dirs.push(d);
  return d;
}

describe.runIf(process.platform !== 'win32')('the profile folder and its files', () => {
  it('a new profile is created 0700 with the database, -wal and -shm 0600, whatever the umask allows', async () => {
    const profileDir = path.join(await tempDir(), 'new-profile');
    const t = await startTestCore({ profileDir });
    try {
      expect(await mode(profileDir)).toBe(0o700);
      for (const f of ['vireo.sqlite', 'vireo.sqlite-wal', 'vireo.sqlite-shm'])
        expect([f, await mode(path.join(profileDir, f))]).toEqual([f, 0o600]);
    } finally {
      await t.stop();
    }
  });

  it('an existing 0755 profile with 0644 files is tightened to 0700 and 0600 at start, and nothing in it is lost', async () => {
    const profileDir = path.join(await tempDir(), 'old-profile');
    await mkdir(profileDir);
    // A profile as an older Vireo (or a copy) left it: a database with an account in it, its WAL
    // files, the clear-text secrets file and a log, all readable by everyone.
    const old = new Database(path.join(profileDir, 'vireo.sqlite'));
    old.exec(`CREATE TABLE keep (v TEXT); INSERT INTO keep VALUES ('still here');`);
    old.close();
    await writeFile(path.join(profileDir, 'vireo.sqlite-wal'), '');
    await writeFile(path.join(profileDir, 'vireo.sqlite-shm'), '');
    await writeFile(path.join(profileDir, 'secrets.plain.json'), '{"password:a@b.c": "pw"}\n');
    await writeFile(path.join(profileDir, 'vireo.log'), 'a log line\n');
    const files = ['vireo.sqlite', 'vireo.sqlite-wal', 'vireo.sqlite-shm', 'secrets.plain.json', 'vireo.log'];
    for (const f of files) await chmod(path.join(profileDir, f), 0o644);
    await chmod(profileDir, 0o755);

    const t = await startTestCore({ profileDir });
    try {
      expect(await mode(profileDir)).toBe(0o700);
      for (const f of files) expect([f, await mode(path.join(profileDir, f))]).toEqual([f, 0o600]);
      expect(await t.must('accounts:list', {})).toEqual([]);
    } finally {
      await t.stop({ keepProfile: true });
    }
    const db = new Database(path.join(profileDir, 'vireo.sqlite'), { readonly: true });
    expect(db.prepare('SELECT v FROM keep').pluck().get()).toBe('still here');
    db.close();
  });

  it('never follows a symlink out of the profile', async () => {
    const base = await tempDir();
    const outside = path.join(base, 'outside.log');
    await writeFile(outside, 'not ours\n');
    await chmod(outside, 0o644);
    const profileDir = path.join(base, 'profile');
    await mkdir(profileDir);
    await symlink(outside, path.join(profileDir, 'vireo.log'));
    secureProfileDir(profileDir);
    expect(await mode(outside)).toBe(0o644);
    expect(await mode(profileDir)).toBe(0o700);
  });
});

describe('on Windows', () => {
  it('only creates the folder, leaving modes to the system', async () => {
    const profileDir = path.join(await tempDir(), 'win');
    await mkdir(profileDir, { mode: 0o755 });
    await chmod(profileDir, 0o755);
    secureProfileDir(profileDir, 'win32');
    expect(await mode(profileDir)).toBe(0o755);
  });
});
