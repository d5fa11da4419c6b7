// Reading a busy chat: every new message asks to mark it read, but while the core is answering one
// request the next ones become a single request after it (a burst sends a few, not thousands).
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState } from './app.svelte.js';
import { account, conversation, convId, createFakeBridge, ok } from '../test/fake-bridge.js';

const BOB = 'bob@example.org';

describe('AppState.markRead', () => {
  it('clears the unread count at once and keeps at most one request on its way, plus one after it', async () => {
    const answers: Array<() => void> = [];
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chats:list': () => ok([conversation(BOB, { unread: 3 })]),
      'chat:mark-read': () => new Promise((resolve) => answers.push(() => resolve(ok(null)))),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();

    const first = app.markRead(convId(BOB));
    expect(app.conversations.get(convId(BOB))?.unread).toBe(0);
    for (let i = 0; i < 50; i++) void app.markRead(convId(BOB));
    await Promise.resolve();
    expect(fake.callsOf('chat:mark-read')).toHaveLength(1);

    answers.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.callsOf('chat:mark-read')).toHaveLength(2);
    answers.shift()!();
    await first;
    expect(fake.callsOf('chat:mark-read')).toHaveLength(2);

    // Quiet again: the next message is marked with a request of its own.
    const again = app.markRead(convId(BOB));
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.callsOf('chat:mark-read')).toHaveLength(3);
    answers.shift()!();
    await again;
  });
});
