// QR codes as pixels for tests: drawn from Vireo's own encoder, and a stand-in for the browser's image
// decoding (jsdom has no createImageBitmap and no canvas) that hands those pixels to the code under test.
import { vi } from 'vitest';
import { encodeQr } from '$lib/qr.js';
import type { Pixels } from '$lib/qr-scan.js';

export interface DrawOptions {
  /** Pixels a module. */
  scale?: number;
  /** Modules of quiet zone around the code. */
  quiet?: number;
  /** Light modules on a dark background. */
  inverted?: boolean;
  /** Up to this much is added to or taken from each pixel's grey level. */
  noise?: number;
  seed?: number;
}

/** RGBA pixels of a QR code of `text`. */
export function qrPixels(text: string, { scale = 4, quiet = 4, inverted = false, noise = 0, seed = 1 }: DrawOptions = {}): Pixels {
  const qr = encodeQr(text);
  if (!qr) throw new Error('text too long for a QR code');
  const side = (qr.size + 2 * quiet) * scale;
  const data = new Uint8ClampedArray(side * side * 4);
  let s = seed;
  const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const dark = (qr.dark[Math.floor(py / scale) - quiet]?.[Math.floor(px / scale) - quiet] ?? false) !== inverted;
      const v = (dark ? 30 : 230) + Math.round((random() * 2 - 1) * noise);
      const i = (py * side + px) * 4;
      data[i] = data[i + 1] = data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return { data, width: side, height: side };
}

/**
 * Stands in for createImageBitmap and OffscreenCanvas: an image file whose name is a key of `images`
 * "decodes" to those pixels (jsdom's Blob cannot be read back); anything else is refused as the browser refuses a file that is no image.
 * Undo with vi.unstubAllGlobals().
 */
export function stubImageDecoding(images: Record<string, Pixels>): void {
  const drawn = new WeakMap<object, Pixels>();
  vi.stubGlobal('createImageBitmap', async (blob: Blob) => {
    const pixels = blob instanceof File ? images[blob.name] : undefined;
    if (!pixels) throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
    const bitmap = { width: pixels.width, height: pixels.height, close: () => {} };
    drawn.set(bitmap, pixels);
    return bitmap;
  });
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      #pixels: Pixels | undefined;
      constructor(
        readonly width: number,
        readonly height: number,
      ) {}
      getContext() {
        return {
          fillStyle: '',
          fillRect: () => {},
          drawImage: (bitmap: object) => {
            this.#pixels = drawn.get(bitmap);
          },
          getImageData: () => ({ data: this.#pixels?.data ?? new Uint8ClampedArray(this.width * this.height * 4) }),
        };
      }
    },
  );
}
