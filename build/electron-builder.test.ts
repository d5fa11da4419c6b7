// The packaging config cannot be exercised here (electron-builder downloads Electron and its tools),
// so it is checked the way electron-builder itself checks it first: parsed with the same YAML
// library and validated with its own schema validator (CONTRIBUTING.md "Packaging").
import type { Configuration } from 'electron-builder';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
// electron-builder's own dependencies (untyped CommonJS), so the check matches what it runs.
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

// What electron-builder hands to @electron/fuses when it flips the fuses (app-builder-lib loads in its
// own order: the index first, then the packager module).
require('app-builder-lib');
const { PlatformPackager } = require('app-builder-lib/out/platformPackager.js') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
};
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };

const configPath = path.join(root, 'build', 'electron-builder.yml');
const config = yaml.load(readFileSync(configPath, 'utf8')) as Configuration;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; license: string };

/** Target names of one platform, whether written as strings or as { target } objects. */
function targets(platform: 'linux' | 'win' | 'mac'): string[] {
  const raw = config[platform]?.target;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((t) => (typeof t === 'string' ? t : t.target));
}

describe('build/electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(structuredClone(config), { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('org.vireo.app');
    expect(config.productName).toBe('Vireo');
    expect(pkg.license).toBe('GPL-3.0-or-later');
  });

  it('builds every target ARCHITECTURE.md promises', () => {
    expect(targets('linux')).toEqual(expect.arrayContaining(['AppImage', 'deb', 'tar.gz']));
    expect(targets('win')).toEqual(expect.arrayContaining(['nsis', 'portable']));
    expect(targets('mac')).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.portable?.artifactName).toMatch(/portable/u);
    expect(config.nsis?.artifactName).not.toBe(config.portable?.artifactName);
    // No admin rights needed to install (ARCHITECTURE.md: people on locked-down laptops).
    expect(config.nsis?.perMachine).toBe(false);
  });

  it('packs the bundles, including the entry point package.json names', () => {
    const files = (config.files ?? []) as string[];
    expect(files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json']));
    expect(pkg.main.startsWith('dist/electron/')).toBe(true);
    expect(config.directories?.output).toBe('dist/release');
  });

  it('keeps native addons loadable and rebuilt for Electron', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node']));
    expect(config.npmRebuild).toBe(true);
  });

  it('flips the fuses the Electron security checklist asks for', async () => {
    // https://www.electronjs.org/docs/latest/tutorial/security "Enable security fuses in your application"
    const wanted = {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    };
    expect(config.electronFuses).toEqual(wanted);
    // Each setting reaches the fuse wire under its @electron/fuses name (a key electron-builder does not
    // know would be dropped here, not flipped).
    const flipped = await PlatformPackager.prototype.generateFuseConfig.call(undefined, config.electronFuses);
    expect(flipped).toMatchObject({
      version: '1',
      [FuseV1Options.RunAsNode!]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable!]: false,
      [FuseV1Options.EnableNodeCliInspectArguments!]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]: true,
      [FuseV1Options.OnlyLoadAppFromAsar!]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges!]: false,
    });
    const wires = Object.keys(flipped).filter((k) => /^\d+$/u.test(k));
    expect(wires).toHaveLength(Object.keys(wanted).length);
    // The ASAR checks only mean something when the app is an asar archive.
    expect(config.asar).toBe(true);
  });

  it('registers the xmpp: scheme', () => {
    const protocols = Array.isArray(config.protocols) ? config.protocols : [config.protocols];
    expect(protocols.flatMap((p) => p?.schemes ?? [])).toContain('xmpp');
  });

  it('signs macOS builds with the hardened runtime and a minimal entitlements file', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.category).toBe('public.app-category.social-networking');
    const entitlements = config.mac?.entitlements;
    expect(entitlements).toBeTypeOf('string');
    const file = path.join(root, entitlements as string);
    expect(existsSync(file)).toBe(true);
    const plist = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/gu, '');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/gu)].map((m) => m[1]);
    expect(keys.sort()).toEqual([
      'com.apple.security.cs.allow-jit',
      'com.apple.security.device.camera',
      'com.apple.security.network.client',
    ]);
    // The camera (QR scanning) comes with the sentence macOS shows when it asks; no microphone.
    expect(String((config.mac?.extendInfo as Record<string, unknown> | undefined)?.NSCameraUsageDescription)).toMatch(/camera.*QR code/);
    expect(plist).not.toContain('audio-input');
  });
});
