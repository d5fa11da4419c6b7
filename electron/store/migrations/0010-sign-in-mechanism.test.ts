import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0010-sign-in-mechanism', () => {
  it('keeps existing accounts (mechanism not known yet) and accepts only the password mechanisms Vireo ranks', () => {
    const db = migratedBefore(10);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    expect(migrateTo(db, 10)).toBe(10);
    expect(db.prepare('SELECT jid, sasl_mechanism FROM accounts').get()).toEqual({ jid: 'me@x.y', sasl_mechanism: null });
    for (const m of ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']) {
      db.prepare('UPDATE accounts SET sasl_mechanism = ?').run(m);
      expect(db.prepare('SELECT sasl_mechanism FROM accounts').pluck().get()).toBe(m);
    }
    expect(() => db.prepare(`UPDATE accounts SET sasl_mechanism = 'DIGEST-MD5'`).run()).toThrow(/CHECK/);
  });
});
