// The rooms in the sidebar: a room is called by the name its owners gave it, with its address under it,
// and by its address alone while it has none; names are text, the list is in the order it reads, and
// the jump field finds a room by its name.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { account, createFakeBridge, ok, room } from '../../test/fake-bridge.js';
import Sidebar from '../../layout/Sidebar.svelte';

const ZOO = 'zoo@conference.example.org';
const ALPHA = 'alpha@conference.example.org';

async function setup() {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'rooms:list': () => ok([room(ZOO, { name: 'Aardvarks <b>club</b>' }), room(ALPHA)]),
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(Sidebar, { context: appContext(app) });
  return { fake };
}

const items = () => screen.getAllByTestId('room-item');
const item = (jid: string) => items().find((el) => el.dataset.room === jid)!;

describe('RoomList', () => {
  it('shows a room’s name with its address under it, as text; a room without a name by its address', async () => {
    await setup();
    const zoo = item(ZOO);
    expect(within(zoo).getByTestId('room-name').textContent).toBe('Aardvarks <b>club</b>');
    expect(zoo.querySelector('b')).toBeNull();
    expect(within(zoo).getByTestId('room-address').textContent).toBe(ZOO);
    const alpha = item(ALPHA);
    expect(within(alpha).getByTestId('room-name').textContent).toBe(ALPHA);
    expect(within(alpha).queryByTestId('room-address')).toBeNull();
    // In the order the list reads: by name, else by address.
    expect(items().map((el) => el.dataset.room)).toEqual([ZOO, ALPHA]);
    // Its state and how many are in it, as words with their spaces.
    expect(within(zoo).getByTestId('room-state').textContent?.trim()).toBe('Joined · 1 person');
  });

  it('follows a new name from room:updated, and the jump field finds a room by its name', async () => {
    const { fake } = await setup();
    fake.emit('room:updated', room(ALPHA, { name: 'Team Alpha' }));
    flushSync();
    expect(within(item(ALPHA)).getByTestId('room-name').textContent).toBe('Team Alpha');
    expect(within(item(ALPHA)).getByTestId('room-address').textContent).toBe(ALPHA);
    expect(items().map((el) => el.dataset.room)).toEqual([ZOO, ALPHA]);

    await fireEvent.input(screen.getByTestId('jump'), { target: { value: 'team al' } });
    expect(items().map((el) => el.dataset.room)).toEqual([ALPHA]);
  });
});
