// Reading a contact's OMEMO verification QR code from an image (a file, a drop, a pasted screenshot)
// or from the camera's picture, so the link it holds can be verified like a pasted one. Decoding is jsQR on RGBA pixels; getting the
// pixels needs a canvas, which is kept apart so the decoding can be tested without one.
import jsQR from 'jsqr';

/** RGBA pixels, 4 bytes a pixel, row by row (what `getImageData` gives). */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The text of the QR code in these pixels, or undefined when none is found. Light-on-dark codes (a dark
 * theme's screenshot) are tried too, after the usual dark-on-light.
 */
export function decodeQrImage(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  if (width <= 0 || height <= 0 || data.length < width * height * 4) return undefined;
  const code = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  return code?.data ? code.data : undefined;
}

// A 4K screenshot is 8 million pixels: jsQR on that blocks the window for seconds. Halving it still leaves
// a code shown at a readable size (≥ 3 px a module) readable.
const MAX_SIDE = 2048;

/**
 * The pixels of an image file, scaled down to at most MAX_SIDE a side. createImageBitmap reads the
 * Blob directly: no blob: or data: URL, nothing for the CSP to allow. Throws when it is not an image
 * the browser can read.
 */
export async function imagePixels(image: Blob): Promise<Pixels> {
  const bitmap = await createImageBitmap(image);
  try {
    return drawnPixels(bitmap, bitmap.width, bitmap.height, MAX_SIDE);
  } finally {
    bitmap.close();
  }
}

// A camera picture is decoded several times a second: 640 px a side keeps each try short, and a code
// held up to a webcam fills a good part of the picture.
const CAMERA_MAX_SIDE = 640;

/** The pixels of the camera's current picture (a playing <video>), or undefined before the first one. */
export function videoPixels(video: HTMLVideoElement): Pixels | undefined {
  if (video.readyState < 2 || !video.videoWidth || !video.videoHeight) return undefined;
  return drawnPixels(video, video.videoWidth, video.videoHeight, CAMERA_MAX_SIDE);
}

function drawnPixels(source: CanvasImageSource, sourceWidth: number, sourceHeight: number, maxSide: number): Pixels {
  const scale = Math.min(1, maxSide / Math.max(sourceWidth, sourceHeight));
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2d canvas');
  // Transparent pixels (a PNG with no background) count as white, as on a page.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { data, width, height };
}

/** Why the camera could not be used, as a sentence with the way out (getUserMedia's error names). */
export function cameraErrorText(err: unknown): string {
  const name = (err as { name?: string } | null)?.name;
  const instead = 'Choose an image of the code or paste the link instead.';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Vireo was not allowed to use the camera. Allow it in your system’s privacy settings and try again, or ${instead.charAt(0).toLowerCase()}${instead.slice(1)}`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found on this computer. ${instead}`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera could not be started: another app may be using it. Close that app and try again, or ${instead.charAt(0).toLowerCase()}${instead.slice(1)}`;
    default:
      return `The camera could not be used here. ${instead}`;
  }
}

/** The first image among dropped or pasted items, if any. */
export function imageFrom(transfer: DataTransfer | null): File | undefined {
  if (!transfer) return undefined;
  for (const file of transfer.files) if (file.type.startsWith('image/')) return file;
  // Some hosts put a pasted screenshot only in `items`.
  for (const item of transfer.items ?? []) {
    if (item.kind === 'file' && item.type.startsWith('image/')) {
      const file = item.getAsFile();
      if (file) return file;
    }
  }
  return undefined;
}
