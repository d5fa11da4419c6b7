import { describe, expect, it } from 'vitest';
import { mentionRanges, mentions } from './mentions.js';

describe('mentions', () => {
  it('finds the nickname as a word of its own, in any case', () => {
    expect(mentions('alice: are you there?', 'Alice')).toBe(true);
    expect(mentions('hi @ALICE!', 'Alice')).toBe(true);
    expect(mentions('Alice', 'alice')).toBe(true);
    expect(mentions('ask Alice, then Bob', 'alice')).toBe(true);
  });

  it('does not count a nickname inside another word', () => {
    expect(mentions('such malice', 'Alice')).toBe(false);
    expect(mentions('alice2 said so', 'Alice')).toBe(false);
    expect(mentions('alicé was here', 'Alice')).toBe(false);
    expect(mentions('nothing here', 'Alice')).toBe(false);
    expect(mentions('anything', undefined)).toBe(false);
    expect(mentions('anything', '   ')).toBe(false);
  });

  it('handles nicknames with spaces, punctuation and non-Latin letters', () => {
    expect(mentions('thanks dr. who!', 'Dr. Who')).toBe(true);
    expect(mentions('Привет, Оля', 'оля')).toBe(true);
    expect(mentions('Привет, Олялля', 'оля')).toBe(false);
    expect(mentions('ping [bot]', '[bot]')).toBe(true);
    expect(mentions('😀alice😀', 'alice')).toBe(true);
  });

  it('gives every mention', () => {
    expect(mentionRanges('Bob, bob: BOB', 'bob')).toEqual([
      [0, 3],
      [5, 8],
      [10, 13],
    ]);
    expect(mentionRanges('<b>hi</b> Alice!', 'alice')).toEqual([[10, 15]]);
  });
});
