// 0010: the strongest password mechanism (SASL, RFC 6120 §6) each account's server has offered. A later
// sign-in that offers only weaker ones is refused until the user accepts the weaker sign-in: otherwise
// anyone able to tamper with the stream before TLS is checked, or a misconfigured server, could make
// Vireo send the password with PLAIN where SCRAM (RFC 5802) never lets the server see it.
// NULL: not known yet (an account from before this migration learns it at its next sign-in).
import type { Migration } from './types.js';

export const migration0010: Migration = {
  version: 10,
  name: 'sign-in-mechanism',
  up(db) {
    db.exec(`ALTER TABLE accounts ADD COLUMN sasl_mechanism TEXT
      CHECK (sasl_mechanism IS NULL OR sasl_mechanism IN ('SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'));`);
  },
};
