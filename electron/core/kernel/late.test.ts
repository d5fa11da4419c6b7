// A service needed before it is built: used too early it says which one, and it is provided once.
import { describe, expect, it } from 'vitest';
import { late } from './late.js';

describe('late', () => {
  it('answers the service once provided, and names it when used before', () => {
    const rooms = late<{ isRoom(): boolean }>('rooms');
    const early = () => rooms().isRoom();
    expect(early).toThrow('rooms is used before it is built');
    const service = { isRoom: () => true };
    expect(rooms.provide(service)).toBe(service);
    expect(early()).toBe(true);
  });

  it('refuses a second service', () => {
    const omemo = late<object>('omemo');
    omemo.provide({});
    expect(() => omemo.provide({})).toThrow('omemo is provided twice');
  });
});
