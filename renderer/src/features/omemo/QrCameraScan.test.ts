// Scanning with the camera, with the camera stood in for (jsdom has none) and the real QR decoding of
// pictures drawn by Vireo's encoder: the first verification link seen is handed on and the camera goes
// off; other codes are named and scanning goes on; refusals are said in words; the camera is never
// left on (Cancel, closing the panel, a camera that was still starting).
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { qrPixels } from '../../test/qr-pixels.js';
import type { Pixels } from '$lib/qr-scan.js';
import QrCameraScan from './QrCameraScan.svelte';

const LINK = 'xmpp:bob@example.org?omemo-sid-100=0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const blank: Pixels = { data: new Uint8ClampedArray(120 * 120 * 4).fill(255), width: 120, height: 120 };

function fakeCamera() {
  const track = {
    stop: vi.fn(),
    listeners: [] as (() => void)[],
    addEventListener(_: string, fn: () => void) {
      this.listeners.push(fn);
    },
  };
  const stream = { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream;
  return { track, stream };
}

function setup(frames: (Pixels | undefined)[], openCamera?: () => Promise<MediaStream>) {
  const cam = fakeCamera();
  const ondecoded = vi.fn();
  let i = 0;
  const readFrame = vi.fn(() => frames[Math.min(i++, frames.length - 1)]);
  const r = render(QrCameraScan, { props: { ondecoded, openCamera: openCamera ?? (async () => cam.stream), readFrame } });
  return { ...cam, ondecoded, readFrame, unmount: r.unmount };
}

// jsdom plays no video.
beforeAll(() => {
  HTMLMediaElement.prototype.play = vi.fn(async () => {});
});

const start = () => fireEvent.click(screen.getByTestId('qr-camera-start'));

describe('QrCameraScan', () => {
  it('hands on the first verification link it sees and switches the camera off', async () => {
    const { ondecoded, track } = setup([undefined, blank, qrPixels(LINK)]);
    await start();
    expect(await screen.findByTestId('qr-camera-video')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/Hold your contact’s QR code up to the camera/);
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK), { timeout: 3000 });
    expect(track.stop).toHaveBeenCalled();
    expect(screen.queryByTestId('qr-camera-video')).toBeNull();
    expect(screen.getByTestId('qr-camera-start')).toBeTruthy();
  });

  it('names a QR code that is not a verification link and keeps looking', async () => {
    const { ondecoded } = setup([qrPixels('https://example.org/menu'), qrPixels('https://example.org/menu'), qrPixels(LINK)]);
    await start();
    expect((await screen.findByTestId('qr-camera-other', {}, { timeout: 3000 })).textContent).toContain('https://example.org/menu');
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK), { timeout: 3000 });
    expect(ondecoded).toHaveBeenCalledTimes(1);
  });

  it('Cancel and closing the panel switch the camera off', async () => {
    const first = setup([blank]);
    await start();
    await screen.findByTestId('qr-camera-video');
    await fireEvent.click(screen.getByTestId('qr-camera-stop'));
    expect(first.track.stop).toHaveBeenCalled();
    const reads = first.readFrame.mock.calls.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(first.readFrame.mock.calls.length).toBe(reads);
    first.unmount();

    const second = setup([blank]);
    await start();
    await screen.findByTestId('qr-camera-video');
    second.unmount();
    expect(second.track.stop).toHaveBeenCalled();
  });

  it('a camera that starts after Cancel is switched straight off', async () => {
    const cam = fakeCamera();
    let open!: (s: MediaStream) => void;
    setup(
      [blank],
      () =>
        new Promise((r) => {
          open = r;
        }),
    );
    await start();
    expect(screen.getByRole('status').textContent).toMatch(/Starting the camera/);
    await fireEvent.click(screen.getByTestId('qr-camera-stop'));
    open(cam.stream);
    await vi.waitFor(() => expect(cam.track.stop).toHaveBeenCalled());
    expect(screen.queryByTestId('qr-camera-video')).toBeNull();
  });

  it.each([
    ['NotAllowedError', /not allowed to use the camera.*privacy settings/],
    ['NotFoundError', /No camera was found/],
    ['NotReadableError', /another app may be using it/],
    ['TypeError', /camera could not be used here/],
  ])('says why the camera could not be used (%s), with the other ways', async (name, words) => {
    const err = Object.assign(new Error('x'), { name });
    setup([blank], async () => {
      throw err;
    });
    await start();
    const alert = await screen.findByTestId('qr-camera-error');
    expect(alert.textContent).toMatch(words);
    expect(alert.textContent).toMatch(/image of the code|paste the link/i);
    expect(screen.getByTestId('qr-camera-start')).toBeTruthy();
  });

  it('a picture that cannot be read switches the camera off and says so', async () => {
    const cam = fakeCamera();
    const ondecoded = vi.fn();
    render(QrCameraScan, {
      props: {
        ondecoded,
        openCamera: async () => cam.stream,
        readFrame: () => {
          throw new Error('no 2d canvas');
        },
      },
    });
    await start();
    expect((await screen.findByTestId('qr-camera-error', {}, { timeout: 3000 })).textContent).toMatch(
      /could not read the camera’s picture/,
    );
    expect(cam.track.stop).toHaveBeenCalled();
    expect(screen.queryByTestId('qr-camera-video')).toBeNull();
    expect(ondecoded).not.toHaveBeenCalled();
  });

  it('a camera that stops by itself is said in words', async () => {
    const { track } = setup([blank]);
    await start();
    await screen.findByTestId('qr-camera-video');
    for (const fn of track.listeners) fn();
    expect((await screen.findByTestId('qr-camera-error')).textContent).toMatch(/camera stopped/);
    expect(screen.queryByTestId('qr-camera-video')).toBeNull();
  });
});
