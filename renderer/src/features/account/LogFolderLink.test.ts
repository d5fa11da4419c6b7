// "Open log folder": the desktop app opens it; the browser host cannot, so its path is shown.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '../../lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { createFakeBridge, ok } from '../../test/fake-bridge.js';
import LogFolderLink from './LogFolderLink.svelte';

async function setup(opened: boolean) {
  const fake = createFakeBridge({ 'app:open-log-folder': () => ok({ path: '/home/u/.config/Vireo/logs', opened }) });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  render(LogFolderLink, { context: appContext(app) });
  await fireEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
  return fake;
}

describe('LogFolderLink', () => {
  it('asks the app to open the log folder, and says nothing more when it did', async () => {
    const fake = await setup(true);
    expect(fake.callsOf('app:open-log-folder')).toEqual([{}]);
    expect(screen.queryByTestId('log-folder-path')).toBeNull();
  });

  it('shows where the log file is when the folder cannot be opened (the browser host)', async () => {
    await setup(false);
    expect((await screen.findByTestId('log-folder-path')).textContent).toBe('/home/u/.config/Vireo/logs');
  });
});
