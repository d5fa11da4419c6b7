// The sidebar as a person sees it: conversations by last activity with unread badges, the account, the
// New menu and the pending row, and the Ctrl+K filter — driven through the real stores over a fake bridge.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../stores/app.svelte.js';
import { ACCOUNT_ID, account, contact, conversation, createFakeBridge, ok } from '../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import Sidebar from './Sidebar.svelte';

async function setup() {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () =>
      ok({
        contacts: [
          contact('bob@example.org', { name: 'Bob' }),
          contact('carol@example.org', { name: 'Carol', presence: 'offline', subscription: 'none', pendingOut: true }),
        ],
        requests: [{ accountId: ACCOUNT_ID, jid: 'dave@example.org' as BareJid, receivedAt: 1 }],
      }),
    'chats:list': () =>
      ok([
        conversation('old@example.org', { title: 'Old', lastActivity: 1000 }),
        conversation('new@example.org', {
          title: 'New',
          lastActivity: 3000,
          unread: 2,
          lastMessage: { body: '<img src=x onerror=alert(1)>', direction: 'in' },
        }),
        conversation('mid@example.org', { title: 'Mid', lastActivity: 2000 }),
      ]),
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = render(Sidebar, { context: appContext(app) });
  return { fake, app, ...r };
}

const peers = () => screen.getAllByTestId('chat-item').map((el) => el.dataset.peer);

describe('Sidebar', () => {
  it('orders chats by last activity, shows unread and the last message as text', async () => {
    const { container, fake } = await setup();
    expect(peers()).toEqual(['new@example.org', 'mid@example.org', 'old@example.org']);
    const newest = screen.getAllByTestId('chat-item')[0]!;
    expect(within(newest).getByTestId('chat-unread').textContent).toBe('2');
    expect(newest.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getAllByTestId('chat-unread')).toHaveLength(1);

    // A new message in the oldest chat moves it to the top.
    fake.emit('conversation:updated', conversation('old@example.org', { title: 'Old', lastActivity: 4000, unread: 1 }));
    flushSync();
    expect(peers()).toEqual(['old@example.org', 'new@example.org', 'mid@example.org']);
    expect(screen.getAllByTestId('chat-unread')).toHaveLength(2);
  });

  it('shows the account state in words', async () => {
    const { fake } = await setup();
    expect(screen.getByTestId('account-status').textContent).toBe('Online');
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'error', error: { code: 'server-unreachable' } });
    flushSync();
    expect(screen.getByTestId('account-status').textContent).toBe('Vireo could not reach the server.');
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(fake.callsOf('accounts:connect')).toEqual([{ accountId: ACCOUNT_ID }]);
  });

  it('holds the New menu on top and one row for what waits for an answer', async () => {
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'New chat, contact or room' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toContain('Start a chat');
    // Dave's request is one row over the list, not a permanent section; contacts are in the New menu.
    expect(screen.getByRole('navigation', { name: 'Conversations' }).textContent).toContain('1 contact request');
    expect(screen.queryAllByTestId('contact-item')).toHaveLength(0);
    expect(screen.queryByTestId('add-contact-jid')).toBeNull();
    expect(screen.queryByTestId('room-join-jid')).toBeNull();
  });

  it('Ctrl+K focuses the filter; Enter opens the first match, or the chat with a matching contact', async () => {
    const { fake, app } = await setup();
    fake.handlers['chat:open'] = ({ peer }) => ok(conversation(peer, { title: 'Bob' }));
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const jump = screen.getByTestId<HTMLInputElement>('jump');
    expect(document.activeElement).toBe(jump);
    await fireEvent.input(jump, { target: { value: 'mi' } });
    expect(peers()).toEqual(['mid@example.org']);
    await fireEvent.input(jump, { target: { value: 'bob' } });
    expect(screen.queryAllByTestId('chat-item')).toHaveLength(0);
    expect(screen.getByTestId('list-empty').textContent).toContain('No conversation matches');
    await fireEvent.keyDown(jump, { key: 'Enter' });
    await vi.waitFor(() => expect(app.selected).toBe(conversation('bob@example.org').id));
    expect(fake.callsOf('chat:open')).toEqual([{ accountId: ACCOUNT_ID, peer: 'bob@example.org' }]);
  });
});
