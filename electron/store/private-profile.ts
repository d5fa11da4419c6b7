// The profile folder is private to the user who runs Vireo (issue #11 §5): the history in the database
// is stored unencrypted (as Conversations, Dino and Gajim store theirs), so on POSIX systems the folder
// is 0700 and the files Vireo keeps in it are 0600, whatever the umask and whatever an older version or
// a copied profile left behind. Windows is left alone: its profile folders are private by their ACLs,
// and chmod there only toggles the read-only flag.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The files of the profile that only the user may read: the database with its WAL and shared-memory
 * files, the secret files (electron/secrets/choose.ts) and any log file.
 */
export function isPrivateProfileFile(name: string): boolean {
  return /^vireo\.sqlite(-wal|-shm|-journal)?$/.test(name) || /^secrets\.(plain|enc)\.json$/.test(name) || name.endsWith('.log');
}

const posix = (platform: NodeJS.Platform) => platform !== 'win32';

/** Creates the profile folder 0700, or tightens an existing one, and its private files to 0600. */
export function secureProfileDir(profileDir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(profileDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!posix(platform)) return;
  chmodSync(profileDir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(profileDir)) {
    const file = path.join(profileDir, name);
    // lstat: a symlink is never followed, so nothing outside the profile is ever changed.
    if (isPrivateProfileFile(name) && lstatSync(file).isFile()) chmodSync(file, PRIVATE_FILE_MODE);
  }
}

/**
 * Creates `file` empty with mode 0600 if it does not exist (SQLite opens an empty file as a new
 * database). SQLite's unix VFS gives the -wal and -shm files it creates the mode of the database
 * file, so they are 0600 too.
 */
export function createPrivateFile(file: string, platform: NodeJS.Platform = process.platform): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if (posix(platform)) chmodSync(file, PRIVATE_FILE_MODE);
}
