// While this device's OMEMO keys are being opened or made ('omemo:status' 'preparing',
// ChatEncryptionView.preparing), a one-to-one chat says so in words — on the lock in the header and in
// the devices panel's own section — instead of "not ready" or nothing, and clears once they are ready.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, contact, conversation, createFakeBridge, ok, omemoOwn, type Handlers } from '../../test/fake-bridge.js';
import type { ChatEncryptionView } from '$shared/views.js';
import ChatView from '../chat/ChatView.svelte';

const BOB = 'bob@example.org';
const PREPARING =
  'Encryption is being prepared: Vireo is opening this device’s encryption keys, or making them if this is the first time. Encrypted messages wait and are sent as soon as the keys are ready.';

async function setup(encryption: ChatEncryptionView, handlers: Handlers = {}) {
  const chat = conversation(BOB, { title: 'Bob', encryption });
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () => ok({ contacts: [contact(BOB, { name: 'Bob' })], requests: [] }),
    'chats:list': () => ok([chat]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    'omemo:devices': () => ok([]),
    ...handlers,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'preparing' });
  render(ChatView, { props: { conversationId: chat.id }, context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('chat:history')).toHaveLength(1));
  return { fake, chat };
}

describe('OMEMO keys being prepared on this device', () => {
  it('the lock says encryption is being prepared and that messages wait; the devices panel says it instead of a fingerprint; both clear when ready', async () => {
    // Main answers 'omemo:own' only once the keys are open.
    let keysOpen: () => void = () => {};
    const opened = new Promise<void>((r) => (keysOpen = r));
    const { fake, chat } = await setup(
      { mode: 'omemo', available: true, preparing: true },
      {
        'omemo:own': async () => (await opened, ok(omemoOwn())),
      },
    );
    const toggle = screen.getByTestId('encryption-toggle');
    expect(toggle.textContent?.trim()).toBe('Preparing encryption…');
    expect(toggle.getAttribute('title')).toBe(`${PREPARING} Click to turn encryption off.`);
    // The sentence is the button's description for screen readers.
    expect(document.getElementById(toggle.getAttribute('aria-describedby')!)?.textContent).toBe(PREPARING);
    // Not a problem: no "not ready", and no warning for the user to act on.
    expect(toggle.dataset.ready).toBeUndefined();
    expect(screen.queryByTestId('chat-encryption-warning')).toBeNull();

    await fireEvent.click(screen.getByTestId('devices-button'));
    const note = await screen.findByTestId('own-preparing');
    expect(note.getAttribute('role')).toBe('status');
    expect(note.textContent?.replace(/\s+/g, ' ')).toBe(
      'Preparing this device’s encryption keys… The first time this takes a moment. Encrypted messages wait and are sent as soon as the keys are ready.',
    );
    expect(screen.queryByTestId('own-problem')).toBeNull();
    expect(screen.queryByTestId('own-fingerprint')).toBeNull();

    // The keys are open: main says ready and sends the chat again without `preparing`.
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'ready' });
    fake.emit('conversation:updated', { ...chat, encryption: { mode: 'omemo', available: true } });
    keysOpen();
    flushSync();
    await screen.findByTestId('own-fingerprint');
    expect(screen.queryByTestId('own-preparing')).toBeNull();
    expect(toggle.textContent?.trim()).toBe('Encrypted');
    expect(toggle.getAttribute('aria-describedby')).toBeNull();
  });

  it('the panel says the keys are being prepared again rather than the error of an earlier try', async () => {
    const { fake } = await setup(
      { mode: 'omemo', available: true, preparing: true },
      {
        'omemo:own': () => ({ ok: false, error: { code: 'omemo-unavailable' } }),
      },
    );
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'unavailable', problem: { kind: 'keys-failed', reason: 'keychain locked' } });
    await fireEvent.click(screen.getByTestId('devices-button'));
    await vi.waitFor(() => expect(fake.callsOf('omemo:own').length).toBeGreaterThan(0));
    expect((await screen.findByTestId('own-problem')).textContent).toContain(
      'Encryption does not work on this device: its encryption keys could not be prepared (keychain locked).',
    );
    expect(screen.queryByTestId('own-preparing')).toBeNull();

    // The next sign-in opens the keys again.
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'preparing' });
    flushSync();
    expect((await screen.findByTestId('own-preparing')).textContent).toContain('Preparing this device’s encryption keys…');
    expect(screen.queryByTestId('own-problem')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('in a chat the user keeps in plain text, the lock does not mention it: nothing there waits for the keys', async () => {
    await setup({ mode: 'plain', available: true, preparing: true });
    const toggle = screen.getByTestId('encryption-toggle');
    expect(toggle.textContent?.trim()).toBe('Not encrypted');
    expect(toggle.getAttribute('title')).toBe('Messages are sent in plain text. Click to encrypt them with OMEMO.');
    expect(toggle.getAttribute('aria-describedby')).toBeNull();
  });
});
