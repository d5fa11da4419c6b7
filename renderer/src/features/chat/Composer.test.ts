import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Composer from './Composer.svelte';

async function type(text: string) {
  const box = screen.getByTestId<HTMLTextAreaElement>('composer');
  await fireEvent.input(box, { target: { value: text } });
  return box;
}

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const onsend = vi.fn(async () => true);
    render(Composer, { props: { onsend } });
    const box = await type('hello there');
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onsend).toHaveBeenCalledWith('hello there');
    expect(box.value).toBe('');
  });

  it('does not send on Shift+Enter (that is a new line)', async () => {
    const onsend = vi.fn(async () => true);
    render(Composer, { props: { onsend } });
    const box = await type('line one');
    const notCancelled = await fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(notCancelled).toBe(true); // the browser inserts the newline
    expect(onsend).not.toHaveBeenCalled();
    expect(box.value).toBe('line one');
  });

  it('does not send while an input method is composing', async () => {
    const onsend = vi.fn(async () => true);
    render(Composer, { props: { onsend } });
    const box = await type('にほん');
    await fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    expect(onsend).not.toHaveBeenCalled();
  });

  it('sends with the button, never sends blank text, and puts the text back when sending failed', async () => {
    const onsend = vi.fn(async () => false);
    render(Composer, { props: { onsend } });
    const box = await type('   ');
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onsend).not.toHaveBeenCalled();
    expect(screen.getByTestId<HTMLButtonElement>('send-button').disabled).toBe(true);

    await type('try me');
    await fireEvent.click(screen.getByTestId('send-button'));
    expect(onsend).toHaveBeenCalledWith('try me');
    await vi.waitFor(() => expect(box.value).toBe('try me'));
  });
});
