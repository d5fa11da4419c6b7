// Reading a QR code back from pixels: codes drawn from Vireo's own encoder (as another app would show
// them, dark on light and light on dark, with noise), and images with no code in them.
import { describe, expect, it } from 'vitest';
import { decodeQrImage, imageFrom } from './qr-scan.js';
import { qrPixels as pixels } from '../test/qr-pixels.js';

const LINK = 'xmpp:bob@example.org?omemo-sid-1234567=05a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

describe('decodeQrImage', () => {
  it('reads back an OMEMO verification link drawn by Vireo’s encoder', () => {
    const { data, width, height } = pixels(LINK);
    expect(decodeQrImage(data, width, height)).toBe(LINK);
  });

  it('reads a light-on-dark code (a dark theme’s screenshot)', () => {
    const { data, width, height } = pixels(LINK, { inverted: true });
    expect(decodeQrImage(data, width, height)).toBe(LINK);
  });

  it('reads a code that is small, noisy and off-centre in a larger picture', () => {
    const code = pixels(LINK, { scale: 3, noise: 40, seed: 7 });
    const width = code.width + 160;
    const height = code.height + 90;
    const data = new Uint8ClampedArray(width * height * 4).fill(240);
    for (let y = 0; y < code.height; y++) {
      data.set(code.data.subarray(y * code.width * 4, (y + 1) * code.width * 4), ((y + 60) * width + 120) * 4);
    }
    expect(decodeQrImage(data, width, height)).toBe(LINK);
  });

  it('reads text that is not ASCII as UTF-8', () => {
    const text = 'xmpp:zoë@example.org?omemo-sid-42=ab';
    const { data, width, height } = pixels(text);
    expect(decodeQrImage(data, width, height)).toBe(text);
  });

  it('finds nothing in a blank or a noisy image, or in pixels that do not fit the size', () => {
    const blank = new Uint8ClampedArray(200 * 200 * 4).fill(255);
    expect(decodeQrImage(blank, 200, 200)).toBeUndefined();

    let s = 3;
    const noisy = new Uint8ClampedArray(200 * 200 * 4).map((_, i) => (i % 4 === 3 ? 255 : (s = (s * 69069 + 1) >>> 0) >>> 24));
    expect(decodeQrImage(noisy, 200, 200)).toBeUndefined();

    const { data, width } = pixels(LINK);
    expect(decodeQrImage(data, width, width + 10)).toBeUndefined();
    expect(decodeQrImage(new Uint8ClampedArray(0), 0, 0)).toBeUndefined();
  });
});

describe('imageFrom', () => {
  const transfer = (files: File[], items: DataTransferItem[] = []) => ({ files, items }) as unknown as DataTransfer;

  it('takes the first image among files, or from items (a pasted screenshot)', () => {
    const text = new File(['hi'], 'a.txt', { type: 'text/plain' });
    const png = new File(['x'], 'shot.png', { type: 'image/png' });
    expect(imageFrom(transfer([text, png]))).toBe(png);
    const item = { kind: 'file', type: 'image/png', getAsFile: () => png } as unknown as DataTransferItem;
    expect(imageFrom(transfer([], [item]))).toBe(png);
    expect(imageFrom(transfer([text]))).toBeUndefined();
    expect(imageFrom(null)).toBeUndefined();
  });
});
