// The sidebar as a person sees it: chats by last activity with unread badges, contacts, requests,
// and the Ctrl+K jump field — driven through the real stores over a fake bridge.
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

  it('lists contacts with presence and subscription hints, and opens a chat on click', async () => {
    const { fake, app } = await setup();
    fake.handlers['chat:open'] = ({ peer }) => ok(conversation(peer, { title: 'Bob' }));
    const carol = screen.getAllByTestId('contact-item').find((el) => el.dataset.jid === 'carol@example.org')!;
    expect(carol.textContent).toContain('Offline');
    expect(carol.textContent).toContain('Waiting for them to accept');
    const bob = screen.getAllByTestId('contact-item').find((el) => el.dataset.jid === 'bob@example.org')!;
    await fireEvent.click(within(bob).getByRole('button', { name: /^Bob/ }));
    await vi.waitFor(() => expect(app.selected).toBe(conversation('bob@example.org').id));
    expect(fake.callsOf('chat:open')).toEqual([{ accountId: ACCOUNT_ID, peer: 'bob@example.org' }]);
  });

  it('accepts a request, renames and removes (after confirming) a contact, adds a contact', async () => {
    const { fake } = await setup();
    const request = screen.getByTestId('request-item');
    expect(request.dataset.jid).toBe('dave@example.org');
    await fireEvent.click(within(request).getByTestId('request-accept'));
    expect(fake.callsOf('roster:accept')).toEqual([{ accountId: ACCOUNT_ID, jid: 'dave@example.org' }]);

    const bob = () => screen.getAllByTestId('contact-item').find((el) => el.dataset.jid === 'bob@example.org')!;
    await fireEvent.click(within(bob()).getByTestId('contact-rename'));
    const input = within(bob()).getByTestId('contact-rename-input');
    await fireEvent.input(input, { target: { value: 'Bobby' } });
    await fireEvent.submit(input.closest('form')!);
    expect(fake.callsOf('roster:rename')).toEqual([{ accountId: ACCOUNT_ID, jid: 'bob@example.org', name: 'Bobby' }]);
    await vi.waitFor(() => expect(within(bob()).queryByTestId('contact-rename-input')).toBeNull());

    await fireEvent.click(within(bob()).getByTestId('contact-remove'));
    expect(fake.callsOf('roster:remove')).toHaveLength(0);
    await fireEvent.click(within(bob()).getByTestId('contact-remove-confirm'));
    expect(fake.callsOf('roster:remove')).toEqual([{ accountId: ACCOUNT_ID, jid: 'bob@example.org' }]);
    // Main answers with the change; the contact goes away.
    fake.emit('roster:changed', { accountId: ACCOUNT_ID, contacts: [], removed: ['bob@example.org' as BareJid] });
    await vi.waitFor(() => expect(screen.getAllByTestId('contact-item').map((el) => el.dataset.jid)).toEqual(['carol@example.org']));

    await fireEvent.input(screen.getByTestId('add-contact-jid'), { target: { value: 'erin@example.org' } });
    await fireEvent.input(screen.getByTestId('add-contact-name'), { target: { value: 'Erin' } });
    await fireEvent.click(screen.getByTestId('add-contact-submit'));
    expect(fake.callsOf('roster:add')).toEqual([{ accountId: ACCOUNT_ID, jid: 'erin@example.org', name: 'Erin' }]);
  });

  it('Ctrl+K focuses the jump field, which filters chats and contacts', async () => {
    await setup();
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const jump = screen.getByTestId<HTMLInputElement>('jump');
    expect(document.activeElement).toBe(jump);
    await fireEvent.input(jump, { target: { value: 'mi' } });
    expect(peers()).toEqual(['mid@example.org']);
    expect(screen.queryAllByTestId('contact-item')).toHaveLength(0);
    await fireEvent.input(jump, { target: { value: 'bob' } });
    expect(screen.getAllByTestId('contact-item').map((el) => el.dataset.jid)).toEqual(['bob@example.org']);
  });
});
