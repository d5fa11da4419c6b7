// The encryption of a one-to-one chat in its header: the lock in words, switching with
// 'chat:set-encryption' (asking first before plain text), the chat's warning, and the devices panel.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import {
  account,
  contact,
  conversation,
  convId,
  createFakeBridge,
  ok,
  omemoDevice,
  omemoOwn,
  room,
  roomConversation,
} from '../../test/fake-bridge.js';
import type { ChatEncryptionView, ConversationView } from '$shared/views.js';
import ChatView from './ChatView.svelte';

const BOB = 'bob@example.org';
const ID = convId(BOB);

async function setup(encryption: ChatEncryptionView | undefined, extra: Partial<ConversationView> = {}) {
  const chat = conversation(BOB, { title: 'Bob', ...(encryption ? { encryption } : {}), ...extra });
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () => ok({ contacts: [contact(BOB, { name: 'Bob' })], requests: [] }),
    'chats:list': () => ok([chat]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    'chat:set-encryption': ({ mode }) => ok({ ...chat, encryption: { mode, available: true } }),
    'omemo:devices': ({ jid }) => ok(jid === BOB ? [omemoDevice(BOB, 11)] : []),
    'omemo:own': () => ok(omemoOwn()),
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(ChatView, { props: { conversationId: chat.id }, context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('chat:history')).toHaveLength(1));
  return { fake, app };
}

const toggle = () => screen.getByTestId('encryption-toggle');

describe('ChatView encryption', () => {
  it('says "Encrypted" for an OMEMO chat and asks before switching to plain text', async () => {
    const { fake } = await setup({ mode: 'omemo', available: true });
    expect(toggle().dataset.mode).toBe('omemo');
    expect(toggle().textContent?.trim()).toBe('Encrypted');

    await fireEvent.click(toggle());
    const question = screen.getByRole('alertdialog');
    expect(question.textContent).toContain('readable by the server');
    expect(fake.callsOf('chat:set-encryption')).toEqual([]);
    // The safe answer has the focus, and keeps it encrypted.
    expect(document.activeElement?.textContent).toBe('Keep encrypted');
    await fireEvent.click(within(question).getByRole('button', { name: 'Keep encrypted' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.callsOf('chat:set-encryption')).toEqual([]);

    await fireEvent.click(toggle());
    await fireEvent.click(screen.getByTestId('encryption-plain-confirm'));
    await vi.waitFor(() => expect(toggle().dataset.mode).toBe('plain'));
    expect(fake.callsOf('chat:set-encryption')).toEqual([{ conversationId: ID, mode: 'plain' }]);
    expect(toggle().textContent?.trim()).toBe('Not encrypted');
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('turns encryption on from plain text at once, and follows conversation:updated', async () => {
    const { fake } = await setup({ mode: 'plain', available: true });
    expect(toggle().textContent?.trim()).toBe('Not encrypted');
    await fireEvent.click(toggle());
    await vi.waitFor(() => expect(toggle().dataset.mode).toBe('omemo'));
    expect(fake.callsOf('chat:set-encryption')).toEqual([{ conversationId: ID, mode: 'omemo' }]);

    fake.emit('conversation:updated', conversation(BOB, { title: 'Bob', encryption: { mode: 'plain', available: false } }));
    flushSync();
    expect(toggle().dataset.mode).toBe('plain');
  });

  it('says in words why encryption could not be turned on', async () => {
    const { fake } = await setup({ mode: 'plain', available: false });
    fake.handlers['chat:set-encryption'] = () => ({ ok: false, error: { code: 'omemo-no-devices' } });
    await fireEvent.click(toggle());
    const error = await screen.findByTestId('encryption-error');
    expect(error.textContent).toContain('This contact has no app that can receive encrypted (OMEMO) messages.');
    expect(toggle().dataset.mode).toBe('plain');
  });

  it('shows the chat’s warning with a way to the devices, which lists them', async () => {
    const { fake } = await setup({ mode: 'omemo', available: true, warning: { kind: 'unverified-device', peer: BOB } });
    const warning = screen.getByTestId('chat-encryption-warning');
    expect(warning.textContent).toContain(
      `${BOB} has a device you have not verified. It will not receive your messages until you verify or trust it.`,
    );
    expect(screen.queryByTestId('devices-panel')).toBeNull();
    await fireEvent.click(within(warning).getByRole('button', { name: 'Show devices' }));
    const panel = screen.getByTestId('devices-panel');
    await vi.waitFor(() => expect(within(panel).getAllByTestId('device-row')).toHaveLength(1));
    expect(fake.callsOf('omemo:devices')).toContainEqual({ accountId: account().id, jid: BOB });
    expect(screen.getByTestId('devices-button').getAttribute('aria-expanded')).toBe('true');

    fake.emit('conversation:updated', conversation(BOB, { title: 'Bob', encryption: { mode: 'omemo', available: true } }));
    flushSync();
    expect(screen.queryByTestId('chat-encryption-warning')).toBeNull();
    await fireEvent.click(within(panel).getByTestId('devices-close'));
    expect(screen.queryByTestId('devices-panel')).toBeNull();
  });

  it('opens the devices from the header button', async () => {
    await setup({ mode: 'omemo', available: true });
    expect(screen.queryByTestId('chat-encryption-warning')).toBeNull();
    await fireEvent.click(screen.getByTestId('devices-button'));
    expect(screen.getByTestId('devices-panel')).toBeTruthy();
    // Keyboard first: the focus goes into the panel, and back to the button when it closes.
    expect(document.activeElement?.textContent).toBe('Encryption devices');
    await fireEvent.keyDown(screen.getByTestId('verify-uri-input'), { key: 'Escape' });
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('devices-button')));
    expect(screen.queryByTestId('devices-panel')).toBeNull();
  });

  it('shows no lock and no devices in a room', async () => {
    const TEAM = 'team@conference.example.org';
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chats:list': () => ok([roomConversation(TEAM, { encryption: { mode: 'omemo', available: true } })]),
      'rooms:list': () => ok([room(TEAM)]),
      'chat:history': () => ok({ messages: [], hasMore: false }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    render(ChatView, { props: { conversationId: convId(TEAM) }, context: appContext(app) });
    expect(screen.getByTestId('occupant-toggle')).toBeTruthy();
    expect(screen.queryByTestId('encryption-toggle')).toBeNull();
    expect(screen.queryByTestId('devices-button')).toBeNull();
  });
});
