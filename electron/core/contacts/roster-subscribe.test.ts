// A contact's subscription request that Vireo answers by itself (they are already allowed to see our
// presence) while the stream dies under the answer: the app must not crash on the failed write (an
// unhandled rejection ends Node), and the request must not be lost — it waits for the user instead.
import { afterEach, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { openDatabase, type Db } from '../../store/db.js';
import { createAccountsRepo } from '../../store/accounts-repo.js';
import { createRosterRepo } from '../../store/roster-repo.js';
import { createEventBus } from '../kernel/events.js';
import { createRosterService } from './roster.js';
import type { ConnectionService } from '../session/connections.js';
import type { XmppClient } from '../../xmpp/client.js';
import type { AccountId, BareJid } from '../../../shared/ids.js';

let dir: string;
let db: Db;
afterEach(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

it('keeps a subscription request whose automatic answer could not be written, without an unhandled rejection', async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vireo-roster-'));
  db = openDatabase(dir);
  const accountId = 'acc' as AccountId;
  createAccountsRepo(db).insert({
    id: accountId,
    jid: 'alice@example.test' as BareJid,
    displayName: 'alice',
    enabled: true,
    secretBackend: 'plain-file',
    resource: 'r',
    createdAt: 0,
  });
  const repo = createRosterRepo(db);
  repo.upsert({ accountId, jid: 'bob@example.test' as BareJid, groups: [], subscription: 'both', pendingOut: false });

  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    let middleware: ((ctx: { stanza: Element }, next: () => Promise<unknown>) => unknown) | undefined;
    const client = {
      jid: { toString: () => 'alice@example.test/r' },
      send: () =>
        Promise.reject(Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' })),
      iqCallee: { set() {}, get() {} },
      middleware: { use: (fn: typeof middleware) => void (middleware = fn) },
    } as unknown as XmppClient;
    const events = createEventBus();
    const told: unknown[] = [];
    events.subscribe((name, payload) => name === 'roster:requests' && told.push(payload));
    const roster = createRosterService({
      repo,
      accounts: createAccountsRepo(db),
      events,
      connections: { client: () => client } as unknown as ConnectionService,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    roster.installOn(accountId, client);
    await middleware!({ stanza: xml('presence', { from: 'bob@example.test/phone', type: 'subscribe' }) }, async () => undefined);
    await new Promise((r) => setTimeout(r, 50));

    expect(unhandled).toEqual([]);
    expect(repo.requests(accountId).map((r) => r.jid)).toEqual(['bob@example.test']);
    expect(told).toHaveLength(1);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
