// A room the user created and that is still locked: the usual sentence, or — when the server did not
// take the room's default settings — what happened and the way out, with the button to set it up.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import RoomStatus from './RoomStatus.svelte';

describe('RoomStatus for a new room that is still locked', () => {
  it('says that nobody else can enter until it is set up', () => {
    render(RoomStatus, { room: { state: 'joined', locked: true }, onrejoin: async () => undefined, onsetup: () => {} });
    expect(screen.getByTestId('room-status').textContent).toContain('Nobody else can enter until you save its settings');
  });

  it('says the server did not accept its settings, and offers to set it up', async () => {
    const onsetup = vi.fn();
    render(RoomStatus, {
      room: { state: 'joined', locked: true, error: { code: 'room-config-failed', detail: 'bad-request' } },
      onrejoin: async () => undefined,
      onsetup,
    });
    const status = screen.getByTestId('room-status');
    expect(status.dataset.state).toBe('locked');
    expect(status.textContent).toContain('The server did not accept the new room’s settings');
    expect(status.textContent).toContain('choose not to create it');
    await fireEvent.click(screen.getByTestId('room-setup'));
    expect(onsetup).toHaveBeenCalledOnce();
  });
});
