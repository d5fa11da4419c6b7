// The devices panel: a contact's devices with their fingerprints in groups and trust in words,
// Verify / Trust / Distrust through 'omemo:set-trust', this device's fingerprint with its QR code and
// link, and verifying from a pasted link or an image of a QR code (with the error in words).
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, createFakeBridge, fingerprint, ok, omemoDevice, omemoOwn, type Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import { qrPixels, stubImageDecoding } from '../../test/qr-pixels.js';
import DevicesPanel from './DevicesPanel.svelte';

const BOB = 'bob@example.org' as BareJid;
const ALICE = 'alice@example.org';

async function setup(handlers: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'omemo:devices': ({ jid }) =>
      ok(
        jid === BOB
          ? [
              omemoDevice(BOB, 300, { active: false, trust: 'trusted' }),
              omemoDevice(BOB, 200, { trust: 'verified' }),
              omemoDevice(BOB, 100),
            ]
          : [omemoDevice(ALICE, 4242, { own: true, trust: 'verified' }), omemoDevice(ALICE, 77, { trust: 'trusted' })],
      ),
    'omemo:own': () => ok(omemoOwn()),
    'omemo:set-trust': ({ jid, deviceId, trust }) => ok(omemoDevice(jid, deviceId, { trust })),
    ...handlers,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const onclose = vi.fn();
  render(DevicesPanel, { props: { accountId: ACCOUNT_ID, jid: BOB, name: 'Bob', onclose }, context: appContext(app) });
  await vi.waitFor(() => expect(screen.getAllByTestId('device-row').length).toBeGreaterThan(0));
  return { fake, app, onclose };
}

const contactRows = () => within(screen.getByRole('list', { name: 'Bob’s devices' })).getAllByTestId('device-row');
const row = (id: number) => screen.getAllByTestId('device-row').find((el) => el.dataset.deviceId === String(id))!;

describe('DevicesPanel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists the contact’s devices, in use first, with fingerprints in 8 groups of 8 and trust in words', async () => {
    const { fake } = await setup();
    expect(fake.callsOf('omemo:devices')).toEqual([
      { accountId: ACCOUNT_ID, jid: BOB },
      { accountId: ACCOUNT_ID, jid: ALICE },
    ]);
    expect(contactRows().map((el) => el.dataset.deviceId)).toEqual(['100', '200', '300']);

    const first = row(100);
    const groups = [...within(first).getByTestId('device-fingerprint').querySelectorAll('span')].map((s) => s.textContent);
    expect(groups).toHaveLength(8);
    expect(groups.every((g) => /^[0-9a-f]{8}$/.test(g ?? ''))).toBe(true);
    expect(groups.join('')).toBe(fingerprint(100));
    expect(within(first).getByTestId('device-trust-state').textContent).toBe('Not decided yet');
    expect(within(row(200)).getByTestId('device-trust-state').textContent).toBe('Verified');

    const removed = row(300);
    expect(removed.dataset.active).toBe('false');
    expect(removed.classList.contains('inactive')).toBe(true);
    expect(within(removed).getByTestId('device-removed').textContent).toContain('Removed');
  });

  it('trusts and distrusts a device with omemo:set-trust, and shows the new trust', async () => {
    const { fake } = await setup();
    await fireEvent.click(within(row(100)).getByRole('button', { name: 'Trust' }));
    await vi.waitFor(() => expect(row(100).dataset.trust).toBe('trusted'));
    expect(fake.callsOf('omemo:set-trust')).toEqual([{ accountId: ACCOUNT_ID, jid: BOB, deviceId: 100, trust: 'trusted' }]);
    expect(within(row(100)).getByTestId('device-trust-state').textContent).toBe('Trusted, not verified');

    await fireEvent.click(within(row(200)).getByRole('button', { name: 'Distrust' }));
    await vi.waitFor(() => expect(row(200).dataset.trust).toBe('distrusted'));
    expect(fake.callsOf('omemo:set-trust')[1]).toEqual({ accountId: ACCOUNT_ID, jid: BOB, deviceId: 200, trust: 'distrusted' });
    expect(within(row(200)).queryByRole('button', { name: 'Distrust' })).toBeNull();
  });

  it('verifies only after the user says the fingerprints were compared', async () => {
    const { fake, onclose } = await setup();
    await fireEvent.click(within(row(100)).getByTestId('device-verify'));
    const ask = within(row(100)).getByRole('alertdialog');
    expect(ask.textContent).toContain('compare this fingerprint with Bob');
    expect(fake.callsOf('omemo:set-trust')).toEqual([]);
    await fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('omemo:set-trust')).toEqual([]);
    // Escape answers the question only; the panel stays.
    await fireEvent.click(within(row(100)).getByTestId('device-verify'));
    await fireEvent.keyDown(within(row(100)).getByRole('alertdialog'), { key: 'Escape' });
    expect(within(row(100)).queryByRole('alertdialog')).toBeNull();
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click(within(row(100)).getByTestId('device-verify'));
    await fireEvent.click(within(row(100)).getByTestId('device-verify-confirm'));
    await vi.waitFor(() => expect(row(100).dataset.trust).toBe('verified'));
    expect(fake.callsOf('omemo:set-trust')).toEqual([{ accountId: ACCOUNT_ID, jid: BOB, deviceId: 100, trust: 'verified' }]);
    expect(within(row(100)).queryByTestId('device-verify')).toBeNull();
  });

  it('says why a trust change was refused', async () => {
    await setup({ 'omemo:set-trust': () => ({ ok: false, error: { code: 'not-connected' } }) });
    await fireEvent.click(within(row(100)).getByRole('button', { name: 'Trust' }));
    const alert = await within(row(100)).findByRole('alert');
    expect(alert.textContent).toContain('This account is not connected right now.');
    expect(row(100).dataset.trust).toBe('undecided');
  });

  it('follows omemo:devices events', async () => {
    const { fake } = await setup();
    fake.emit('omemo:devices', { accountId: ACCOUNT_ID, jid: BOB, devices: [omemoDevice(BOB, 100, { trust: 'distrusted' })] });
    flushSync();
    expect(contactRows().map((el) => [el.dataset.deviceId, el.dataset.trust])).toEqual([['100', 'distrusted']]);
  });

  it('shows this device’s fingerprint, a QR code of its link, copies the link, and the user’s other devices', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await setup();
    const own = omemoOwn();
    const fp = await screen.findByTestId('own-fingerprint');
    expect(fp.querySelectorAll('span')).toHaveLength(8);
    expect(fp.textContent?.replace(/\s/g, '')).toBe(own.fingerprint);
    const qr = screen.getByRole('img', { name: 'QR code of your verification link' });
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M4 4h7v1h-7z/);
    expect(screen.getByTestId<HTMLInputElement>('own-uri').value).toBe(own.uri);

    await fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(writeText).toHaveBeenCalledWith(own.uri);
    expect(await screen.findByText('Link copied.')).toBeTruthy();

    // This device is not listed among "your other devices"; the other one is.
    const others = within(screen.getByRole('list', { name: 'Your other devices' })).getAllByTestId('device-row');
    expect(others.map((el) => el.dataset.deviceId)).toEqual(['77']);
  });

  it('removes one of the user’s other devices after saying what it does; a contact’s devices cannot be removed', async () => {
    const { fake } = await setup({
      'omemo:remove-device': ({ deviceId }) =>
        ok([omemoDevice(ALICE, 4242, { own: true, trust: 'verified' }), omemoDevice(ALICE, deviceId, { trust: 'trusted', active: false })]),
    });
    expect(within(row(100)).queryByTestId('device-remove')).toBeNull();
    const other = () => within(screen.getByRole('list', { name: 'Your other devices' })).getAllByTestId('device-row')[0]!;
    await vi.waitFor(() => expect(other().dataset.deviceId).toBe('77'));

    await fireEvent.click(within(other()).getByRole('button', { name: 'Remove…' }));
    const ask = within(other()).getByRole('alertdialog');
    expect(ask.textContent?.replace(/\s+/g, ' ')).toMatch(
      /Remove device 77 from your account\? Your contacts and your other devices stop encrypting messages for it\. If that app is still in use, it adds itself back/,
    );
    // Cancel asks nothing of the core.
    await fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('omemo:remove-device')).toEqual([]);

    await fireEvent.click(within(other()).getByRole('button', { name: 'Remove…' }));
    await fireEvent.click(within(other()).getByTestId('device-remove-confirm'));
    expect(fake.callsOf('omemo:remove-device')).toEqual([{ accountId: ACCOUNT_ID, deviceId: 77 }]);
    await vi.waitFor(() => expect(other().dataset.active).toBe('false'));
    expect(within(other()).getByTestId('device-removed').textContent).toContain('Removed');
    // Removed already: nothing more to remove.
    expect(within(other()).queryByTestId('device-remove')).toBeNull();
  });

  it('says why removing a device failed', async () => {
    await setup({ 'omemo:remove-device': () => ({ ok: false, error: { code: 'not-connected' } }) });
    const other = () => within(screen.getByRole('list', { name: 'Your other devices' })).getAllByTestId('device-row')[0]!;
    await vi.waitFor(() => expect(other().dataset.deviceId).toBe('77'));
    await fireEvent.click(within(other()).getByRole('button', { name: 'Remove…' }));
    await fireEvent.click(within(other()).getByTestId('device-remove-confirm'));
    expect((await within(other()).findByRole('alert')).textContent).toContain('This account is not connected right now.');
    expect(other().dataset.active).toBe('true');
  });

  it('verifies from a pasted link, and shows the error in words when it is not one', async () => {
    const { fake } = await setup({
      'omemo:verify-uri': ({ uri }) =>
        uri.includes('omemo-sid-') ? ok([omemoDevice(BOB, 100, { trust: 'verified' })]) : { ok: false, error: { code: 'omemo-bad-uri' } },
    });
    const input = screen.getByTestId('verify-uri-input');
    expect(screen.getByLabelText('Paste your contact’s verification link')).toBe(input);
    await fireEvent.input(input, { target: { value: 'https://example.org/not-a-link' } });
    await fireEvent.submit(input.closest('form')!);
    const error = await screen.findByTestId('verify-uri-error');
    expect(error.textContent).toContain('That is not an OMEMO verification link.');
    expect(error.textContent).toContain('omemo-sid-');
    expect(fake.callsOf('omemo:verify-uri')).toEqual([{ accountId: ACCOUNT_ID, uri: 'https://example.org/not-a-link' }]);

    await fireEvent.input(input, { target: { value: `  xmpp:bob@example.org?omemo-sid-100=${fingerprint(100)}  ` } });
    await fireEvent.click(screen.getByTestId('verify-uri-submit'));
    const result = await screen.findByTestId('verify-uri-result');
    expect(result.textContent).toContain('device 100 of bob@example.org');
    expect(screen.queryByTestId('verify-uri-error')).toBeNull();
    expect(row(100).dataset.trust).toBe('verified');
    expect(fake.callsOf('omemo:verify-uri')[1]?.uri).toBe(`xmpp:bob@example.org?omemo-sid-100=${fingerprint(100)}`);
  });

  it('verifies from an image of the contact’s QR code, as from a pasted link', async () => {
    const link = `xmpp:bob@example.org?omemo-sid-100=${fingerprint(100)}`;
    stubImageDecoding({ 'bob.png': qrPixels(link), 'web.png': qrPixels('https://example.org/') });
    const { fake } = await setup({
      'omemo:verify-uri': ({ uri }) =>
        uri.includes('omemo-sid-') ? ok([omemoDevice(BOB, 100, { trust: 'verified' })]) : { ok: false, error: { code: 'omemo-bad-uri' } },
    });
    const choose = async (name: string) => {
      const input = screen.getByLabelText<HTMLInputElement>('Image of your contact’s QR code');
      Object.defineProperty(input, 'files', { value: [new File(['…'], name, { type: 'image/png' })], configurable: true });
      await fireEvent.change(input);
    };

    // A code that holds something else: the same sentence as for a pasted link, and the text in view.
    await choose('web.png');
    const error = await screen.findByTestId('verify-uri-error');
    expect(error.textContent).toContain('That is not an OMEMO verification link.');
    expect(screen.getByTestId<HTMLInputElement>('verify-uri-input').value).toBe('https://example.org/');

    await choose('bob.png');
    const result = await screen.findByTestId('verify-uri-result');
    expect(result.textContent).toContain('device 100 of bob@example.org');
    expect(screen.queryByTestId('verify-uri-error')).toBeNull();
    expect(row(100).dataset.trust).toBe('verified');
    expect(screen.getByTestId<HTMLInputElement>('verify-uri-input').value).toBe('');
    expect(fake.callsOf('omemo:verify-uri')).toEqual([
      { accountId: ACCOUNT_ID, uri: 'https://example.org/' },
      { accountId: ACCOUNT_ID, uri: link },
    ]);
  });

  it('closes with Escape and with Close', async () => {
    const { onclose } = await setup();
    await fireEvent.keyDown(screen.getByTestId('verify-uri-input'), { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('devices-close'));
    expect(onclose).toHaveBeenCalledTimes(2);
  });
});
