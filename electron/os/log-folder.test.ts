// "Open log folder" opens the profile's logs folder (made if missing), or says where it is.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLogFolder } from './log-folder.js';
import { logFolderView } from '../lib/log-file.js';

const dirs: string[] = [];
const profile = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'vireo-profile-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openLogFolder', () => {
  it('asks the system to open <profile>/logs, creating it first', async () => {
    const dir = profile();
    const openPath = vi.fn(async (_p: string) => '');
    const r = await openLogFolder({ shell: { openPath }, profileDir: dir, log: { warn: vi.fn() } });
    expect(r).toEqual({ ok: true, value: { path: path.join(dir, 'logs'), opened: true } });
    expect(openPath).toHaveBeenCalledWith(path.join(dir, 'logs'));
    expect(statSync(path.join(dir, 'logs')).isDirectory()).toBe(true);
    if (process.platform !== 'win32') expect(statSync(path.join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('gives the path to show when the system cannot open it', async () => {
    const dir = profile();
    const warn = vi.fn();
    const r = await openLogFolder({ shell: { openPath: async () => 'no file manager' }, profileDir: dir, log: { warn } });
    expect(r).toEqual({ ok: true, value: { path: path.join(dir, 'logs'), opened: false } });
    expect(warn).toHaveBeenCalledWith('could not open the log folder: no file manager');
  });
});

describe('logFolderView (the browser host)', () => {
  it('says where the folder is, without opening anything', () => {
    const dir = profile();
    expect(logFolderView(dir)).toEqual({ path: path.join(dir, 'logs'), opened: false });
    expect(statSync(path.join(dir, 'logs')).isDirectory()).toBe(true);
  });
});
