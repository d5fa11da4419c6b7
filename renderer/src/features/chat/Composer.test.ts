import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Composer from './Composer.svelte';
import { MAX_MESSAGE_LENGTH } from '$shared/limits.js';

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

  it('says how long a message may be before sending: a counter near the limit, and over it a sentence while sending is off', async () => {
    const onsend = vi.fn(async () => true);
    render(Composer, { props: { onsend } });
    const button = screen.getByTestId<HTMLButtonElement>('send-button');

    await type('short');
    expect(screen.queryByTestId('composer-length')).toBeNull();

    await type('x'.repeat(MAX_MESSAGE_LENGTH - 10));
    expect(screen.getByTestId('composer-length').textContent).toMatch(/^\s*10 characters left\s*$/);
    expect(button.disabled).toBe(false);

    const box = await type('x'.repeat(MAX_MESSAGE_LENGTH + 123));
    const said = screen.getByRole('alert');
    expect(said.textContent).toContain('100,123 characters long');
    expect(said.textContent).toContain('at most 100,000');
    expect(said.textContent).toContain('Shorten it by 123 characters');
    expect(button.disabled).toBe(true);
    await fireEvent.keyDown(box, { key: 'Enter' });
    await fireEvent.click(button);
    expect(onsend).not.toHaveBeenCalled();
    expect(box.value).toHaveLength(MAX_MESSAGE_LENGTH + 123); // nothing is lost

    await type('x'.repeat(MAX_MESSAGE_LENGTH));
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onsend).toHaveBeenCalledWith('x'.repeat(MAX_MESSAGE_LENGTH));
  });
});
