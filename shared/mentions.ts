// @mentions in group rooms: does a message's text name the user's nickname? The core flags such a
// room message when it is stored (it is highlighted, and notifies by default). Plain text only.

/** Letters, digits and marks join a word; anything else (space, punctuation, '@', ':') ends it. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

/**
 * Where `nick` appears in `body` as a word of its own, case-insensitively: "alice: hi", "hi @Alice!"
 * and "ALICE?" mention Alice; "malice" and "alice2" do not. Returns [start, end) ranges into `body`.
 * A nickname may itself contain spaces or punctuation ("Dr. Who"): the boundary is checked only at
 * its two ends.
 */
export function mentionRanges(body: string, nick: string): [number, number][] {
  const needle = nick.trim();
  if (!needle || !body) return [];
  // Case-insensitive, length-preserving: compare per code unit after lower-casing both sides when
  // that keeps lengths equal (it does for nearly all scripts); otherwise fall back to an exact match.
  const lowerBody = body.toLowerCase();
  const lowerNeedle = needle.toLowerCase();
  const sameLength = lowerBody.length === body.length && lowerNeedle.length === needle.length;
  const hay = sameLength ? lowerBody : body;
  const pin = sameLength ? lowerNeedle : needle;
  const out: [number, number][] = [];
  let from = 0;
  while (from <= hay.length - pin.length) {
    const at = hay.indexOf(pin, from);
    if (at === -1) break;
    const end = at + pin.length;
    const before = charBefore(body, at);
    const after = end < body.length ? String.fromCodePoint(body.codePointAt(end)!) : '';
    const startsWord = !WORD_CHAR.test(needle[0]!) || !before || !WORD_CHAR.test(before);
    const endsWord = !WORD_CHAR.test(needle.at(-1)!) || !after || !WORD_CHAR.test(after);
    if (startsWord && endsWord) {
      out.push([at, end]);
      from = end;
    } else {
      from = at + 1;
    }
  }
  return out;
}

/** The whole character (code point) that ends just before index `i`, or '' at the start. */
function charBefore(s: string, i: number): string {
  if (i <= 0) return '';
  const low = s.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s.slice(i - 1, i);
}

/** Whether `body` mentions `nick` (see mentionRanges). */
export const mentions = (body: string, nick: string | undefined): boolean => !!nick && mentionRanges(body, nick).length > 0;
