// Vireo's application menu: the standard menus everywhere, no developer items in a packaged build.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, menuRoles } from './app-menu.js';

const labels = (t: ReturnType<typeof appMenuTemplate>) => t.map((m) => m.label);
const DEVELOPER_ROLES = ['toggleDevTools', 'reload', 'forceReload'];

describe('appMenuTemplate', () => {
  it.each(['linux', 'win32'] as const)('has File, Edit, View, Window and Help on %s, with the standard roles', (platform) => {
    const t = appMenuTemplate({ platform, isPackaged: true, appName: 'Vireo' });
    expect(labels(t)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const roles = menuRoles(t);
    expect(roles).toEqual(
      expect.arrayContaining([
        'quit',
        'undo',
        'redo',
        'cut',
        'copy',
        'paste',
        'selectAll',
        'zoomIn',
        'zoomOut',
        'resetZoom',
        'togglefullscreen',
        'minimize',
        'close',
        'about',
      ]),
    );
    // No roles that exist only on macOS.
    expect(roles).not.toContain('services');
    expect(roles).not.toContain('window');
    expect(roles).not.toContain('help');
  });

  it('has the app menu, the Window menu and the Help menu macOS expects', () => {
    const t = appMenuTemplate({ platform: 'darwin', isPackaged: true, appName: 'Vireo' });
    expect(labels(t)).toEqual(['Vireo', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(menuRoles(t.slice(0, 1))).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(menuRoles(t.slice(1, 2))).toEqual(['close']);
    expect(t[4]!.role).toBe('window');
    expect(t[5]!.role).toBe('help');
    expect(menuRoles(t)).toContain('pasteAndMatchStyle');
  });

  it.each(['linux', 'win32', 'darwin'] as const)(
    'offers no DevTools or reload in a packaged build on %s, and does in development',
    (platform) => {
      const packaged = menuRoles(appMenuTemplate({ platform, isPackaged: true, appName: 'Vireo' }));
      for (const role of DEVELOPER_ROLES) expect(packaged).not.toContain(role);
      const development = menuRoles(appMenuTemplate({ platform, isPackaged: false, appName: 'Vireo' }));
      expect(development).toEqual(expect.arrayContaining(DEVELOPER_ROLES));
    },
  );

  it('finds roles at any depth', () => {
    expect(menuRoles([{ label: 'a', submenu: [{ label: 'b', submenu: [{ role: 'toggleDevTools' }] }] }])).toEqual(['toggleDevTools']);
  });

  it.each(['linux', 'win32', 'darwin'] as const)('offers Help → Open Log Folder on %s, which opens it', (platform) => {
    let opened = 0;
    const t = appMenuTemplate({ platform, isPackaged: true, appName: 'Vireo', openLogFolder: () => opened++ });
    const help = t.at(-1)!;
    const item = (help.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Open Log Folder');
    expect(item).toBeDefined();
    (item!.click as () => void)();
    expect(opened).toBe(1);
  });
});
