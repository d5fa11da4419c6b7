// The log file a user attaches to a report: three files of at most 1 MB, private to the user, redacted,
// and every line on disk the moment it is logged.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_MAX_BYTES, logFolderOf, openLogFile } from './log-file.js';
import { createLogger, startFileLog, stopFileLog } from './log.js';

const posix = process.platform !== 'win32';
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'vireo-log-'));
  dirs.push(d);
  return d;
};
const mode = (p: string) => statSync(p).mode & 0o777;

afterEach(() => {
  stopFileLog();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openLogFile', () => {
  it('rotates at the size limit and keeps three files, the newest lines in vireo.log', () => {
    const dir = path.join(tempDir(), 'logs');
    const sink = openLogFile({ dir, maxBytes: 1000 });
    const line = (i: number) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(89)}`; // 100 bytes with \n
    for (let i = 0; i < 45; i++) sink.write(line(i));
    sink.close();
    expect(readdirSync(dir).sort()).toEqual(['vireo.log', 'vireo.log.1', 'vireo.log.2']);
    for (const f of readdirSync(dir)) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(1000);
    const current = readFileSync(path.join(dir, 'vireo.log'), 'utf8');
    expect(current).toContain(line(44));
    expect(readFileSync(path.join(dir, 'vireo.log.1'), 'utf8')).toContain(line(39));
    expect(readFileSync(path.join(dir, 'vireo.log.2'), 'utf8')).toContain(line(29));
    // The oldest lines are gone, not kept in a fourth file.
    expect([current, readFileSync(path.join(dir, 'vireo.log.2'), 'utf8')].join()).not.toContain(line(0));
  });

  it('makes the folder and files readable by the user only, also ones left by an older run', () => {
    if (!posix) return;
    const dir = path.join(tempDir(), 'logs');
    const sink = openLogFile({ dir, maxBytes: 200 });
    sink.write('a'.repeat(150));
    sink.write('b'.repeat(150));
    sink.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'vireo.log'))).toBe(0o600);
    expect(mode(path.join(dir, 'vireo.log.1'))).toBe(0o600);
    chmodSync(path.join(dir, 'vireo.log'), 0o644);
    chmodSync(dir, 0o755);
    openLogFile({ dir }).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'vireo.log'))).toBe(0o600);
  });

  it('appends to the file of an earlier run and counts its size', () => {
    const dir = path.join(tempDir(), 'logs');
    openLogFile({ dir }).close();
    writeFileSync(path.join(dir, 'vireo.log'), 'y'.repeat(950));
    const sink = openLogFile({ dir, maxBytes: 1000 });
    sink.write('z'.repeat(99));
    sink.close();
    expect(readFileSync(path.join(dir, 'vireo.log.1'), 'utf8')).toBe('y'.repeat(950));
    expect(readFileSync(path.join(dir, 'vireo.log'), 'utf8')).toBe(`${'z'.repeat(99)}\n`);
  });

  it('is 1 MB per file by default', () => {
    expect(LOG_MAX_BYTES).toBe(1024 * 1024);
  });
});

describe('startFileLog', () => {
  it('writes info and up to <profile>/logs/vireo.log at once, redacted, while the console gets warnings', () => {
    vi.stubEnv('VIREO_LOG', '');
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const profile = tempDir();
    expect(startFileLog(profile)).toBe(logFolderOf(profile));
    const log = createLogger('test');
    log.debug('debug line');
    log.info('sign-in of alice@example.org via 203.0.113.7:5222 with password=hunter2');
    log.warn('dropped <message><body>secret plans</body></message>');
    log.error('boom', new Error('failed for bob@example.net'));
    // Synchronous: on disk before anything could crash.
    const text = readFileSync(path.join(profile, 'logs', 'vireo.log'), 'utf8');
    expect(text).not.toContain('debug line');
    expect(text).toMatch(/^\S+ INFO \[log\] started: pid \d+, /u);
    expect(text).toMatch(/INFO \[test\] sign-in of ~[0-9a-f]{6}@example\.org via \[ip\]:5222 with password=\[redacted\]/u);
    for (const secret of ['alice', '203.0.113.7', 'hunter2', 'secret plans', 'bob@']) expect(text).not.toContain(secret);
    expect(text).toMatch(/ERROR \[test\] boom Error: failed for ~[0-9a-f]{6}@example\.net\n\s+at /u);
    expect(out).not.toHaveBeenCalled();
    expect(err).toHaveBeenCalledTimes(2);
  });

  it('writes nothing until started (tests and plain library use)', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const profile = tempDir();
    createLogger('test').error('not written');
    expect(readdirSync(profile)).toEqual([]);
  });

  it('keeps debug lines in the file when VIREO_LOG=debug', () => {
    vi.stubEnv('VIREO_LOG', 'debug');
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const profile = tempDir();
    startFileLog(profile);
    createLogger('test').debug('details');
    expect(readFileSync(path.join(profile, 'logs', 'vireo.log'), 'utf8')).toContain('DEBUG [test] details');
  });
});
