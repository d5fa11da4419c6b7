// Snapshot first, then pushed events — including events that arrive while the snapshot loads.
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState } from './app.svelte.js';
import { ACCOUNT_ID, account, contact, conversation, convId, createFakeBridge, message, occupant, ok, room } from '../test/fake-bridge.js';
import type { BareJid, MessageId } from '$shared/ids.js';
import type { ConversationView } from '$shared/views.js';

describe('AppState', () => {
  it('applies events that arrive while the snapshot is loading after the snapshot', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = createFakeBridge({
      'accounts:list': () => ok([account({ connection: { accountId: ACCOUNT_ID, status: 'connecting' } })]),
      'roster:snapshot': () => ok({ contacts: [contact('bob@example.org')], requests: [] }),
      'chats:list': async () => {
        await gate;
        return ok([conversation('bob@example.org', { lastActivity: 1 })]);
      },
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    const started = app.start();
    await Promise.resolve();
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'online' });
    fake.emit('conversation:updated', conversation('bob@example.org', { lastActivity: 5, unread: 3 }));
    release();
    await started;
    expect(app.status).toBe('ready');
    expect(app.accounts.connection(ACCOUNT_ID).status).toBe('online');
    expect(app.conversations.get(convId('bob@example.org'))?.unread).toBe(3);
  });

  it('upserts and removes contacts, replaces requests per account', async () => {
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'roster:snapshot': () =>
        ok({
          contacts: [contact('bob@example.org'), contact('carol@example.org')],
          requests: [{ accountId: ACCOUNT_ID, jid: 'dave@example.org' as BareJid, receivedAt: 1 }],
        }),
      'chats:list': () => ok([]),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    fake.emit('roster:changed', {
      accountId: ACCOUNT_ID,
      contacts: [contact('bob@example.org', { name: 'Bobby' }), contact('erin@example.org')],
      removed: ['carol@example.org' as BareJid],
    });
    expect(app.roster.contacts.map((c) => c.name)).toEqual(['Bobby', 'erin']);
    fake.emit('roster:requests', { accountId: ACCOUNT_ID, requests: [] });
    expect(app.roster.requests).toEqual([]);
  });

  it('orders conversations by last activity and dedupes messages by id', async () => {
    const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), 'chats:list': () => ok([]) });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    const c = (peer: string, lastActivity: number): ConversationView => conversation(peer, { lastActivity });
    fake.emit('conversation:updated', c('a@x.org', 10));
    fake.emit('conversation:updated', c('b@x.org', 30));
    fake.emit('conversation:updated', c('c@x.org', 20));
    expect(app.conversations.ordered.map((x) => x.peer)).toEqual(['b@x.org', 'c@x.org', 'a@x.org']);

    const m1 = message('a@x.org', { timestamp: 2 });
    const m2 = message('a@x.org', { timestamp: 1 });
    fake.emit('message:added', [m1, m2]);
    fake.emit('message:added', [m1]);
    fake.emit('message:updated', { ...m1, body: 'edited' });
    const list = app.messages.thread(convId('a@x.org')).messages;
    expect(list.map((m) => m.id)).toEqual([m2.id, m1.id]);
    expect(list[1]?.body).toBe('edited');
  });

  it('stops applying events after stop()', async () => {
    const fake = createFakeBridge({ 'accounts:list': () => ok([]) });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    app.stop();
    fake.emit('accounts:changed', [account()]);
    expect(app.accounts.list).toEqual([]);
  });

  it('keeps the sync state per account', async () => {
    const fake = createFakeBridge({ 'accounts:list': () => ok([account()]) });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    expect(app.sync.get(ACCOUNT_ID)).toBeUndefined();
    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'catching-up', fetched: 10 });
    expect(app.sync.get(ACCOUNT_ID)).toEqual({ accountId: ACCOUNT_ID, phase: 'catching-up', fetched: 10 });
  });

  it('a late "pending" answer to retry does not undo a "sent" that came first', async () => {
    const failed = message('bob@example.org', { id: 'r-1' as MessageId, direction: 'out', state: 'failed' });
    let answer!: () => void;
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chat:retry': () => new Promise((r) => (answer = () => r(ok({ ...failed, state: 'pending' })))),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    fake.emit('message:added', [failed]);
    const retried = app.retry(failed.id);
    await Promise.resolve();
    fake.emit('message:updated', { ...failed, state: 'sent' });
    answer();
    expect(await retried).toBeUndefined();
    expect(app.messages.thread(failed.conversationId).messages[0]?.state).toBe('sent');
    expect(fake.callsOf('chat:retry')).toEqual([{ messageId: 'r-1' }]);
  });

  it('loads rooms with the snapshot, applies room:updated, and shows a joined room before its conversation arrives', async () => {
    const TEAM = 'team@conference.example.org';
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'rooms:list': () => ok([room(TEAM, { state: 'joining', occupants: [] })]),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    expect(app.rooms.list.map((r) => [r.jid, r.state])).toEqual([[TEAM, 'joining']]);
    fake.emit('room:updated', room(TEAM, { occupants: [occupant('alice', { isSelf: true }), occupant('bob')] }));
    expect(app.rooms.get(ACCOUNT_ID, TEAM as BareJid)?.occupants.map((o) => o.nick)).toEqual(['alice', 'bob']);
    expect(app.rooms.byConversation(convId(TEAM))?.state).toBe('joined');
    // No 'conversation:updated' yet: the room stands in for its conversation.
    expect(app.conversation(convId(TEAM))).toMatchObject({ kind: 'room', peer: TEAM, unread: 0 });
  });
});
