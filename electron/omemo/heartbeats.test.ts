import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateOmemo } from './migrations/index.js';
import { createHeartbeats } from './heartbeats.js';
import { createDeviceLists } from './device-lists.js';

describe('heartbeat counters', () => {
  it('count per device, start again once answered, and survive closing the database', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-heartbeats-'));
    try {
      const file = path.join(dir, 'db.sqlite');
      let db = new Database(file);
      migrateOmemo(db);
      let hb = createHeartbeats(db);
      for (let i = 0; i < 30; i++) hb.received('acc', 'bob@x', 11);
      expect(hb.received('acc', 'bob@x', 22)).toBe(1);
      expect(hb.received('other', 'bob@x', 11)).toBe(1);
      db.close();

      // A restart: the same file, a new service.
      db = new Database(file);
      migrateOmemo(db);
      hb = createHeartbeats(db);
      expect(hb.unanswered('acc', 'bob@x', 11)).toBe(30);
      expect(hb.received('acc', 'bob@x', 11)).toBe(31);
      hb.answered('acc', 'bob@x', [11, 33]);
      expect(hb.unanswered('acc', 'bob@x', 11)).toBe(0);
      expect(hb.unanswered('acc', 'bob@x', 22)).toBe(1);
      expect(hb.received('acc', 'bob@x', 11)).toBe(1);

      // An account whose OMEMO is forgotten (new device) forgets its counts too.
      createDeviceLists(db).forgetAccount('acc');
      expect(hb.unanswered('acc', 'bob@x', 22)).toBe(0);
      expect(hb.unanswered('other', 'bob@x', 11)).toBe(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
