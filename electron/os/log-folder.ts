// "Open log folder" (issue #12 §6): the system's file manager shows the folder of Vireo's log file, so a
// user can attach it to a report. Used by the 'app:open-log-folder' command and the Help menu.
import type { Shell } from 'electron';
import { ok, type Result } from '../../shared/errors.js';
import type { LogFolderView } from '../../shared/views.js';
import { ensureLogFolder, logFolderOf } from '../lib/log-file.js';
import type { Logger } from '../lib/log.js';

export interface LogFolderDeps {
  shell: Pick<Shell, 'openPath'>;
  profileDir: string;
  log: Pick<Logger, 'warn'>;
}

/** Opens the folder; when the system cannot (no file manager), the window still gets the path to show. */
export async function openLogFolder(deps: LogFolderDeps): Promise<Result<LogFolderView>> {
  const dir = logFolderOf(deps.profileDir);
  ensureLogFolder(dir);
  // shell.openPath answers '' on success, else the reason (https://www.electronjs.org/docs/latest/api/shell).
  const failure = await deps.shell.openPath(dir);
  if (failure !== '') deps.log.warn(`could not open the log folder: ${failure}`);
  return ok({ path: dir, opened: failure === '' });
}
