// OMEMO inside a one-to-one chat view: a message's lock opens its sender's device in the devices
// panel, and an account whose OMEMO does not work here says so up front — on the lock in the header,
// in the chat's warning and in the panel — following 'conversation:updated' and 'omemo:status'.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import {
  ACCOUNT_ID,
  account,
  contact,
  conversation,
  createFakeBridge,
  message,
  ok,
  omemoDevice,
  omemoOwn,
  type Handlers,
} from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import type { ChatEncryptionView, MessageView } from '$shared/views.js';
import ChatView from '../chat/ChatView.svelte';

const BOB = 'bob@example.org';
/** What main sends when this device has no safe place for its keys, and the sentence the window makes of it. */
const NO_KEY_STORE = { kind: 'no-key-store' } as const;
const NO_KEYS =
  'Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';

async function setup(encryption: ChatEncryptionView, messages: MessageView[] = [], handlers: Handlers = {}) {
  const chat = conversation(BOB, { title: 'Bob', encryption });
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () => ok({ contacts: [contact(BOB, { name: 'Bob' })], requests: [] }),
    'chats:list': () => ok([chat]),
    'chat:history': () => ok({ messages, hasMore: false }),
    'omemo:devices': ({ jid }) => ok(jid === BOB ? [omemoDevice(BOB, 100), omemoDevice(BOB, 200, { trust: 'verified' })] : []),
    'omemo:own': () => ok(omemoOwn()),
    ...handlers,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(ChatView, { props: { conversationId: chat.id }, context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('chat:history')).toHaveLength(1));
  return { fake, app, chat };
}

const row = (id: number) => screen.getAllByTestId('device-row').find((el) => el.dataset.deviceId === String(id))!;

describe('a message’s lock', () => {
  it('opens the devices panel on the device that encrypted the message', async () => {
    await setup({ mode: 'omemo', available: true }, [
      message(BOB, { body: 'from the verified one', encrypted: true, senderDevice: 200, senderTrust: 'verified' }),
    ]);
    const lock = await screen.findByRole('button', { name: 'Encrypted by device 200 (verified). Show this device' });
    expect(lock.getAttribute('title')).toBe('Encrypted by device 200 (verified). Click to show this device.');
    expect(screen.queryByTestId('devices-panel')).toBeNull();

    await fireEvent.click(lock);
    const panel = screen.getByTestId('devices-panel');
    await vi.waitFor(() => expect(document.activeElement).toBe(row(200)));
    expect(row(200).dataset.highlighted).toBe('true');
    expect(row(200).getAttribute('aria-current')).toBe('true');
    expect(row(100).dataset.highlighted).toBeUndefined();
    expect(within(row(200)).getByTestId('device-trust-state').textContent).toBe('Verified');
    expect(within(panel).queryByTestId('device-not-listed')).toBeNull();
  });

  it('brings the device into view once, not again when the list changes while the user is elsewhere', async () => {
    const { fake } = await setup({ mode: 'omemo', available: true }, [
      message(BOB, { body: 'from the verified one', encrypted: true, senderDevice: 200, senderTrust: 'verified' }),
    ]);
    await fireEvent.click(await screen.findByRole('button', { name: /^Encrypted by device 200/ }));
    await vi.waitFor(() => expect(document.activeElement).toBe(row(200)));

    // The user goes back to writing; then Bob's device list changes (a new phone of his).
    const composer = screen.getByTestId('composer');
    composer.focus();
    fake.emit('omemo:devices', {
      accountId: ACCOUNT_ID,
      jid: BOB as BareJid,
      devices: [omemoDevice(BOB, 100), omemoDevice(BOB, 200, { trust: 'verified' }), omemoDevice(BOB, 300)],
    });
    flushSync();
    await vi.waitFor(() => expect(screen.getAllByTestId('device-row')).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(composer);
    expect(row(200).dataset.highlighted).toBe('true');

    // Asking again (the same lock) brings it back.
    await fireEvent.click(screen.getByRole('button', { name: /^Encrypted by device 200/ }));
    await vi.waitFor(() => expect(document.activeElement).toBe(row(200)));

    // Closed and opened again with the Devices button: a plain list, no device singled out any more.
    await fireEvent.click(screen.getByTestId('devices-button'));
    expect(screen.queryByTestId('devices-panel')).toBeNull();
    await fireEvent.click(screen.getByTestId('devices-button'));
    // The panel asks for the list again (the fake core still lists devices 100 and 200).
    await vi.waitFor(() => expect(screen.getAllByTestId('device-row')).toHaveLength(2));
    expect(screen.getAllByTestId('device-row').filter((el) => el.dataset.highlighted)).toEqual([]);
    expect(document.activeElement).not.toBe(row(200));
  });

  it('says so when the device is no longer listed', async () => {
    await setup({ mode: 'omemo', available: true }, [message(BOB, { encrypted: true, senderDevice: 999, senderTrust: 'trusted' })]);
    await fireEvent.click(await screen.findByRole('button', { name: /^Encrypted by device 999/ }));
    const note = await screen.findByTestId('device-not-listed');
    expect(note.textContent).toContain('Device 999 is not among Bob’s devices any more.');
  });
});

describe('OMEMO not ready on this device', () => {
  it('says it on the lock and in the chat, and in the panel’s own section instead of a fingerprint', async () => {
    const { fake, chat } = await setup({ mode: 'omemo', available: true, notReady: NO_KEY_STORE, warning: NO_KEY_STORE }, [], {
      'omemo:own': () => ({ ok: false, error: { code: 'omemo-unavailable', omemo: NO_KEY_STORE } }),
    });
    const toggle = screen.getByTestId('encryption-toggle');
    expect(toggle.textContent?.trim()).toBe('Encryption not ready');
    expect(toggle.dataset.ready).toBe('false');
    expect(toggle.getAttribute('title')).toContain(NO_KEYS);
    // The reason is part of the button's description for screen readers.
    expect(document.getElementById(toggle.getAttribute('aria-describedby')!)?.textContent).toBe(NO_KEYS);
    expect(screen.getByTestId('chat-encryption-warning').textContent).toContain(NO_KEYS);

    await fireEvent.click(within(screen.getByTestId('chat-encryption-warning')).getByRole('button', { name: 'Show devices' }));
    const problem = await screen.findByTestId('own-problem');
    expect(problem.textContent).toContain(NO_KEYS);
    expect(screen.queryByTestId('own-fingerprint')).toBeNull();

    // The keys can be kept again (e.g. after the next sign-in): status and chat follow.
    fake.handlers['omemo:own'] = () => ok(omemoOwn());
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'ready' });
    fake.emit('conversation:updated', { ...chat, encryption: { mode: 'omemo', available: true } });
    flushSync();
    await screen.findByTestId('own-fingerprint');
    expect(screen.queryByTestId('own-problem')).toBeNull();
    expect(toggle.textContent?.trim()).toBe('Encrypted');
    expect(toggle.dataset.ready).toBeUndefined();
    expect(screen.queryByTestId('chat-encryption-warning')).toBeNull();
  });

  it('shows that the keys were not published, beside this device’s fingerprint, as soon as omemo:status says so', async () => {
    const { fake } = await setup({ mode: 'omemo', available: true });
    expect(screen.getByTestId('encryption-toggle').textContent?.trim()).toBe('Encrypted');
    await fireEvent.click(screen.getByTestId('devices-button'));
    await screen.findByTestId('own-fingerprint');
    expect(screen.queryByTestId('own-problem')).toBeNull();

    const unpublished = { kind: 'unpublished', reason: 'forbidden' } as const;
    const refused =
      'Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys (forbidden). Vireo keeps trying while you are signed in.';
    fake.handlers['omemo:own'] = () => ok(omemoOwn({ problem: unpublished }));
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'unpublished', problem: unpublished });
    flushSync();
    expect((await screen.findByTestId('own-problem')).textContent).toContain(refused);
    expect(screen.getByTestId('own-fingerprint')).toBeTruthy();
    await vi.waitFor(() => expect(fake.callsOf('omemo:own')).toHaveLength(2));
  });

  it('in a chat the user keeps in plain text, the lock explains only in its tooltip', async () => {
    await setup({ mode: 'plain', available: true, notReady: NO_KEY_STORE });
    const toggle = screen.getByTestId('encryption-toggle');
    expect(toggle.textContent?.trim()).toBe('Not encrypted');
    expect(toggle.getAttribute('title')).toBe(`Messages are sent in plain text. ${NO_KEYS}`);
    expect(screen.queryByTestId('chat-encryption-warning')).toBeNull();
  });
});
