// Test helper: compare stanzas as XML (attribute order and whitespace between elements do not matter).
import { Parser } from '@xmpp/xml';
import type { Element } from '@xmpp/xml';

function normalize(el: Element): unknown {
  const attrs = Object.fromEntries(
    Object.entries(el.attrs)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const children = el.children
    .map((c) => (typeof c === 'string' ? c : normalize(c)))
    .filter((c) => typeof c !== 'string' || c.trim() !== '');
  return { name: el.name, attrs, children };
}

/** Parse one element with xmpp.js's own stream parser (children of a stream root are emitted). */
export function xmlOf(source: string): Element {
  const parser = new Parser();
  let out: Element | undefined;
  parser.on('element', (el: Element) => (out ??= el));
  parser.write(`<root>${source}</root>`);
  if (!out) throw new Error(`not XML: ${source}`);
  return out;
}

/** Throws a readable diff when the two stanzas differ as XML. */
export function expectXmlEqual(actual: Element, expected: string): void {
  const a = JSON.stringify(normalize(actual), null, 1);
  const e = JSON.stringify(normalize(xmlOf(expected)), null, 1);
  if (a !== e) throw new Error(`XML differs.\nactual:   ${actual.toString()}\nexpected: ${expected}`);
}
