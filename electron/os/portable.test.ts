import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { portableDataDir } from './portable.js';

const execPath = path.join('/media/usb/Vireo', 'vireo');

describe('portableDataDir', () => {
  it('uses the folder of the portable .exe that electron-builder’s launcher reports', () => {
    const dir = portableDataDir({ env: { PORTABLE_EXECUTABLE_DIR: '/media/usb' }, execPath: '/tmp/xyz/Vireo.exe', exists: () => false });
    expect(dir).toBe(path.join('/media/usb', 'VireoData'));
  });

  it('turns portable when a `portable` file sits beside the executable', () => {
    const marker = path.join('/media/usb/Vireo', 'portable');
    const dir = portableDataDir({ env: {}, execPath, exists: (f) => f === marker });
    expect(dir).toBe(path.join('/media/usb/Vireo', 'VireoData'));
  });

  it('is a normal install otherwise', () => {
    expect(portableDataDir({ env: { PORTABLE_EXECUTABLE_DIR: '  ' }, execPath, exists: () => false })).toBeUndefined();
    expect(portableDataDir({ env: {}, execPath, exists: () => false })).toBeUndefined();
  });
});
