import { describe, expect, it } from 'vitest';
import { errorMessage } from './error-message.js';

describe('errorMessage', () => {
  it("gives an Error's message", () => {
    expect(errorMessage(new TypeError('boom'))).toBe('boom');
  });

  it('gives something for whatever else was thrown, where (err as Error).message would say undefined or throw', () => {
    expect(errorMessage('plain string')).toBe('plain string');
    expect(errorMessage({ message: 'error-like' })).toBe('error-like');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage({ message: 7 })).toBe('[object Object]');
  });
});
