import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { account, contact, conversation, convId, createFakeBridge, message, ok } from '../../test/fake-bridge.js';
import type { MessageId } from '$shared/ids.js';
import ChatView from './ChatView.svelte';

const BOB = 'bob@example.org';
const ID = convId(BOB);

async function setup(extra: ReturnType<typeof message>[] = []) {
  const older = [message(BOB, { body: 'oldest' })];
  const newest = [
    message(BOB, { body: '<img src=x onerror=alert(1)>' }),
    message(BOB, { direction: 'out', state: 'sent', body: 'hi Bob' }),
    ...extra,
  ];
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () => ok({ contacts: [contact(BOB, { name: 'Bob', presence: 'away' })], requests: [] }),
    'chats:list': () => ok([conversation(BOB, { title: 'Bob', unread: 2 })]),
    'chat:history': (input) => ok(input.beforeId ? { messages: older, hasMore: false } : { messages: newest, hasMore: true }),
    'chat:send': ({ body }) =>
      ok(message(BOB, { id: 'sent-1' as MessageId, direction: 'out', state: 'pending', body, timestamp: Date.now() })),
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  app.selected = ID;
  const r = render(ChatView, { props: { conversationId: ID }, context: appContext(app) });
  await vi.waitFor(() => expect(screen.getAllByTestId('message-item')).toHaveLength(2 + extra.length));
  return { fake, app, ...r };
}

describe('ChatView', () => {
  it('loads the newest history, shows who it is with, and renders bodies as text', async () => {
    const { fake, container } = await setup();
    expect(fake.callsOf('chat:history')).toEqual([{ conversationId: ID, limit: 50 }]);
    const view = screen.getByTestId('chat-view');
    expect(view.querySelector('h2')?.textContent).toBe('Bob');
    expect(view.textContent).toContain('Away');
    const items = screen.getAllByTestId('message-item');
    expect(items.map((el) => el.dataset.direction)).toEqual(['in', 'out']);
    expect(screen.getAllByTestId('message-body')[0]?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
    expect(items[1]?.textContent).toContain('Sent');
    // Keyboard first: the reply box has the focus.
    expect(document.activeElement).toBe(screen.getByTestId('composer'));
  });

  it('marks the chat read when shown, and again when a message arrives while shown', async () => {
    const { fake, app } = await setup();
    await vi.waitFor(() => expect(fake.callsOf('chat:mark-read')).toEqual([{ conversationId: ID }]));
    expect(app.conversations.get(ID)?.unread).toBe(0);

    fake.emit('message:added', [message(BOB, { body: 'are you there?' })]);
    fake.emit('conversation:updated', conversation(BOB, { title: 'Bob', unread: 1 }));
    flushSync();
    await vi.waitFor(() => expect(fake.callsOf('chat:mark-read')).toHaveLength(2));
    expect(screen.getAllByTestId('message-item')).toHaveLength(3);
  });

  it('a notice that arrives while shown marks nothing again (it is nobody’s message)', async () => {
    const { fake } = await setup();
    await vi.waitFor(() => expect(fake.callsOf('chat:mark-read')).toHaveLength(1));
    fake.emit('message:added', [message(BOB, { body: '', notice: { kind: 'removed', nick: 'Carol', cause: 'kicked' } })]);
    flushSync();
    await vi.waitFor(() => expect(screen.getByTestId('room-notice')).toBeTruthy());
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.callsOf('chat:mark-read')).toHaveLength(1);
  });

  it('sends with Enter, shows Sending… then the state main reports', async () => {
    const { fake } = await setup();
    const box = screen.getByTestId('composer');
    await fireEvent.input(box, { target: { value: 'see you' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    await vi.waitFor(() => expect(fake.callsOf('chat:send')).toEqual([{ conversationId: ID, body: 'see you' }]));
    const last = () => screen.getAllByTestId('message-item').at(-1)!;
    await vi.waitFor(() => expect(last().dataset.state).toBe('pending'));
    expect(last().textContent).toContain('Sending…');

    fake.emit('message:updated', {
      ...message(BOB),
      id: 'sent-1' as MessageId,
      direction: 'out',
      state: 'sent',
      body: 'see you',
      timestamp: Date.now(),
    });
    flushSync();
    expect(last().dataset.state).toBe('sent');
    expect(screen.getAllByTestId('message-item')).toHaveLength(3);
  });

  it('loads older messages before the oldest one shown', async () => {
    const { fake } = await setup();
    expect(fake.callsOf('chat:history')).toHaveLength(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('message-item')).toHaveLength(3));
    const firstShown = fake.callsOf('chat:history').length === 2 ? screen.getAllByTestId('message-item')[1] : undefined;
    expect(firstShown).toBeDefined();
    expect(fake.callsOf('chat:history')[1]?.beforeId).toMatch(/^m\d+$/);
    expect(screen.getAllByTestId('message-body')[0]?.textContent).toBe('oldest');
    expect(screen.queryByRole('button', { name: 'Load older messages' })).toBeNull();
  });

  it('retries a failed message: shows why it failed, calls chat:retry, then follows the updates', async () => {
    const failed = message(BOB, {
      id: 'f-1' as MessageId,
      direction: 'out',
      state: 'failed',
      body: 'lost?',
      error: { kind: 'bounced', condition: 'item-not-found' },
    });
    const { fake } = await setup([failed]);
    fake.handlers['chat:retry'] = () => ok({ ...failed, state: 'pending', error: undefined });
    const item = () => screen.getAllByTestId('message-item').find((el) => el.textContent?.includes('lost?'))!;
    expect(item().dataset.state).toBe('failed');
    expect(screen.getByTestId('message-error').textContent).toBe('This address does not exist.');

    await fireEvent.click(screen.getByTestId('message-retry'));
    await vi.waitFor(() => expect(item().dataset.state).toBe('pending'));
    expect(fake.callsOf('chat:retry')).toEqual([{ messageId: 'f-1' }]);
    expect(item().textContent).toContain('Sending…');
    expect(screen.queryByTestId('message-retry')).toBeNull();

    fake.emit('message:updated', { ...failed, state: 'delivered', error: undefined });
    flushSync();
    expect(item().dataset.state).toBe('delivered');
    expect(screen.getAllByTestId('message-item')).toHaveLength(3);
  });

  it('says why a retry was refused and keeps the message failed', async () => {
    const failed = message(BOB, { id: 'f-2' as MessageId, direction: 'out', state: 'failed', body: 'again?' });
    const { fake } = await setup([failed]);
    fake.handlers['chat:retry'] = () => ({ ok: false, error: { code: 'not-connected' } });
    await fireEvent.click(screen.getByTestId('message-retry'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This account is not connected right now.');
    expect(screen.getByTestId('message-retry')).toBeTruthy();
    const item = screen.getAllByTestId('message-item').find((el) => el.textContent?.includes('again?'))!;
    expect(item.dataset.state).toBe('failed');
  });
});
