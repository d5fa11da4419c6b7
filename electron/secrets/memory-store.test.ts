import { describe, it, expect } from 'vitest';
import { createMemoryStore } from './memory-store.js';

describe('memory store ("don\'t remember my password")', () => {
  it('keeps a secret for this run only: a new store (a restart) has forgotten it', async () => {
    const s = createMemoryStore();
    expect(s.backend).toBe('memory');
    await s.set('acct', 'hunter2');
    expect(await s.get('acct')).toBe('hunter2');
    expect(await createMemoryStore().get('acct')).toBeUndefined();
    await s.delete('acct');
    expect(await s.get('acct')).toBeUndefined();
  });
});
