// 0003: why one of our messages bounced (shown under it, with a retry).
import type { Migration } from './types.js';

export const migration0003: Migration = {
  version: 3,
  name: 'message-errors',
  up(db) {
    db.exec(`ALTER TABLE messages ADD COLUMN error TEXT;`);
  },
};
