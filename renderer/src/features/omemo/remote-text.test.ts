// Remote text cannot reorder the window (issue #11 §6), around encryption: the contact's name in the
// devices panel, in the question before verifying and in the question before sending unencrypted, and
// the addresses of verified devices, and the text of a QR code that is not a verification link, each sit
// in their own isolate.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { expectIsolated, expectNoLeak, hostile } from '../../test/bidi.js';
import { ACCOUNT_ID, account, createFakeBridge, ok, omemoDevice, omemoOwn } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import DevicesPanel from './DevicesPanel.svelte';
import DeviceRow from './DeviceRow.svelte';
import EncryptionToggle from './EncryptionToggle.svelte';
import QrCameraScan from './QrCameraScan.svelte';
import { qrPixels } from '../../test/qr-pixels.js';

const BOB = 'bob@example.org' as BareJid;

describe('remote text around encryption', () => {
  it('the devices panel names the contact isolated in its sentences, and the devices verified from a link', async () => {
    const name = hostile('Bob ');
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'omemo:devices': ({ jid }) => ok(jid === BOB ? [omemoDevice(BOB, 100)] : []),
      'omemo:own': () => ok(omemoOwn()),
      'omemo:verify-uri': () => ok([omemoDevice(BOB, 100, { trust: 'verified' })]),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    const { container } = render(DevicesPanel, {
      props: { accountId: ACCOUNT_ID, jid: BOB, name, onclose: () => {} },
      context: appContext(app),
    });
    await vi.waitFor(() => expect(screen.getAllByTestId('device-row')).toHaveLength(1));
    expectIsolated(container.querySelector('#contact-devices-title')!, name, '’s devices');
    await vi.waitFor(() => expect(screen.getByTestId('own-fingerprint')).toBeTruthy());
    await fireEvent.input(screen.getByTestId('verify-uri-input'), { target: { value: 'xmpp:bob@example.org?omemo-sid-100=ab' } });
    await fireEvent.click(screen.getByTestId('verify-uri-submit'));
    await vi.waitFor(() => expectIsolated(screen.getByTestId('verify-uri-result'), BOB, 'device 100 of '));
    expectNoLeak(container);
  });

  it('the question before verifying names the owner of the device isolated', async () => {
    const owner = hostile('Bob ');
    const { container } = render(DeviceRow, {
      props: { device: omemoDevice(BOB, 100), owner, onsettrust: async () => undefined },
    });
    await fireEvent.click(screen.getByTestId('device-verify'));
    expectIsolated(screen.getByRole('alertdialog'), owner, ' — in person or on a call — and does every group match exactly?');
    expectNoLeak(container);
  });

  it('the question before sending unencrypted names the contact isolated', async () => {
    const name = hostile('Bob ');
    const { container } = render(EncryptionToggle, {
      props: { encryption: { mode: 'omemo', available: true }, name, onchange: async () => undefined },
    });
    await fireEvent.click(screen.getByTestId('encryption-toggle'));
    expectIsolated(screen.getByTestId('encryption-confirm').querySelector('.title')!, name, ' unencrypted?');
    expectNoLeak(container);
  });

  it('a QR code that is not a verification link: what it says is isolated inside the quotes', async () => {
    HTMLMediaElement.prototype.play = vi.fn(async () => {});
    const other = hostile('https://example.org/');
    const track = { stop: vi.fn(), addEventListener: () => {} };
    const stream = { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream;
    const { container } = render(QrCameraScan, {
      props: { ondecoded: () => {}, openCamera: async () => stream, readFrame: () => qrPixels(other) },
    });
    await fireEvent.click(screen.getByTestId('qr-camera-start'));
    const said = await screen.findByTestId('qr-camera-other', {}, { timeout: 3000 });
    expectIsolated(said, other, '”). Still looking…');
    expectNoLeak(container);
    await fireEvent.click(screen.getByTestId('qr-camera-stop'));
  });
});
