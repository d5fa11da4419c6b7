// The account area as a person sees it: archive catch-up in words, and the way out of each
// connection error — driven through the real stores over a fake bridge.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, createFakeBridge, ok } from '../../test/fake-bridge.js';
import type { CertificateView, VireoError } from '$shared/errors.js';
import type { AccountView, ConnectionStateView } from '$shared/views.js';
import AccountStatus from './AccountStatus.svelte';

const FP = Array.from({ length: 32 }, (_, i) => ((i * 11) % 256).toString(16).toUpperCase().padStart(2, '0')).join(':');
const CERT: CertificateView = {
  subject: 'CN=chat.example.net',
  issuer: 'CN=Example CA',
  names: ['chat.example.net'],
  validFrom: '2024-01-01',
  validTo: '2034-01-01',
  fingerprint256: FP,
  reason: 'issued for chat.example.net, not example.org',
};

const errorState = (error: VireoError): ConnectionStateView => ({ accountId: ACCOUNT_ID, status: 'error', error });

async function setup(over: Partial<AccountView> = {}) {
  const acc = account(over);
  const fake = createFakeBridge({ 'accounts:list': () => ok([acc]) });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(AccountStatus, { props: { account: acc }, context: appContext(app) });
  return { fake, app };
}

afterEach(() => vi.useRealTimers());

describe('AccountStatus: how the account is connected', () => {
  it('says the connection state only when it matters: online is quiet, a retry counts down', async () => {
    vi.useFakeTimers();
    const { fake } = await setup();
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'online' });
    flushSync();
    expect(screen.getByTestId('account-status').classList.contains('visually-hidden')).toBe(true);
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'waiting-to-retry', retryAt: Date.now() + 5000 });
    flushSync();
    const status = screen.getByTestId('account-status');
    expect(status.textContent).toBe('Offline — retrying in 5 s');
    expect(status.classList.contains('visually-hidden')).toBe(false);
    // Screen readers are told politely, once: the live region does not count down with the screen.
    const live = screen.getByRole('status');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toBe('Offline — retrying in 5 s');
    vi.advanceTimersByTime(2000);
    flushSync();
    expect(status.textContent).toBe('Offline — retrying in 3 s');
    expect(live.textContent).toBe('Offline — retrying in 5 s');
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'online' });
    flushSync();
    expect(live.textContent).toBe('Online');
  });

  it('names the address, and the proxy when the connection goes through one, in the account’s details', async () => {
    const { fake } = await setup();
    expect(screen.getByTestId('account-button').getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(screen.getByTestId('account-button'));
    expect(screen.getByTestId('account-button').getAttribute('aria-expanded')).toBe('true');
    fake.emit('connection:state', {
      accountId: ACCOUNT_ID,
      status: 'online',
      endpoint: { transport: 'websocket', address: 'wss://chat.example.org/xmpp-websocket', source: 'host-meta' },
    });
    flushSync();
    expect(screen.getByText(/^via /).textContent).toBe('via wss://chat.example.org/xmpp-websocket');
    fake.emit('connection:state', {
      accountId: ACCOUNT_ID,
      status: 'online',
      endpoint: { transport: 'direct-tls', address: 'chat.example.org:443', source: 'srv-xmpps', proxy: 'proxy.corp:3128' },
    });
    flushSync();
    expect(screen.getByText(/^via /).textContent).toBe('via chat.example.org:443, through the proxy proxy.corp:3128');
  });

  it('says what to do when the proxy wants a password', async () => {
    const { fake } = await setup();
    fake.emit(
      'connection:state',
      errorState({
        code: 'proxy-auth-required',
        detail: 'the proxy proxy.corp:3128 asks for a user name and password (407 Proxy Authentication Required)',
      }),
    );
    flushSync();
    expect(document.body.textContent).toContain('The proxy asks for a user name and password.');
    expect(document.body.textContent).toContain('HTTPS_PROXY=http://user:password@proxy:port');
  });
});

describe('AccountStatus: archive catch-up', () => {
  it('says nothing before the core reports, then progress, then "Up to date" in the details only', async () => {
    const { fake } = await setup();
    expect(screen.queryByTestId('sync-status')).toBeNull();

    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'catching-up', fetched: 0 });
    flushSync();
    const status = screen.getByTestId('sync-status');
    expect(status.textContent).toBe('Catching up… (0 messages)');
    expect(status.getAttribute('role')).toBe('status');

    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'catching-up', fetched: 120 });
    flushSync();
    expect(screen.getByTestId('sync-status').textContent).toBe('Catching up… (120 messages)');

    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'synced', fetched: 120 });
    flushSync();
    // Once caught up, the account row is quiet; its details say so.
    expect(screen.queryByTestId('sync-status')).toBeNull();
    await fireEvent.click(screen.getByTestId('account-button'));
    expect(screen.getByTestId('sync-status').textContent).toBe('Up to date');
    expect(screen.queryByTestId('sync-retry')).toBeNull();
  });

  it('explains a failed catch-up, and "Try again" disconnects then connects', async () => {
    const { fake } = await setup();
    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'failed', fetched: 50, detail: 'the server has no archive' });
    flushSync();
    expect(screen.getByTestId('sync-status').textContent).toBe('Could not fetch history: the server has no archive');

    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await vi.waitFor(() => expect(fake.callsOf('accounts:connect')).toEqual([{ accountId: ACCOUNT_ID }]));
    expect(fake.calls.map((c) => c.name).filter((n) => n.startsWith('accounts:') && n !== 'accounts:list')).toEqual([
      'accounts:disconnect',
      'accounts:connect',
    ]);
    expect(fake.callsOf('accounts:disconnect')).toEqual([{ accountId: ACCOUNT_ID }]);
  });

  it('ignores other accounts and hides "Up to date" while offline', async () => {
    const { fake } = await setup();
    fake.emit('sync:state', { accountId: 'other' as typeof ACCOUNT_ID, phase: 'catching-up', fetched: 3 });
    flushSync();
    expect(screen.queryByTestId('sync-status')).toBeNull();
    fake.emit('sync:state', { accountId: ACCOUNT_ID, phase: 'synced', fetched: 0 });
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'offline' });
    flushSync();
    expect(screen.queryByTestId('sync-status')).toBeNull();
  });

  it('says "Reconnected — nothing missed" for a while after a resumed session', async () => {
    vi.useFakeTimers();
    const { fake } = await setup();
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'connecting' });
    fake.emit('connection:state', { accountId: ACCOUNT_ID, status: 'online', session: 'resumed' });
    flushSync();
    expect(screen.getByTestId('sync-status').textContent).toBe('Reconnected — nothing missed');
    vi.advanceTimersByTime(6000);
    flushSync();
    expect(screen.queryByTestId('sync-status')).toBeNull();
  });
});

describe('AccountStatus: repair', () => {
  it('auth-failed: asks for the current password and stores it with accounts:set-password', async () => {
    const { fake } = await setup();
    fake.emit('connection:state', errorState({ code: 'auth-failed', detail: 'not-authorized' }));
    flushSync();
    expect(screen.getByTestId('account-status').textContent).toBe('The server rejected the user name or password.');
    expect(screen.queryByTestId('account-retry')).toBeNull();

    const field = screen.getByTestId<HTMLInputElement>('account-password');
    expect(field.type).toBe('password');
    expect(screen.getByLabelText(/Current password for alice@example.org/)).toBe(field);
    const save = screen.getByTestId<HTMLButtonElement>('account-password-save');
    expect(save.disabled).toBe(true);

    await fireEvent.input(field, { target: { value: 'n3w-secret' } });
    await fireEvent.click(save);
    await vi.waitFor(() => expect(fake.callsOf('accounts:set-password')).toEqual([{ accountId: ACCOUNT_ID, password: 'n3w-secret' }]));
    expect(fake.callsOf('accounts:connect')).toEqual([]);
    expect(field.value).toBe('');
  });

  it('auth-failed: says why when the password could not be stored', async () => {
    const { fake } = await setup();
    fake.handlers['accounts:set-password'] = () => ({ ok: false, error: { code: 'keychain-unavailable' } });
    fake.emit('connection:state', errorState({ code: 'auth-failed' }));
    flushSync();
    await fireEvent.input(screen.getByTestId('account-password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('account-password-save'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('no safe place (keychain)');
  });

  it('password-required: connects with the typed password', async () => {
    const { fake } = await setup({ secretBackend: 'memory' });
    fake.emit('connection:state', errorState({ code: 'password-required' }));
    flushSync();
    expect(screen.getByTestId('account-status').textContent).toBe('Vireo did not keep the password for this account, as you chose.');
    await fireEvent.input(screen.getByTestId('account-password'), { target: { value: 'typed-pw' } });
    await fireEvent.submit(screen.getByTestId('account-password').closest('form')!);
    await vi.waitFor(() => expect(fake.callsOf('accounts:connect')).toEqual([{ accountId: ACCOUNT_ID, password: 'typed-pw' }]));
    expect(fake.callsOf('accounts:set-password')).toEqual([]);
  });

  it('certificate-invalid: shows the certificate, and trusting it pins the fingerprint', async () => {
    const { fake } = await setup();
    fake.emit('connection:state', errorState({ code: 'certificate-invalid', certificate: CERT }));
    flushSync();
    const dialog = screen.getByTestId('cert-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(screen.getByTestId('cert-fingerprint').textContent).toBe(FP);
    expect(dialog.textContent).toContain('issued for chat.example.net, not example.org');

    await fireEvent.click(screen.getByTestId('cert-trust'));
    await vi.waitFor(() => expect(fake.callsOf('accounts:trust-certificate')).toEqual([{ accountId: ACCOUNT_ID, fingerprint256: FP }]));
    expect(screen.queryByTestId('cert-dialog')).toBeNull();
  });

  it('certificate-invalid: cancelling closes the dialog and leaves a way back to it', async () => {
    const { fake } = await setup();
    fake.emit('connection:state', errorState({ code: 'certificate-invalid', certificate: CERT }));
    flushSync();
    await fireEvent.click(screen.getByTestId('cert-cancel'));
    expect(screen.queryByTestId('cert-dialog')).toBeNull();
    expect(screen.getByTestId('account-status').textContent).toBe('The server’s certificate is not valid for this address.');
    await fireEvent.click(screen.getByTestId('account-cert-review'));
    expect(screen.getByTestId('cert-fingerprint').textContent).toBe(FP);
    expect(fake.callsOf('accounts:trust-certificate')).toEqual([]);
  });

  it('sasl-downgrade: says the server’s security dropped, and only the explicit action accepts the weaker sign-in', async () => {
    const { fake } = await setup();
    fake.emit(
      'connection:state',
      errorState({ code: 'sasl-downgrade', detail: 'the server offered PLAIN; it offered SCRAM-SHA-1 before' }),
    );
    flushSync();
    expect(screen.getByTestId('account-status').textContent).toMatch(/^This server’s sign-in security dropped/);
    expect(document.body.textContent).toContain('Someone may be tampering with the connection.');
    // Retry alone asks the same server again and is refused again; it never accepts the weaker sign-in.
    await fireEvent.click(screen.getByTestId('account-retry'));
    await vi.waitFor(() => expect(fake.callsOf('accounts:connect')).toEqual([{ accountId: ACCOUNT_ID }]));
    expect(fake.callsOf('accounts:accept-weaker-sign-in')).toEqual([]);

    await fireEvent.click(screen.getByRole('button', { name: 'Accept the weaker sign-in for this server' }));
    await vi.waitFor(() => expect(fake.callsOf('accounts:accept-weaker-sign-in')).toEqual([{ accountId: ACCOUNT_ID }]));
  });

  it('offers to accept a weaker sign-in only when that is what went wrong', async () => {
    const { fake } = await setup();
    fake.emit('connection:state', errorState({ code: 'no-sasl-mechanism' }));
    flushSync();
    expect(screen.queryByTestId('account-accept-weaker')).toBeNull();
  });

  it('keychain-unavailable: says so, with the way out, and Retry connects', async () => {
    const { fake } = await setup();
    fake.emit('connection:state', errorState({ code: 'keychain-unavailable' }));
    flushSync();
    expect(screen.getByTestId('account-status').textContent).toBe(
      'This computer has no safe place (keychain) where Vireo can keep your password.',
    );
    expect(screen.getByText('Make sure your keychain is running and unlocked, then press Retry.')).toBeTruthy();
    expect(screen.queryByTestId('account-password')).toBeNull();
    await fireEvent.click(screen.getByTestId('account-retry'));
    expect(fake.callsOf('accounts:connect')).toEqual([{ accountId: ACCOUNT_ID }]);
  });
});
