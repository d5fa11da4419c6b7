// The sandboxed preload (ARCHITECTURE.md "Process model"). A sandboxed preload may only require
// 'electron' (and a few Node polyfills), so build/scripts/build-electron.mjs bundles this file and
// everything it imports into one CommonJS file, dist/electron/preload.cjs.
import { contextBridge, ipcRenderer } from 'electron';
import { createVireoBridge } from './preload-api.js';

// contextIsolation: the page sees a frozen copy of these two functions on `window.vireo`, never
// ipcRenderer or any Electron object.
contextBridge.exposeInMainWorld('vireo', createVireoBridge(ipcRenderer));
