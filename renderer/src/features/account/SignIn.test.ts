import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { account, createFakeBridge, ok } from '../../test/fake-bridge.js';
import type { CertificateView } from '$shared/errors.js';
import SignIn from './SignIn.svelte';

const FP = Array.from({ length: 32 }, (_, i) => ((i * 7) % 256).toString(16).toUpperCase().padStart(2, '0')).join(':');
const CERT: CertificateView = {
  subject: 'CN=localhost',
  issuer: 'CN=localhost',
  names: ['localhost', '127.0.0.1'],
  validFrom: '2024-01-01',
  validTo: '2034-01-01',
  fingerprint256: FP,
  reason: 'self-signed, issued for localhost, not example.org',
};

let fake: ReturnType<typeof createFakeBridge>;
/** SignIn's commands go through the app's account store. */
let context: ReturnType<typeof appContext>;
beforeEach(() => {
  fake = createFakeBridge();
  setBridgeForTests(fake.bridge);
  context = appContext(new AppState(api));
});

async function fillAndSubmit() {
  await fireEvent.input(screen.getByTestId('signin-jid'), { target: { value: 'alice@example.org' } });
  await fireEvent.input(screen.getByTestId('signin-password'), { target: { value: 's3cret' } });
  await fireEvent.click(screen.getByTestId('signin-submit'));
}

describe('SignIn', () => {
  it('opens with the cursor in the chat address', () => {
    render(SignIn, { props: { onsignedin: () => {} }, context });
    expect(document.activeElement).toBe(screen.getByTestId('signin-jid'));
  });

  it('shows the certificate with its fingerprint, and trusting it signs in again with the pin', async () => {
    const onsignedin = vi.fn();
    let attempts = 0;
    fake.handlers['accounts:add'] = (input) => {
      attempts += 1;
      if (!input.pinnedCertificate) return { ok: false, error: { code: 'certificate-invalid', certificate: CERT } };
      return ok(account());
    };
    render(SignIn, { props: { onsignedin }, context });
    await fillAndSubmit();

    const dialog = await screen.findByTestId('cert-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(screen.getByTestId('cert-fingerprint').textContent).toBe(FP);
    expect(dialog.textContent).toContain('self-signed, issued for localhost, not example.org');
    expect(dialog.textContent).toContain('127.0.0.1');
    // The safe choice has the focus.
    expect(document.activeElement).toBe(screen.getByTestId('cert-cancel'));

    await fireEvent.click(screen.getByTestId('cert-trust'));
    await vi.waitFor(() => expect(onsignedin).toHaveBeenCalledWith(account()));
    expect(attempts).toBe(2);
    expect(fake.callsOf('accounts:add')[1]).toEqual({
      jid: 'alice@example.org',
      password: 's3cret',
      pinnedCertificate: FP,
    });
    expect(screen.queryByTestId('cert-dialog')).toBeNull();
  });

  it('cancelling the certificate does not sign in and explains why', async () => {
    fake.handlers['accounts:add'] = () => ({ ok: false, error: { code: 'certificate-invalid', certificate: CERT } });
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fillAndSubmit();
    await fireEvent.click(await screen.findByTestId('cert-cancel'));
    expect(screen.queryByTestId('cert-dialog')).toBeNull();
    expect(screen.getByTestId('signin-error').textContent).toContain('certificate is not valid');
    expect(fake.callsOf('accounts:add')).toHaveLength(1);
  });

  it('shows the sentence for a rejected password', async () => {
    fake.handlers['accounts:add'] = () => ({ ok: false, error: { code: 'auth-failed', detail: 'not-authorized' } });
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fillAndSubmit();
    const error = await screen.findByTestId('signin-error');
    expect(error.textContent).toContain('The server rejected the user name or password.');
    expect(error.textContent).toContain('Check them and try again.');
    expect(screen.getByTestId<HTMLButtonElement>('signin-submit').disabled).toBe(false);
  });

  it('shows progress while signing in', async () => {
    let finish!: (r: ReturnType<typeof ok>) => void;
    fake.handlers['accounts:add'] = () => new Promise((r) => (finish = r)) as never;
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fillAndSubmit();
    const button = screen.getByTestId<HTMLButtonElement>('signin-submit');
    expect(button.textContent).toContain('Signing in…');
    expect(button.disabled).toBe(true);
    finish(ok(account()));
  });

  it('asks where to keep the password when there is no keychain, and sends the choice', async () => {
    fake.handlers['accounts:add'] = (input) =>
      input.secretFallback ? ok(account()) : { ok: false, error: { code: 'keychain-unavailable' } };
    const onsignedin = vi.fn();
    render(SignIn, { props: { onsignedin }, context });
    await fillAndSubmit();
    await fireEvent.click(await screen.findByTestId('secret-choice-plain'));
    await vi.waitFor(() => expect(onsignedin).toHaveBeenCalled());
    expect(fake.callsOf('accounts:add')[1]?.secretFallback).toBe('plain-file');
  });

  it('sends the Advanced settings as manual connection settings', async () => {
    fake.handlers['accounts:add'] = () => ok(account());
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fireEvent.click(screen.getByTestId('signin-advanced'));
    await fireEvent.input(screen.getByTestId('signin-host'), { target: { value: '127.0.0.1' } });
    await fireEvent.input(screen.getByTestId('signin-port'), { target: { value: '15222' } });
    await fireEvent.change(screen.getByTestId('signin-transport'), { target: { value: 'direct-tls' } });
    await fillAndSubmit();
    expect(fake.callsOf('accounts:add')[0]?.manual).toEqual({ host: '127.0.0.1', port: 15222, transport: 'direct-tls' });
  });

  it('checks the address before asking the server', async () => {
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fireEvent.input(screen.getByTestId('signin-jid'), { target: { value: 'alice' } });
    await fireEvent.input(screen.getByTestId('signin-password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('signin-submit'));
    expect(screen.getByTestId('signin-error').textContent).toContain('name@example.org');
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses an unencrypted WebSocket URL before asking the core', async () => {
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fireEvent.click(screen.getByTestId('signin-advanced'));
    await fireEvent.input(screen.getByTestId('signin-wsurl'), { target: { value: 'ws://example.org/xmpp-websocket' } });
    await fillAndSubmit();
    const error = screen.getByTestId('signin-error');
    expect(error.textContent).toBe('Vireo only connects over encrypted WebSockets (wss://).');
    expect(error.getAttribute('role')).toBe('alert');
    const field = screen.getByTestId('signin-wsurl');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe(error.id);
    expect(fake.calls).toHaveLength(0);
  });

  it('sends a wss:// URL as a WebSocket endpoint', async () => {
    fake.handlers['accounts:add'] = () => ok(account());
    render(SignIn, { props: { onsignedin: vi.fn() }, context });
    await fireEvent.click(screen.getByTestId('signin-advanced'));
    await fireEvent.input(screen.getByTestId('signin-wsurl'), { target: { value: ' WSS://example.org/ws ' } });
    await fillAndSubmit();
    expect(fake.callsOf('accounts:add')[0]?.manual).toEqual({ websocketUrl: 'wss://example.org/ws', transport: 'websocket' });
    expect(screen.getByTestId('signin-wsurl').getAttribute('aria-invalid')).toBeNull();
  });
});
