// The QR encoder against ISO/IEC 18004 tables and published vectors, and against a small decoder
// written here from the spec (format bits read back from both copies, zigzag, de-interleaving,
// Reed–Solomon syndromes, byte mode), so a placement or interleaving slip cannot hide.
import { describe, expect, it } from 'vitest';
import { MASKS, encodeQr, formatBits, penalty, qrPath, reedSolomon, versionBits, type QrCode, type QrLevel } from './qr.js';

// ISO/IEC 18004 Annex C, Table C.1: the format information bit sequences (after the XOR mask).
const FORMAT_TABLE: Record<QrLevel, string[]> = {
  L: [
    '111011111000100',
    '111001011110011',
    '111110110101010',
    '111100010011101',
    '110011000101111',
    '110001100011000',
    '110110001000001',
    '110100101110110',
  ],
  M: [
    '101010000010010',
    '101000100100101',
    '101111001111100',
    '101101101001011',
    '100010111111001',
    '100000011001110',
    '100111110010111',
    '100101010100000',
  ],
};
// Annex D, Table D.1: version information bit sequences.
const VERSION_TABLE: Record<number, string> = {
  7: '000111110010010100',
  8: '001000010110111100',
  9: '001001101010011001',
  10: '001010010011010011',
};
// Table 9 again, written out as blocks so the decoder does not share the encoder's table.
const BLOCKS: Record<string, { ec: number; data: number[] }> = {
  '1M': { ec: 10, data: [16] },
  '2M': { ec: 16, data: [28] },
  '3M': { ec: 26, data: [44] },
  '7M': { ec: 18, data: [31, 31, 31, 31] },
  '8M': { ec: 22, data: [38, 38, 39, 39] },
  '9L': { ec: 30, data: [116, 116] },
  '10M': { ec: 26, data: [43, 43, 43, 43, 44] },
  '10L': { ec: 18, data: [68, 68, 69, 69] },
};
const ALIGN: Record<number, number[]> = {
  1: [],
  2: [6, 18],
  3: [6, 22],
  7: [6, 22, 38],
  8: [6, 24, 42],
  9: [6, 26, 46],
  10: [6, 28, 50],
};

// GF(256) by log/antilog tables: a different route from the encoder's shift-and-add multiply.
const EXP: number[] = [];
const LOG: number[] = new Array<number>(256).fill(0);
for (let i = 0, v = 1; i < 255; i++, v = v & 0x80 ? (v << 1) ^ 0x11d : v << 1) [EXP[i], LOG[v]] = [v, i];
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[(LOG[a]! + LOG[b]!) % 255]!);

const URI = 'xmpp:alice@example.org?omemo-sid-1234567890=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function isFunction(x: number, y: number, size: number, version: number): boolean {
  if ((x < 9 && y < 9) || (x >= size - 8 && y < 9) || (x < 9 && y >= size - 8)) return true; // finders + format
  if (x === 6 || y === 6) return true;
  if (version >= 7 && ((x >= size - 11 && x < size - 8 && y < 6) || (y >= size - 11 && y < size - 8 && x < 6))) return true;
  const c = ALIGN[version]!;
  return c.some((cy, i) =>
    c.some((cx, j) => {
      const finder = (i === 0 && j === 0) || (i === 0 && j === c.length - 1) || (i === c.length - 1 && j === 0);
      return !finder && Math.abs(x - cx) <= 2 && Math.abs(y - cy) <= 2;
    }),
  );
}

/** Reads the QR code back, checking every block's Reed–Solomon syndromes on the way. */
function decode(qr: QrCode): { text: string; level: QrLevel; mask: number } {
  const { size, dark } = qr;
  const version = (size - 17) / 4;
  const at = (x: number, y: number) => (dark[y]![x] ? '1' : '0');
  // Figure 25, most significant bit first: around the top-left finder, then bottom-left + top-right.
  const copy1 = [
    [0, 8],
    [1, 8],
    [2, 8],
    [3, 8],
    [4, 8],
    [5, 8],
    [7, 8],
    [8, 8],
    [8, 7],
    [8, 5],
    [8, 4],
    [8, 3],
    [8, 2],
    [8, 1],
    [8, 0],
  ]
    .map(([x, y]) => at(x!, y!))
    .join('');
  const copy2 = [...[1, 2, 3, 4, 5, 6, 7].map((i) => at(8, size - i)), ...[8, 7, 6, 5, 4, 3, 2, 1].map((i) => at(size - i, 8))].join('');
  expect(copy2).toBe(copy1);
  const level = (['L', 'M'] as const).find((l) => FORMAT_TABLE[l].includes(copy1))!;
  expect(level).toBeDefined();
  const mask = FORMAT_TABLE[level].indexOf(copy1);
  const bits: number[] = [];
  for (let right = size - 1, up = true; right > 0; right -= 2, up = !up) {
    if (right === 6) right = 5;
    for (let v = 0; v < size; v++) {
      const y = up ? size - 1 - v : v;
      for (const x of [right, right - 1]) {
        if (isFunction(x, y, size, version)) continue;
        bits.push(Number(dark[y]![x]) ^ Number(MASKS[mask]!(x, y)));
      }
    }
  }
  const codewords: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) codewords.push(parseInt(bits.slice(i, i + 8).join(''), 2));
  const spec = BLOCKS[`${version}${level}`]!;
  const blocks = spec.data.map(() => [] as number[]);
  let k = 0;
  for (let i = 0; i < Math.max(...spec.data); i++)
    spec.data.forEach((len, b) => {
      if (i < len) blocks[b]!.push(codewords[k++]!);
    });
  const data = blocks.flat();
  for (let i = 0; i < spec.ec; i++) blocks.forEach((blk) => blk.push(codewords[k++]!));
  for (const blk of blocks) {
    for (let i = 0; i < spec.ec; i++)
      expect(
        blk.reduce((s, c) => mul(s, EXP[i]!) ^ c, 0),
        `syndrome ${i}`,
      ).toBe(0);
  }
  const stream = data.map((b) => b.toString(2).padStart(8, '0')).join('');
  expect(stream.slice(0, 4)).toBe('0100'); // byte mode
  const countBits = version <= 9 ? 8 : 16;
  const count = parseInt(stream.slice(4, 4 + countBits), 2);
  const bytes = Uint8Array.from({ length: count }, (_, i) => parseInt(stream.slice(4 + countBits + 8 * i, 12 + countBits + 8 * i), 2));
  return { text: new TextDecoder().decode(bytes), level, mask };
}

describe('QR encoder', () => {
  it('computes the format information of ISO/IEC 18004 Table C.1 for every mask at L and M', () => {
    for (const level of ['L', 'M'] as const) {
      FORMAT_TABLE[level].forEach((bits, mask) => expect(formatBits(level, mask).toString(2).padStart(15, '0')).toBe(bits));
    }
  });

  it('computes the version information of Table D.1', () => {
    for (const [v, bits] of Object.entries(VERSION_TABLE)) expect(versionBits(Number(v)).toString(2).padStart(18, '0')).toBe(bits);
  });

  it('matches published Reed–Solomon vectors (ISO Annex I "01234567" 1-M, and "HELLO WORLD" 1-M)', () => {
    const annex = [0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11];
    expect(reedSolomon(annex, 10)).toEqual([0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
    const hello = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(reedSolomon(hello, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it.each([
    [14, 1, 'M'],
    [15, 2, 'M'],
    [122, 7, 'M'],
    [123, 8, 'M'],
    [213, 10, 'M'],
    [214, 9, 'L'],
    [271, 10, 'L'],
  ] as const)('puts %i bytes in version %i at level %s', (n, version, level) => {
    const qr = encodeQr('a'.repeat(n))!;
    expect([qr.version, qr.level, qr.size]).toEqual([version, level, 17 + 4 * version]);
    expect(qr.dark).toHaveLength(qr.size);
    expect(decode(qr).text).toBe('a'.repeat(n));
  });

  it('gives up beyond version 10 (the caller offers the link as text instead)', () => {
    expect(encodeQr('a'.repeat(272))).toBeUndefined();
  });

  it('draws the finder patterns, separators, timing patterns and the dark module where they belong', () => {
    const qr = encodeQr(URI)!;
    const { size, dark } = qr;
    const finder = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];
    for (const [ox, oy] of [
      [0, 0],
      [size - 7, 0],
      [0, size - 7],
    ] as const) {
      const seen = finder.map((_, y) => finder.map((__, x) => (dark[oy + y]![ox + x] ? '1' : '0')).join(''));
      expect(seen).toEqual(finder);
    }
    for (let i = 0; i < 8; i++) {
      expect([dark[7]![i], dark[i]![7], dark[7]![size - 1 - i], dark[i]![size - 8], dark[size - 8]![i], dark[size - 1 - i]![7]]).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
    }
    for (let i = 8; i < size - 8; i++) expect([dark[6]![i], dark[i]![6]]).toEqual([i % 2 === 0, i % 2 === 0]);
    expect(dark[size - 8]![8]).toBe(true);
    // Figure 27 (version 7): bit i at row i / 3, column size − 11 + i % 3 above right; transposed below left.
    const bit = (i: number) => Number(dark[Math.floor(i / 3)]![size - 11 + (i % 3)]);
    const mirrored = (i: number) => Number(dark[size - 11 + (i % 3)]![Math.floor(i / 3)]);
    const msbFirst = (f: (i: number) => number) => Array.from({ length: 18 }, (_, k) => f(17 - k)).join('');
    expect([qr.version, msbFirst(bit), msbFirst(mirrored)]).toEqual([7, VERSION_TABLE[7], VERSION_TABLE[7]]);
  });

  it('reads back the verification link, at every mask', () => {
    expect(decode(encodeQr(URI)!).text).toBe(URI);
    for (let mask = 0; mask < 8; mask++) {
      const qr = encodeQr(URI, { mask })!;
      expect([qr.version, qr.level]).toEqual([7, 'M']);
      expect(decode(qr)).toEqual({ text: URI, level: 'M', mask });
    }
    const utf8 = 'xmpp:jürgen@exämple.org?omemo-sid-1=ab'; // 40 bytes in UTF-8
    expect(encodeQr(utf8)!.version).toBe(3);
    expect(decode(encodeQr(utf8)!).text).toBe(utf8);
  });

  it('chooses the mask with the lowest penalty', () => {
    const chosen = encodeQr(URI)!;
    const scores = MASKS.map((_, mask) => penalty(encodeQr(URI, { mask })!.dark));
    expect(penalty(chosen.dark)).toBe(Math.min(...scores));
  });

  it('scores a known pattern by the rules of §7.8.3.1', () => {
    // 5×5 all light: N1 = 5 rows + 5 columns × (5 − 2); N2 = 16 blocks × 3; N4 = 10 × 10 (0% dark).
    const light = Array.from({ length: 5 }, () => new Array<boolean>(5).fill(false));
    expect(penalty(light)).toBe(10 * 3 + 16 * 3 + 100);
  });

  it('renders each run of dark modules as one rectangle, inside a quiet zone', () => {
    const qr = encodeQr('x')!;
    const d = qrPath(qr);
    expect(d.startsWith('M4 4h7v1h-7z')).toBe(true); // the top-left finder's top edge
    const area = [...d.matchAll(/h(\d+)v1/g)].reduce((s, m) => s + Number(m[1]), 0);
    expect(area).toBe(qr.dark.flat().filter(Boolean).length);
    expect(d).not.toMatch(/[^MhvzZ0-9 -]/);
  });
});
