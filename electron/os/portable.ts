// Portable mode (ARCHITECTURE.md "Packaging": a portable build keeps its profile beside the executable —
// for people without admin rights who carry Vireo in one folder). Pure: no Electron import.
import path from 'node:path';

/** Name of the profile folder next to the executable. */
export const PORTABLE_DATA_DIR = 'VireoData';
/** An empty file with this name next to the executable turns any build portable. */
export const PORTABLE_MARKER = 'portable';

export interface PortableProbe {
  env: Record<string, string | undefined>;
  /** process.execPath */
  execPath: string;
  exists(file: string): boolean;
}

/**
 * The profile folder to use instead of the OS default, or undefined for a normal install.
 * electron-builder's portable .exe unpacks the app to a temporary folder and starts it from there;
 * its launcher sets PORTABLE_EXECUTABLE_DIR to the folder that holds the .exe the user clicked
 * (app-builder-lib templates/nsis/portable.nsi), so that is where the profile belongs.
 */
export function portableDataDir(probe: PortableProbe): string | undefined {
  const fromLauncher = probe.env.PORTABLE_EXECUTABLE_DIR;
  if (fromLauncher !== undefined && fromLauncher.trim() !== '') {
    return path.join(fromLauncher, PORTABLE_DATA_DIR);
  }
  const exeDir = path.dirname(probe.execPath);
  if (probe.exists(path.join(exeDir, PORTABLE_MARKER))) return path.join(exeDir, PORTABLE_DATA_DIR);
  return undefined;
}
