// Checks that remote text is shown isolated (lib/bidi.ts, components/RemoteText.svelte): fed text with
// U+202E RIGHT-TO-LEFT OVERRIDE, a component must hold it in <bdi dir="auto">, with its own words outside.
import { expect } from 'vitest';
import { balanceBidi } from '$lib/bidi.js';

export const RLO = '\u202E';
/** Remote text that, shown without isolation, reverses everything after it ("… exe.png"). */
export const hostile = (s: string) => `${s}${RLO}gnp.exe`;

const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** The isolates under `root` that hold exactly `text` (as shown: balanced). */
export function isolatesOf(root: ParentNode, text: string): HTMLElement[] {
  const want = balanceBidi(text);
  return [...root.querySelectorAll<HTMLElement>('bdi[dir="auto"]')].filter((el) => el.textContent === want);
}

/** `text` is shown in an isolate under `within`, and the UI words `ui` next to it are outside that isolate. */
export function expectIsolated(within: Element, text: string, ui?: string): HTMLElement {
  const found = isolatesOf(within, text);
  expect(found, `"${text}" inside <bdi dir="auto"> in: ${within.innerHTML}`).not.toHaveLength(0);
  if (ui !== undefined) expect(within.textContent).toContain(ui);
  return found[0]!;
}

/**
 * Nothing under `root` lets a bidirectional control out: every text node holding one is inside an
 * isolate (or wrapped in FSI … PDI, as in an <option> or a label), and so is every visible attribute.
 */
export function expectNoLeak(root: Element): void {
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent ?? '';
    if (!CONTROLS.test(text) || n.parentElement?.closest('bdi[dir="auto"]') || wrapped(text)) continue;
    throw new Error(`remote text outside an isolate: ${JSON.stringify(text)} in <${n.parentElement?.tagName.toLowerCase()}>`);
  }
  for (const el of root.querySelectorAll('[title], [placeholder]')) {
    for (const name of ['title', 'placeholder']) {
      const value = el.getAttribute(name) ?? '';
      if (!wrapped(value)) {
        throw new Error(`remote text not isolated in ${name}: ${JSON.stringify(value)}`);
      }
    }
  }
}

/** Every control in `text` is inside an FSI … PDI pair (lib/bidi.ts isolate()). */
const wrapped = (text: string) => !CONTROLS.test(text.replace(/\u2068[^\u2068\u2069]*\u2069/g, ''));
