// Text from the network must not reorder the window around it (ARCHITECTURE.md, Security of the shell).
// Unicode's bidirectional controls (UAX #9 §2) in a nickname, subject or body — U+202E RIGHT-TO-LEFT
// OVERRIDE above all — would otherwise run on into the UI text that follows (a nickname "Bob" + U+202E,
// then " joined", shows as "Bob denioj"). The window shows remote text in an isolate
// (renderer/src/components/RemoteText.svelte: <bdi dir="auto">); sentences the core builds around it
// (room notices) isolate it with isolate(). These helpers also keep the text itself from leaking: its
// controls are balanced, so a stray closer cannot end the isolate around it early and an opener cannot
// outlive it. Pure string functions: used by the core and the renderer alike.

const EMBEDDINGS = new Set(['\u202A', '\u202B', '\u202D', '\u202E']); // LRE RLE LRO RLO, closed by PDF
const ISOLATES = new Set(['\u2066', '\u2067', '\u2068']); // LRI RLI FSI, closed by PDI
const PDF = '\u202C';
const PDI = '\u2069';
const FSI = '\u2068';
/** Paragraph separators (bidi class B): every embedding and isolate ends at one (UAX #9 X8). */
const PARAGRAPH = /[\n\r\u001C-\u001E\u0085\u2029]/;

/**
 * `text` with its bidirectional controls balanced, as UAX #9 pairs them (BD9, X6a, X7): a closer
 * without its opener is dropped; openers still open at the end of a paragraph are closed there. Text
 * without controls comes back unchanged (the same string).
 */
export function balanceBidi(text: string): string {
  if (!/[\u202A-\u202E\u2066-\u2069]/.test(text)) return text;
  let out = '';
  let open: ('e' | 'i')[] = [];
  const closeAll = () => {
    for (let i = open.length - 1; i >= 0; i--) out += open[i] === 'e' ? PDF : PDI;
    open = [];
  };
  for (const ch of text) {
    if (EMBEDDINGS.has(ch)) open.push('e');
    else if (ISOLATES.has(ch)) open.push('i');
    else if (ch === PDF) {
      // A PDF ends the innermost embedding, never one outside the current isolate.
      if (open.at(-1) !== 'e') continue;
      open.pop();
    } else if (ch === PDI) {
      // A PDI ends the innermost isolate and every embedding opened inside it.
      const at = open.lastIndexOf('i');
      if (at < 0) continue;
      for (let i = open.length - 1; i > at; i--) out += PDF;
      open = open.slice(0, at);
    } else if (PARAGRAPH.test(ch)) {
      closeAll();
    }
    out += ch;
  }
  closeAll();
  return out;
}

/**
 * Characters that can move other text: right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko and
 * the other scripts of UAX #9 classes R and AL, with their presentation forms), Arabic digits, the
 * right-to-left and Arabic marks, and the explicit controls.
 */
const MOVES_TEXT =
  /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F\u061C\u202A-\u202E\u2066-\u2069]|[\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/**
 * Remote text for where no element can isolate it — an attribute shown as a placeholder or tooltip, an
 * <option> — and for sentences built as one string: balanced and wrapped in FIRST STRONG ISOLATE …
 * POP DIRECTIONAL ISOLATE, which the text renderer treats as <bdi> treats its content. Text with nothing
 * in it that could move other text stays as it is (what screen readers and copying see).
 */
export function isolate(text: string): string {
  return MOVES_TEXT.test(text) ? `${FSI}${balanceBidi(text)}${PDI}` : text;
}
