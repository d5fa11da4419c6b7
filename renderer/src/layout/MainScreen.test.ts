// The signed-in window: an h1, the empty pane offering what to do, and the conversation list's width,
// which the keyboard can change on its edge and which is remembered for the next start.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../stores/app.svelte.js';
import { account, conversation, createFakeBridge, ok, type Handlers } from '../test/fake-bridge.js';
import MainScreen from './MainScreen.svelte';

async function setup(handlers: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), ...handlers });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(MainScreen, { context: appContext(app) });
  return { fake, app };
}

afterEach(() => localStorage.clear());

describe('MainScreen', () => {
  it('has a main heading, and with no chats offers to start one or join a room', async () => {
    await setup();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Vireo');
    const empty = screen.getByTestId('pane-empty');
    expect(empty.textContent).toContain('No chats yet');
    await fireEvent.click(screen.getAllByRole('button', { name: 'Join a room' }).at(-1)!);
    expect(screen.getByRole('dialog', { name: 'Join a room' })).toBeTruthy();
  });

  it('with chats, says none is open', async () => {
    await setup({ 'chats:list': () => ok([conversation('bob@example.org')]) });
    expect(screen.getByTestId('pane-empty').textContent).toContain('No conversation open');
  });

  it('the list’s width moves with the arrow keys on its edge, within bounds, and is remembered', async () => {
    await setup();
    const edge = screen.getByRole('separator', { name: 'Width of the conversation list' });
    expect(edge.getAttribute('aria-valuenow')).toBe('320');
    await fireEvent.keyDown(edge, { key: 'ArrowRight' });
    expect(edge.getAttribute('aria-valuenow')).toBe('336');
    expect(localStorage.getItem('vireo.sidebarWidth')).toBe('336');
    await fireEvent.keyDown(edge, { key: 'Home' });
    await fireEvent.keyDown(edge, { key: 'ArrowLeft' });
    expect(edge.getAttribute('aria-valuenow')).toBe('260');
  });
});
