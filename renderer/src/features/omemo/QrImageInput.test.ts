// Reading a QR code from an image given three ways (chosen, dropped, pasted), with the browser's image
// decoding stood in for (jsdom has none) and the real QR decoding; what is not a QR code is said in words.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { qrPixels, stubImageDecoding } from '../../test/qr-pixels.js';
import QrImageInput from './QrImageInput.svelte';

const LINK = 'xmpp:bob@example.org?omemo-sid-100=0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const blank = { data: new Uint8ClampedArray(120 * 120 * 4).fill(255), width: 120, height: 120 };

const image = (name: string, type = 'image/png') => new File(['…'], name, { type });

function setup() {
  stubImageDecoding({ 'code.png': qrPixels(LINK), 'dark.png': qrPixels(LINK, { inverted: true, noise: 20 }), 'blank.png': blank });
  const ondecoded = vi.fn();
  render(QrImageInput, { props: { ondecoded } });
  return { ondecoded, area: screen.getByTestId('qr-image-area') };
}

async function choose(file: File) {
  const input = screen.getByTestId<HTMLInputElement>('qr-image-file');
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await fireEvent.change(input);
}

afterEach(() => vi.unstubAllGlobals());

describe('QrImageInput', () => {
  it('reads the link from a chosen image, and the button opens the file picker for images', async () => {
    const { ondecoded } = setup();
    const input = screen.getByTestId<HTMLInputElement>('qr-image-file');
    expect(input.accept).toBe('image/*');
    expect(screen.getByLabelText('Image of your contact’s QR code')).toBe(input);
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    await fireEvent.click(screen.getByRole('button', { name: 'Choose an image of their QR code…' }));
    expect(click).toHaveBeenCalled();

    await choose(image('code.png'));
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK));
    expect(screen.queryByTestId('qr-image-error')).toBeNull();
  });

  it('reads a pasted screenshot of a light-on-dark code, and leaves text pastes to the field', async () => {
    const { ondecoded, area } = setup();
    const shot = image('dark.png');
    const item = { kind: 'file', type: 'image/png', getAsFile: () => shot };
    const pasted = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(pasted, 'clipboardData', { value: { files: [], items: [item], types: ['Files'] } });
    area.dispatchEvent(pasted);
    expect(pasted.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK));

    const text = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(text, 'clipboardData', {
      value: { files: [], items: [{ kind: 'string', type: 'text/plain' }], types: ['text/plain'] },
    });
    area.dispatchEvent(text);
    expect(text.defaultPrevented).toBe(false);
    expect(ondecoded).toHaveBeenCalledTimes(1);
  });

  it('reads a dropped image', async () => {
    const { ondecoded, area } = setup();
    await fireEvent.dragOver(area, { dataTransfer: { types: ['Files'], files: [], items: [] } });
    expect(area.classList.contains('dragging')).toBe(true);
    await fireEvent.drop(area, { dataTransfer: { types: ['Files'], files: [image('code.png')], items: [] } });
    expect(area.classList.contains('dragging')).toBe(false);
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK));
  });

  it('says so in words when there is no QR code, the file is no image, or it cannot be opened', async () => {
    const { ondecoded, area } = setup();
    await choose(image('blank.png'));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'No QR code found in this image. Try a sharper screenshot, or paste the link instead.',
    );

    await fireEvent.drop(area, { dataTransfer: { types: ['Files'], files: [image('notes.txt', 'text/plain')], items: [] } });
    expect(screen.getByRole('alert').textContent).toContain('That is not an image.');

    await choose(image('broken.png'));
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Vireo could not open this image.'));

    // A good image afterwards clears the sentence.
    await choose(image('code.png'));
    await vi.waitFor(() => expect(ondecoded).toHaveBeenCalledWith(LINK));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(ondecoded).toHaveBeenCalledTimes(1);
  });
});
