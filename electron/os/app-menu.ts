// Vireo's own application menu (ARCHITECTURE.md "Security of the shell"). Electron's default menu
// carries "Toggle Developer Tools" and "Force Reload" for every window; a packaged Vireo offers neither
// (Electron security checklist, https://www.electronjs.org/docs/latest/tutorial/security; and
// `devTools: !app.isPackaged` in the window's webPreferences). Items use Electron's standard roles
// (https://www.electronjs.org/docs/latest/api/menu-item#roles), so the operating system's own
// labels, shortcuts and behaviours apply (Cmd/Ctrl+C, the macOS Services and Window menus).
// A template only: main.ts builds it with Menu.buildFromTemplate, so this is unit-tested under Node.
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** app.isPackaged: the developer items (DevTools, reload) exist only in development. */
  isPackaged: boolean;
  appName: string;
  /** Help → Open Log Folder (os/log-folder.ts), to attach the log file to a report. */
  openLogFolder?: () => void;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function appMenuTemplate({ platform, isPackaged, appName, openLogFolder }: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const menu: MenuItemConstructorOptions[] = [];

  if (mac) {
    // macOS names its first menu after the app and keeps About, Services, Hide and Quit there.
    menu.push({
      label: appName,
      submenu: [
        { role: 'about' },
        separator,
        { role: 'services' },
        separator,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        separator,
        { role: 'quit' },
      ],
    });
  }

  menu.push({ label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] });

  menu.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  });

  const developer: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  menu.push({
    label: 'View',
    submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
  });

  menu.push({
    label: 'Window',
    // role 'window' makes it macOS's Window menu (the list of open windows).
    ...(mac ? { role: 'window' as const } : {}),
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });

  menu.push({
    label: 'Help',
    // role 'help' gives macOS's Help menu its search field; About sits in the app menu there.
    ...(mac ? { role: 'help' as const } : {}),
    submenu: [
      ...(openLogFolder ? [{ label: 'Open Log Folder', click: () => openLogFolder() }] : []),
      ...(mac ? [] : [...(openLogFolder ? [separator] : []), { role: 'about' as const, label: `About ${appName}` }]),
    ],
  });

  return menu;
}

/** Every role anywhere in a template (for the checks of what a packaged build offers). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : [])]);
}
