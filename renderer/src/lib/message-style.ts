// XEP-0393 Message Styling (https://xmpp.org/extensions/xep-0393.html) and clickable links, as a tree
// of plain data that the window turns into elements and text nodes (never HTML). Every character of
// the body stays in the tree: the styling directives (*, _, ~, `, ```, >) are kept, to be shown muted,
// so what a person reads is still exactly what was sent.
import { findLinks, type FoundLink } from './links.js';

export type SpanKind = 'strong' | 'emphasis' | 'strike' | 'pre';

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'directive'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: SpanKind; children: Inline[] };

/** A line of the body: its block-quote directives (">" and the spaces after them), then its spans. */
export interface Line {
  kind: 'line';
  prefix: string;
  spans: Inline[];
  /** A line break follows (every line but the body's last). */
  nl: boolean;
}

/** A preformatted block (§5.1.1): the ``` lines are directives, the lines between are not styled. */
export interface PreBlock {
  kind: 'pre';
  lines: { prefix: string; text: string; directive: boolean; nl: boolean }[];
}

/** A block quote (§5.1.2): its lines, which may hold quotes and preformatted blocks of their own. */
export interface Quote {
  kind: 'quote';
  children: Block[];
}

export type Block = Line | PreBlock | Quote;

// §6.2: the span directives and what they mean.
const SPANS: Record<string, SpanKind> = { '*': 'strong', _: 'emphasis', '~': 'strike', '`': 'pre' };
const SPACE = /\s/u;

interface RawLine {
  /** The directives of the enclosing quotes. */
  prefix: string;
  text: string;
  nl: boolean;
}

/** The body as blocks (§5): quotes and preformatted blocks, then spans within each line (§6). */
export function parseMessage(body: string): Block[] {
  const lines = body.split('\n');
  return parseBlocks(lines.map((text, i) => ({ prefix: '', text, nl: i < lines.length - 1 })));
}

function parseBlocks(lines: RawLine[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.text.startsWith('```')) {
      // §5.1.1: up to a line that is only ``` (or the end of the quote or body); nothing styled inside.
      const pre: PreBlock = { kind: 'pre', lines: [{ ...line, directive: true }] };
      i += 1;
      while (i < lines.length) {
        const inner = lines[i]!;
        i += 1;
        const closes = inner.text === '```';
        pre.lines.push({ ...inner, directive: closes });
        if (closes) break;
      }
      blocks.push(pre);
    } else if (line.text.startsWith('>')) {
      // §5.1.2: consecutive lines starting with ">"; what follows the directive is parsed again,
      // so ">>" is a quote inside a quote.
      const quoted: RawLine[] = [];
      while (i < lines.length && lines[i]!.text.startsWith('>')) {
        const l = lines[i]!;
        const directive = /^>[ \t]*/u.exec(l.text)![0];
        quoted.push({ prefix: l.prefix + directive, text: l.text.slice(directive.length), nl: l.nl });
        i += 1;
      }
      blocks.push({ kind: 'quote', children: parseBlocks(quoted) });
    } else {
      blocks.push({ kind: 'line', prefix: line.prefix, spans: parseSpans(line.text), nl: line.nl });
      i += 1;
    }
  }
  return blocks;
}

/** The spans of one line (§6): they never cross a line, and a link is never cut by one. */
export function parseSpans(text: string): Inline[] {
  const links = findLinks(text);
  // Positions inside a link are never directives: "https://example.org/a_b_c" stays one link.
  const inLink = (p: number) => links.some((l) => p >= l.index && p < l.lastIndex);
  return spansIn(text, 0, text.length, new Set(), inLink, links);
}

function spansIn(
  text: string,
  from: number,
  to: number,
  open: Set<SpanKind>,
  inLink: (p: number) => boolean,
  links: FoundLink[],
): Inline[] {
  const out: Inline[] = [];
  let plainFrom = from;
  let p = from;
  while (p < to) {
    const kind = SPANS[text[p]!];
    // §6.2: an opening directive starts the line, follows a space or another opening directive
    // (the start of the enclosing span), is not followed by a space, and is not inside a span of its kind.
    const canOpen =
      kind !== undefined &&
      !open.has(kind) &&
      !inLink(p) &&
      (p === from || SPACE.test(text[p - 1]!)) &&
      p + 1 < to &&
      !SPACE.test(text[p + 1]!);
    if (canOpen) {
      const close = closingOf(text, p, to, inLink);
      if (close !== undefined) {
        pushText(out, text, plainFrom, p, links);
        const directive = text[p]!;
        const children: Inline[] =
          kind === 'pre'
            ? // §6.2.5: nothing is styled inside a preformatted span.
              [{ kind: 'text', text: text.slice(p + 1, close) }]
            : spansIn(text, p + 1, close, new Set([...open, kind]), inLink, links);
        out.push({ kind, children: [{ kind: 'directive', text: directive }, ...children, { kind: 'directive', text: directive }] });
        p = close + 1;
        plainFrom = p;
        continue;
      }
    }
    p += 1;
  }
  pushText(out, text, plainFrom, to, links);
  return out;
}

/** The first valid closing directive for the one at `open`: not after a space, and the span not empty. */
function closingOf(text: string, open: number, to: number, inLink: (p: number) => boolean): number | undefined {
  const ch = text[open];
  for (let q = open + 2; q < to; q++) {
    if (text[q] === ch && !SPACE.test(text[q - 1]!) && !inLink(q)) return q;
  }
  return undefined;
}

/** Plain text from..to, with the links in it. */
function pushText(out: Inline[], text: string, from: number, to: number, links: FoundLink[]): void {
  let p = from;
  for (const link of links) {
    if (link.lastIndex <= from || link.index >= to) continue;
    // Links are never cut by a directive, so each lies wholly inside or outside this stretch.
    if (link.index > p) out.push({ kind: 'text', text: text.slice(p, link.index) });
    out.push({ kind: 'link', text: text.slice(link.index, link.lastIndex), href: link.href });
    p = link.lastIndex;
  }
  if (to > p) out.push({ kind: 'text', text: text.slice(p, to) });
}

/** All the text of a tree, in order: the body it came from. */
export function plainText(blocks: Block[]): string {
  const inline = (spans: Inline[]): string => spans.map((s) => ('children' in s ? inline(s.children) : s.text)).join('');
  return blocks
    .map((b) => {
      if (b.kind === 'line') return b.prefix + inline(b.spans) + (b.nl ? '\n' : '');
      if (b.kind === 'pre') return b.lines.map((l) => l.prefix + l.text + (l.nl ? '\n' : '')).join('');
      return plainText(b.children);
    })
    .join('');
}
