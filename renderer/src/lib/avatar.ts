// What an avatar shows until pictures exist: one or two initials on a colour derived from the address,
// as XEP-0392 (Consistent Color Generation) does: the hue is the first two bytes of the address's SHA-1
// read little-endian, as an angle. The colour itself is picked in OKLCH at a fixed lightness instead of
// HSLuv, so every hue keeps white initials above 4.5:1 (WCAG AA), in light and dark alike.

/** SHA-1 (FIPS 180-4) of a UTF-8 string, synchronous and small: the renderer needs it while drawing. */
export function sha1(text: string): Uint8Array {
  const msg = new TextEncoder().encode(text);
  const len = ((msg.length + 9 + 63) >> 6) << 6;
  const buf = new Uint8Array(len);
  buf.set(msg);
  buf[msg.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(len - 4, (msg.length * 8) >>> 0);
  view.setUint32(len - 8, Math.floor((msg.length * 8) / 2 ** 32));
  let h0 = 0x67452301,
    h1 = 0xefcdab89,
    h2 = 0x98badcfe,
    h3 = 0x10325476,
    h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let off = 0; off < len; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setUint32(i * 4, h));
  return out;
}

/** XEP-0392 §5.1: the hue angle (0–360) of an identifier (a bare address, or a room nickname). */
export function hueOf(id: string): number {
  const d = sha1(id);
  return ((d[0]! | (d[1]! << 8)) / 65536) * 360;
}

/** A CSS colour for the avatar of `id`, dark enough for white initials (≥ 4.5:1). */
export function avatarColour(id: string): string {
  return `oklch(0.48 0.13 ${hueOf(id).toFixed(1)})`;
}

/**
 * One or two initials of a name: the first letters of its first and last words ("Bob Smith" → "BS"),
 * or of an address's local part ("bob@example.org" → "B"). Letters only, so a name starting with
 * punctuation or an emoji still shows a letter where it has one; "?" when none.
 */
export function initials(name: string): string {
  // "Bob (work)" is Bob: what is in brackets describes the name rather than being part of it.
  const bare = name.replace(/\([^)]*\)|\[[^\]]*\]/gu, ' ').trim() || name;
  const base = bare.includes('@') && !bare.includes(' ') ? bare.slice(0, bare.indexOf('@')) : bare;
  const words = base
    .split(/[\s._-]+/u)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0])
    .filter((c): c is string => !!c);
  if (words.length === 0) return '?';
  const picked = words.length === 1 ? words[0]! : words[0]! + words[words.length - 1]!;
  return picked.toLocaleUpperCase();
}
