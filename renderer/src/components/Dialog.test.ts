// The shared dialog, menu and toasts as a keyboard user meets them: focus goes in and comes back,
// Tab stays inside, Escape closes, arrow keys move through a menu, a toast goes away by itself.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import DialogHarness from '../test/DialogHarness.svelte';
import Toaster from './Toaster.svelte';
import { TOAST_MS, ToastsStore } from '../stores/toasts.svelte.js';

afterEach(() => vi.useRealTimers());

describe('Dialog', () => {
  it('is a labelled modal that takes the focus to its first field and gives it back on Escape', async () => {
    render(DialogHarness);
    const opener = screen.getByRole('button', { name: 'Open it' });
    opener.focus();
    await fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Rename' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toBe('Only you see it.');
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));

    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('closes on Escape even when the focus was lost to the page (a button that disabled itself)', async () => {
    render(DialogHarness);
    await fireEvent.click(screen.getByRole('button', { name: 'Open it' }));
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    await fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(screen.getByRole('dialog').contains(document.activeElement)).toBe(true);
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps Tab inside, both ways', async () => {
    render(DialogHarness);
    await fireEvent.click(screen.getByRole('button', { name: 'Open it' }));
    const save = screen.getByRole('button', { name: 'Save' });
    const close = screen.getByRole('button', { name: 'Close' });
    save.focus();
    await fireEvent.keyDown(save, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    await fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(save);
  });

  it('closes with its close button and returns the focus', async () => {
    render(DialogHarness);
    const opener = screen.getByRole('button', { name: 'Open it' });
    opener.focus();
    await fireEvent.click(opener);
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe('Menu', () => {
  it('opens from its button on the first item, moves with arrows (skipping disabled ones), runs with a click', async () => {
    const onpick = vi.fn();
    render(DialogHarness, { onpick });
    const button = screen.getByRole('button', { name: 'Actions' });
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    await fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const menu = screen.getByRole('menu', { name: 'Actions' });
    const items = screen.getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['Rename', 'Disabled', 'Remove']);
    await vi.waitFor(() => expect(document.activeElement).toBe(items[0]));
    await fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[2]);
    await fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[0]);
    await fireEvent.keyDown(menu, { key: 'End' });
    expect(document.activeElement).toBe(items[2]);
    await fireEvent.click(items[2]!);
    expect(onpick).toHaveBeenCalledWith('remove');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('closes on Escape and returns the focus to its button', async () => {
    const onpick = vi.fn();
    render(DialogHarness, { onpick });
    const button = screen.getByRole('button', { name: 'Actions' });
    button.focus();
    await fireEvent.keyDown(button, { key: 'ArrowUp' });
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Remove'));
    await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(onpick).not.toHaveBeenCalled();
  });

  it('opens at a point as a context menu', async () => {
    const { component } = render(DialogHarness);
    component.openMenuAt(120, 80);
    await vi.waitFor(() => expect(screen.getByRole('menu')).toBeTruthy());
    expect(screen.getByRole('menu').style.left).toBe('120px');
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Rename'));
  });
});

describe('Toasts', () => {
  it('shows a toast in a polite live region and takes it away after a few seconds', () => {
    vi.useFakeTimers();
    const store = new ToastsStore();
    render(Toaster, { store });
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    store.show('Bob added');
    flushSync();
    expect(region.textContent).toContain('Bob added');
    vi.advanceTimersByTime(TOAST_MS - 100);
    flushSync();
    expect(region.textContent).toContain('Bob added');
    vi.advanceTimersByTime(200);
    flushSync();
    expect(region.textContent).not.toContain('Bob added');
  });

  it('keeps at most three, the newest last', () => {
    const store = new ToastsStore();
    for (const t of ['one', 'two', 'three', 'four']) store.show(t);
    expect(store.list.map((t) => t.text)).toEqual(['two', 'three', 'four']);
  });
});
