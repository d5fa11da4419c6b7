// The log file in the profile (issue #12 §6): `<profile>/logs/vireo.log`, rotated at 1 MB into
// vireo.log.1 and vireo.log.2 (three files at most), readable by the user only. Lines are written
// synchronously: a crash must not take its last lines with it, and Vireo logs little.
import { closeSync, chmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogFolderView } from '../../shared/views.js';

export const LOG_DIR_NAME = 'logs';
export const LOG_FILE_NAME = 'vireo.log';
export const LOG_MAX_BYTES = 1024 * 1024;
/** The current file and two older ones. */
export const LOG_FILES = 3;

/** The folder the user is shown ("Open log folder") and attaches to a report. */
export function logFolderOf(profileDir: string): string {
  return path.join(profileDir, LOG_DIR_NAME);
}

/** Creates the log folder (owner only) if it is missing. */
export function ensureLogFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored for a folder that exists.
  chmodQuietly(dir, 0o700);
}

/**
 * The answer to 'app:open-log-folder' where no folder can be opened (the browser host): the folder,
 * made if missing, for the window to show.
 */
export function logFolderView(profileDir: string): LogFolderView {
  const dir = logFolderOf(profileDir);
  ensureLogFolder(dir);
  return { path: dir, opened: false };
}

export interface LogFileSink {
  write(line: string): void;
  close(): void;
  readonly file: string;
}

export interface LogFileOptions {
  dir: string;
  maxBytes?: number;
  files?: number;
}

export function openLogFile(opts: LogFileOptions): LogFileSink {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const files = Math.max(1, opts.files ?? LOG_FILES);
  const file = path.join(opts.dir, LOG_FILE_NAME);
  ensureLogFolder(opts.dir);
  let fd: number | undefined;
  let size = 0;

  const open = () => {
    fd = openSync(file, 'a', 0o600);
    // A file left by an older version (or created under another umask) is made private too.
    chmodQuietly(file, 0o600);
    size = fstatSync(fd).size;
  };
  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${file}.${files - 1}`, { force: true });
    for (let i = files - 2; i >= 1; i--) renameQuietly(`${file}.${i}`, `${file}.${i + 1}`);
    if (files > 1) renameQuietly(file, `${file}.1`);
    else rmSync(file, { force: true });
    open();
  };

  open();
  return {
    file,
    write(line) {
      const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      if (fd === undefined) return;
      // One line never grows past the limit on its own.
      const chunk = bytes.length > maxBytes ? Buffer.concat([bytes.subarray(0, maxBytes - 4), Buffer.from('…\n')]) : bytes;
      writeSync(fd, chunk);
      size += chunk.length;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function chmodQuietly(p: string, mode: number): void {
  try {
    chmodSync(p, mode);
  } catch {
    // Windows has no such modes; the profile folder is the user's own there.
  }
}

function renameQuietly(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
