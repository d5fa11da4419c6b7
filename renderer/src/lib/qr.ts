// A small QR code encoder (ISO/IEC 18004:2015) for the OMEMO verification link (~120 bytes: version 7
// at level M): byte mode, level M (L when M does not fit), versions 1–10, the mask chosen by the
// penalty rules of §7.8.3. Rendered as one SVG path built from data. x is the column, y the row.

export type QrLevel = 'L' | 'M';

export interface QrCode {
  version: number;
  /** Modules per side: 17 + 4 × version. */
  size: number;
  level: QrLevel;
  mask: number;
  /** true = dark module, indexed [y][x]. */
  dark: boolean[][];
}

// Table 9 (per version 1–10): total codewords, then [EC codewords per block, number of blocks] for L
// and M. Blocks of one version differ by at most one data codeword; the longer ones come last (§7.5.2).
const TOTAL_CODEWORDS = [26, 44, 70, 100, 134, 172, 196, 242, 292, 346];
const EC_BLOCKS: Record<QrLevel, Array<[number, number]>> = {
  L: [
    [7, 1],
    [10, 1],
    [15, 1],
    [20, 1],
    [26, 1],
    [18, 2],
    [20, 2],
    [24, 2],
    [30, 2],
    [18, 4],
  ],
  M: [
    [10, 1],
    [16, 1],
    [26, 1],
    [18, 2],
    [24, 2],
    [16, 4],
    [18, 4],
    [22, 4],
    [22, 5],
    [26, 5],
  ],
};
// Annex E: row/column centres of the alignment patterns.
const ALIGNMENT = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];
// Table 12: the two bits of each error correction level in the format information.
const LEVEL_BITS: Record<QrLevel, number> = { L: 0b01, M: 0b00 };

/** Data codewords (bytes) a version holds at a level. */
export function dataCapacity(version: number, level: QrLevel): number {
  const [ec, blocks] = EC_BLOCKS[level][version - 1]!;
  return TOTAL_CODEWORDS[version - 1]! - ec * blocks;
}

/** The 15 format bits (§7.9.1): level and mask, BCH(15,5) with generator 0x537, XORed with 0x5412. */
export function formatBits(level: QrLevel, mask: number): number {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

/** The 18 version bits (§7.10, versions ≥ 7): BCH(18,6) with generator 0x1F25. */
export function versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | (rem & 0xfff);
}

// GF(256) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), §7.5.2.
export function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = (r << 1) ^ ((r >>> 7) * 0x11d);
    r ^= ((b >>> i) & 1) * a;
  }
  return r;
}

/** Reed–Solomon: the `n` error correction codewords of `data` (the remainder of data·x^n ÷ g(x)). */
export function reedSolomon(data: readonly number[], n: number): number[] {
  // g(x) = (x − α^0)(x − α^1)…(x − α^(n−1)), coefficients highest first, the leading 1 left out.
  const gen = new Array<number>(n).fill(0);
  gen[n - 1] = 1;
  let root = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) gen[j] = gfMul(gen[j]!, root) ^ (gen[j + 1] ?? 0);
    root = gfMul(root, 2);
  }
  const rem = new Array<number>(n).fill(0);
  for (const byte of data) {
    const factor = byte ^ rem.shift()!;
    rem.push(0);
    for (let j = 0; j < n; j++) rem[j] = rem[j]! ^ gfMul(gen[j]!, factor);
  }
  return rem;
}

/** Mode indicator, count, data, terminator, padding (§7.4): the data codewords. */
function dataCodewords(bytes: Uint8Array, version: number, level: QrLevel): number[] | undefined {
  const capacity = dataCapacity(version, level);
  const countBits = version <= 9 ? 8 : 16; // Table 3, byte mode
  const bits: number[] = [];
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, countBits);
  for (const b of bytes) put(b, 8);
  if (bits.length > capacity * 8) return undefined;
  put(0, Math.min(4, capacity * 8 - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, b) => (acc << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** Splits into blocks, adds each block's EC codewords, interleaves (§7.6). */
function interleave(data: number[], version: number, level: QrLevel): number[] {
  const [ec, count] = EC_BLOCKS[level][version - 1]!;
  const short = Math.floor(data.length / count);
  const longFrom = count - (data.length % count);
  const blocks: number[][] = [];
  for (let b = 0, at = 0; b < count; b++) {
    const len = short + (b >= longFrom ? 1 : 0);
    blocks.push(data.slice(at, at + len));
    at += len;
  }
  const ecBlocks = blocks.map((blk) => reedSolomon(blk, ec));
  const out: number[] = [];
  for (let i = 0; i <= short; i++) for (const blk of blocks) if (i < blk.length) out.push(blk[i]!);
  for (let i = 0; i < ec; i++) for (const blk of ecBlocks) out.push(blk[i]!);
  return out;
}

/** Table 10: the data mask conditions; a module is inverted where the condition holds. */
export const MASKS: ReadonlyArray<(x: number, y: number) => boolean> = [
  (x, y) => (y + x) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (y + x) % 3 === 0,
  (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
  (x, y) => ((y * x) % 2) + ((y * x) % 3) === 0,
  (x, y) => (((y * x) % 2) + ((y * x) % 3)) % 2 === 0,
  (x, y) => (((y + x) % 2) + ((y * x) % 3)) % 2 === 0,
];

const grid = (size: number) => Array.from({ length: size }, () => new Array<boolean>(size).fill(false));

class Matrix {
  readonly dark: boolean[][];
  readonly fixed: boolean[][];
  constructor(readonly size: number) {
    [this.dark, this.fixed] = [grid(size), grid(size)];
  }
  set(x: number, y: number, dark: boolean): void {
    this.dark[y]![x] = dark;
    this.fixed[y]![x] = true;
  }
}

function drawFunctionPatterns(m: Matrix, version: number): void {
  const { size } = m;
  // Timing patterns (§6.3.5), then finders with their light separators (§6.3.3–6.3.4) over them.
  for (let i = 0; i < size; i++) {
    m.set(6, i, i % 2 === 0);
    m.set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const [x, y] = [cx + dx, cy + dy];
        const ring = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) m.set(x, y, ring !== 2 && ring !== 4);
      }
    }
  }
  const centres = ALIGNMENT[version - 1]!;
  const last = centres.length - 1;
  for (let i = 0; i <= last; i++) {
    for (let j = 0; j <= last; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue; // the finders' corners
      const [cx, cy] = [centres[i]!, centres[j]!];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) m.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
  drawFormat(m, 'M', 0); // reserves the area; the real bits come once the mask is chosen
  if (version >= 7) {
    // §7.10: bit i at (i / 3, size − 11 + i % 3) and its mirror.
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const bit = ((bits >>> i) & 1) === 1;
      const [a, b] = [size - 11 + (i % 3), Math.floor(i / 3)];
      m.set(a, b, bit);
      m.set(b, a, bit);
    }
  }
}

/** §7.9.1, Figure 25: bit 0 is the least significant; two copies, plus the dark module. */
function drawFormat(m: Matrix, level: QrLevel, mask: number): void {
  const bits = formatBits(level, mask);
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const { size } = m;
  for (let i = 0; i <= 5; i++) m.set(8, i, bit(i));
  m.set(8, 7, bit(6));
  m.set(8, 8, bit(7));
  m.set(7, 8, bit(8));
  for (let i = 9; i < 15; i++) m.set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) m.set(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) m.set(8, size - 15 + i, bit(i));
  m.set(8, size - 8, true);
}

/** §7.7.3: two-module columns from the right, upwards then downwards, skipping the timing column. */
function drawCodewords(m: Matrix, codewords: number[]): void {
  const { size } = m;
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let v = 0; v < size; v++) {
      const y = upward ? size - 1 - v : v;
      for (const x of [right, right - 1]) {
        if (m.fixed[y]![x]) continue;
        // Past the last codeword: remainder bits, which are 0.
        m.dark[y]![x] = i < codewords.length * 8 && ((codewords[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }
}

function applyMask(m: Matrix, mask: number): void {
  const cond = MASKS[mask]!;
  for (let y = 0; y < m.size; y++) for (let x = 0; x < m.size; x++) if (!m.fixed[y]![x] && cond(x, y)) m.dark[y]![x] = !m.dark[y]![x];
}

/** §7.8.3.1, Table 11: N1 runs of 5+, N2 2×2 blocks, N3 finder-like 1:1:3:1:1 with 4 light, N4 balance. */
export function penalty(dark: boolean[][]): number {
  const size = dark.length;
  let score = 0;
  const lines: boolean[][] = [...dark, ...dark.map((_, x) => dark.map((row) => row[x]!))];
  for (const line of lines) {
    for (let i = 0, run = 1; i < size; i++, run++) {
      if (i === size - 1 || line[i] !== line[i + 1]) {
        if (run >= 5) score += run - 2;
        run = 0;
      }
    }
    const padded = `0000${line.map((d) => (d ? '1' : '0')).join('')}0000`; // the quiet zone counts as light
    for (const pattern of ['00001011101', '10111010000']) {
      for (let at = padded.indexOf(pattern); at >= 0; at = padded.indexOf(pattern, at + 1)) score += 40;
    }
  }
  let darkCount = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (dark[y]![x]) darkCount++;
      if (x + 1 < size && y + 1 < size) {
        const c = dark[y]![x];
        if (c === dark[y]![x + 1] && c === dark[y + 1]![x] && c === dark[y + 1]![x + 1]) score += 3;
      }
    }
  }
  score += 10 * Math.floor(Math.abs((darkCount * 100) / (size * size) - 50) / 5);
  return score;
}

/**
 * Encodes text (as UTF-8) in the smallest version that holds it, at level M or else L; undefined
 * when even version 10 at level L is too small. `mask` fixes the mask (tests); otherwise the
 * one with the lowest penalty is used.
 */
export function encodeQr(text: string, options: { level?: QrLevel; mask?: number } = {}): QrCode | undefined {
  const bytes = new TextEncoder().encode(text);
  for (const level of options.level ? [options.level] : (['M', 'L'] as const)) {
    for (let version = 1; version <= TOTAL_CODEWORDS.length; version++) {
      const data = dataCodewords(bytes, version, level);
      if (data) return build(version, level, data, options.mask);
    }
  }
  return undefined;
}

function build(version: number, level: QrLevel, data: number[], fixedMask: number | undefined): QrCode {
  const size = 17 + 4 * version;
  const codewords = interleave(data, version, level);
  const make = (mask: number) => {
    const m = new Matrix(size);
    drawFunctionPatterns(m, version);
    drawCodewords(m, codewords);
    applyMask(m, mask);
    drawFormat(m, level, mask);
    return m;
  };
  let mask = fixedMask ?? 0;
  if (fixedMask === undefined) {
    let best = Infinity;
    for (let k = 0; k < MASKS.length; k++) {
      const score = penalty(make(k).dark);
      if (score < best) [best, mask] = [score, k];
    }
  }
  return { version, size, level, mask, dark: make(mask).dark };
}

/** An SVG path of the dark modules (one rectangle per horizontal run), offset by a quiet zone. */
export function qrPath(qr: QrCode, margin = 4): string {
  const parts: string[] = [];
  qr.dark.forEach((row, y) => {
    for (let x = 0; x < qr.size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < qr.size && row[x + 1]) x++;
      parts.push(`M${start + margin} ${y + margin}h${x - start + 1}v1h${start - x - 1}z`);
    }
  });
  return parts.join('');
}
