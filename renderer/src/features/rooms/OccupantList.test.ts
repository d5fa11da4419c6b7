// A big room's list of people renders only the rows in view (plus a margin), says how many people
// there are, and keeps the order: moderators first, then by nickname.
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { occupant } from '../../test/fake-bridge.js';
import OccupantList, { VIRTUAL_FROM } from './OccupantList.svelte';

const crowd = (n: number) => Array.from({ length: n }, (_, i) => occupant(`guest ${String(n - i).padStart(4, '0')}`));

describe('OccupantList', () => {
  it('lists everyone in a small room', () => {
    render(OccupantList, { props: { occupants: crowd(VIRTUAL_FROM - 1) } });
    expect(screen.getAllByTestId('occupant-item')).toHaveLength(VIRTUAL_FROM - 1);
    expect(screen.getByTestId('occupant-list').dataset.count).toBe(String(VIRTUAL_FROM - 1));
  });

  it('renders only the first rows of 500 people, in order, with their place in the whole list', () => {
    const people = [...crowd(499), occupant('Zed', { role: 'moderator', affiliation: 'owner' })];
    render(OccupantList, { props: { occupants: people } });
    const list = screen.getByTestId('occupant-list');
    expect(list.dataset.count).toBe('500');
    const items = screen.getAllByTestId('occupant-item');
    expect(items.length).toBeLessThan(100);
    expect(items.map((li) => li.dataset.nick).slice(0, 3)).toEqual(['Zed', 'guest 0001', 'guest 0002']);
    expect(items[1]?.getAttribute('aria-posinset')).toBe('2');
    expect(items[1]?.getAttribute('aria-setsize')).toBe('500');
    // The rows left out still take their place, so the list scrolls as long as the whole of it.
    expect(parseFloat(list.style.paddingBottom)).toBeGreaterThan(0);
  });
});
