import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from './api.js';
import { watchVisibility } from './visibility.js';
import { createFakeBridge } from '../test/fake-bridge.js';

let state: DocumentVisibilityState = 'visible';
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });

function setVisibility(next: DocumentVisibilityState) {
  state = next;
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  state = 'visible';
});
afterAll(() => {
  delete (document as { visibilityState?: unknown }).visibilityState;
});

describe('watchVisibility (XEP-0352)', () => {
  it('reports visible at the start, then hidden, then visible, and nothing when unchanged', async () => {
    const fake = createFakeBridge();
    setBridgeForTests(fake.bridge);
    const stop = watchVisibility(api);
    // The core may still hold a closed page's "inactive": a new visible page says it is active.
    expect(fake.callsOf('app:set-active')).toEqual([{ active: true }]);
    setVisibility('hidden');
    setVisibility('hidden');
    setVisibility('visible');
    setVisibility('visible');
    expect(fake.callsOf('app:set-active')).toEqual([{ active: true }, { active: false }, { active: true }]);
    stop();
    setVisibility('hidden');
    expect(fake.callsOf('app:set-active')).toHaveLength(3);
  });

  it('reports once at the start when the window begins hidden', () => {
    const fake = createFakeBridge();
    setBridgeForTests(fake.bridge);
    state = 'hidden';
    const stop = watchVisibility(api);
    expect(fake.callsOf('app:set-active')).toEqual([{ active: false }]);
    stop();
  });
});
