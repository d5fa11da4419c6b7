// A message sent twice (the sender never saw the server's acknowledgement, so it sent it again with
// the same XEP-0359 origin-id: the archive holds two copies under two archive ids) keeps the order it
// was written in, when the later copy arrived live before the catch-up brought the earlier one. Found by
// the fault matrix ("Prosody killed and restarted": bob showed alice's messages as 0, 5, 1, 2, 3, 4).
// What pageForward in sync.ts does with one archive page: place the results, then store each one that
// is not a copy of what is stored (the store stage's duplicate check is the repository's unique index).
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/client';
import { openDatabase, type Db } from '../../store/db.js';
import { createMessagesRepo, conversationIdOf } from '../../store/messages-repo.js';
import type { AccountId } from '../../../shared/ids.js';
import type { MamResult } from '../../xmpp/xep/0313-mam.js';
import { keysInArchiveOrder } from './archive-order.js';
import { placeResults } from './sync.js';

let dir: string;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ALICE = 'alice@example.test';
const result = (archiveId: string, originId: string, body: string, stamp: number): MamResult => ({
  archiveId,
  delayedAt: stamp,
  forwarded: xml(
    'message',
    { from: `${ALICE}/phone`, to: 'bob@example.test', type: 'chat', id: originId },
    xml('body', {}, body),
    xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: originId }),
  ),
});

it('the earlier copy in the archive is known by its origin-id: what follows it goes after the copy we have', () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-resend-'));
  db = openDatabase(dir);
  db.prepare(
    `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'bob@example.test', 'Bob', 'memory', 'r', 0)`,
  ).run();
  const repo = createMessagesRepo(db);
  const acc = 'acc' as AccountId;
  const conversationId = conversationIdOf(acc, ALICE);
  const now = 1_000_000;
  // Alice wrote 0, 1, 2 while the server went down. Only 0 and 2 never reached bob; 1 was written again
  // after the restart (archive id A1b) and reached bob live before his catch-up.
  repo.add(
    acc,
    ALICE,
    { conversationId, direction: 'in', state: 'received', body: 'a→b 1', timestamp: now + 9000, originId: 'o1', stanzaId: 'A1b' },
    { atEnd: true },
  );
  // The catch-up page: the first copies in the order the server archived them, then the second copy of 1.
  const page = [
    result('A0', 'o0', 'a→b 0', now + 1000),
    result('A1', 'o1', 'a→b 1', now + 2000),
    result('A2', 'o2', 'a→b 2', now + 2000),
    result('A1b', 'o1', 'a→b 1', now + 8000),
  ];
  const keys = keysInArchiveOrder(placeResults(repo, acc, page), -Infinity, now + 10_000);
  page.forEach((r, i) =>
    repo.add(
      acc,
      ALICE,
      {
        conversationId,
        direction: 'in',
        state: 'received',
        body: r.forwarded.getChildText('body')!,
        timestamp: r.delayedAt!,
        originId: r.forwarded.getChild('origin-id')!.attrs.id as string,
        stanzaId: r.archiveId,
        sortKey: keys[i]!,
      },
      { countUnread: false },
    ),
  );
  expect(repo.history(conversationId, 10).messages.map((m) => m.body)).toEqual(['a→b 0', 'a→b 1', 'a→b 2']);
});
