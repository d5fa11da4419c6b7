import { describe, expect, it } from 'vitest';
import { balanceBidi, isolate } from './bidi.js';

const RLO = '\u202E';
const PDF = '\u202C';
const LRI = '\u2066';
const PDI = '\u2069';
const FSI = '\u2068';

describe('balanceBidi', () => {
  it('leaves text without controls as it is', () => {
    expect(balanceBidi('Bob')).toBe('Bob');
    expect(balanceBidi('שלום Bob')).toBe('שלום Bob');
  });

  it('closes an override that the text leaves open, so it ends with the text', () => {
    expect(balanceBidi(`photo${RLO}gnp.exe`)).toBe(`photo${RLO}gnp.exe${PDF}`);
    expect(balanceBidi(`${LRI}${RLO}x`)).toBe(`${LRI}${RLO}x${PDF}${PDI}`);
  });

  it('drops closers that would end the isolate around the text early', () => {
    expect(balanceBidi(`${PDI}${RLO}x`)).toBe(`${RLO}x${PDF}`);
    expect(balanceBidi(`a${PDF}b`)).toBe('ab');
    // A PDF cannot reach out of an isolate opened after its embedding.
    expect(balanceBidi(`${RLO}a${LRI}b${PDF}c`)).toBe(`${RLO}a${LRI}bc${PDI}${PDF}`);
  });

  it('keeps matched pairs, and ends every embedding inside an isolate with it', () => {
    expect(balanceBidi(`${RLO}a${PDF}b`)).toBe(`${RLO}a${PDF}b`);
    expect(balanceBidi(`${LRI}${RLO}a${PDI}b`)).toBe(`${LRI}${RLO}a${PDF}${PDI}b`);
  });

  it('balances each paragraph on its own (a line break ends every embedding)', () => {
    expect(balanceBidi(`${RLO}a\nb${PDF}`)).toBe(`${RLO}a${PDF}\nb`);
  });
});

describe('isolate', () => {
  it('wraps text that could move what is around it in FSI … PDI, balanced', () => {
    expect(isolate(`Eve${RLO}txt.exe`)).toBe(`${FSI}Eve${RLO}txt.exe${PDF}${PDI}`);
    expect(isolate('שלום')).toBe(`${FSI}שלום${PDI}`);
    expect(isolate('مرحبا')).toBe(`${FSI}مرحبا${PDI}`);
  });

  it('leaves left-to-right text unchanged', () => {
    expect(isolate('Release <i>crew</i>')).toBe('Release <i>crew</i>');
    expect(isolate('bob@example.org')).toBe('bob@example.org');
  });
});
