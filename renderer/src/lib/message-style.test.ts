// XEP-0393 message styling and links, from the XEP's own examples and from hostile bodies.
import { describe, expect, it } from 'vitest';
import { parseMessage, parseSpans, plainText, type Block, type Inline } from './message-style.js';

/** A compact picture of spans: *x* → strong(x); directives left out, links as [text](href). */
function show(spans: Inline[]): string {
  return spans
    .map((s) => {
      if (s.kind === 'text') return s.text;
      if (s.kind === 'directive') return '';
      if (s.kind === 'link') return `[${s.text}](${s.href})`;
      return `${s.kind}(${show(s.children)})`;
    })
    .join('');
}
const spans = (text: string) => show(parseSpans(text));
function lines(blocks: Block[]): string[] {
  return blocks.flatMap((b) =>
    b.kind === 'line'
      ? [`${b.prefix}|${show(b.spans)}`]
      : b.kind === 'pre'
        ? [`pre:${b.lines.map((l) => l.text).join('/')}`]
        : [`quote{${lines(b.children).join(';')}}`],
  );
}

describe('XEP-0393 spans', () => {
  it.each([
    ['I am *fully* in agreement', 'I am strong(fully) in agreement'],
    ['_emphasis_', 'emphasis(emphasis)'],
    ['~strikethrough~', 'strike(strikethrough)'],
    ['`pre *not strong*`', 'pre(pre *not strong*)'],
    ['*_strong emphasis_*', 'strong(emphasis(strong emphasis))'],
    ['The full title is _Twenty Thousand Leagues Under the Sea_', 'The full title is emphasis(Twenty Thousand Leagues Under the Sea)'],
    // §6.2: no space after an opening or before a closing directive; nothing is an empty span.
    ['* not strong *', '* not strong *'],
    ['*not strong *', '*not strong *'],
    ['**', '**'],
    // A span of one directive character is still a span.
    ['***', 'strong(*)'],
    ['a*b*c', 'a*b*c'],
    // The first valid closing directive ends the span.
    ['*a *b* c*', 'strong(a *b) c*'],
    ['*strong* and *more*', 'strong(strong) and strong(more)'],
    // A span never nests inside one of its own kind.
    ['*one *two* three*', 'strong(one *two) three*'],
  ])('%s', (text, expected) => {
    expect(spans(text)).toBe(expected);
  });

  it('keeps every directive, so the text shown is the text sent', () => {
    for (const body of ['I am *fully* in agreement', '*_x_* ~y~ `z`', '> quoted *x*\n```\n*raw*\n```\nafter']) {
      expect(plainText(parseMessage(body))).toBe(body);
    }
  });

  it('never lets a span cross a line', () => {
    expect(lines(parseMessage('*not strong\nat all*'))).toEqual(['|*not strong', '|at all*']);
  });
});

describe('XEP-0393 blocks', () => {
  it('a preformatted block runs to its closing line and styles nothing inside', () => {
    expect(lines(parseMessage('```ignored\n*raw* _text_\n```\n*after*'))).toEqual(['pre:```ignored/*raw* _text_/```', '|strong(after)']);
  });

  it('an unclosed preformatted block runs to the end', () => {
    expect(lines(parseMessage('```\na\nb'))).toEqual(['pre:```/a/b']);
  });

  it('quotes take consecutive ">" lines, and nest', () => {
    expect(lines(parseMessage('> That that is, is.\n>> Said the old hermit of Prague\nWho?'))).toEqual([
      'quote{> |That that is, is.;quote{>> |Said the old hermit of Prague}}',
      '|Who?',
    ]);
  });
});

describe('links', () => {
  it('turns http, https and xmpp addresses into links, trailing punctuation left out', () => {
    expect(spans('see https://example.org/a_b_c, or xmpp:bob@example.org?message.')).toBe(
      'see [https://example.org/a_b_c](https://example.org/a_b_c), or [xmpp:bob@example.org?message](xmpp:bob@example.org?message).',
    );
    expect(spans('www.example.org')).toBe('[www.example.org](http://www.example.org/)');
  });

  it('links inside a styled span, never cut by styling', () => {
    expect(spans('*https://example.org/*')).toBe('strong([https://example.org/](https://example.org/))');
    expect(spans('_see https://example.org/x_y now_')).toBe('emphasis(see [https://example.org/x_y](https://example.org/x_y) now)');
  });

  it('leaves other schemes, credentials, e-mail addresses and markup as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'mailto:bob@example.org',
      'bob@example.org',
      'https://bank.example@evil.example/',
      'ftp://example.org/file',
      'vbscript:msgbox(1)',
    ]) {
      const out = parseSpans(text);
      expect(
        out.filter((s) => s.kind === 'link'),
        text,
      ).toEqual([]);
    }
  });

  it('keeps a body full of markup as text, character for character', () => {
    const body = '<a href="javascript:alert(1)">x</a> &amp; <img src=x onerror=alert(1)> <script>*x*</script>';
    const parsed = parseMessage(body);
    expect(plainText(parsed)).toBe(body);
    expect(JSON.stringify(parsed)).not.toContain('"kind":"link"');
  });

  it('no link inside a preformatted span', () => {
    expect(spans('`https://example.org/`')).toBe('pre(https://example.org/)');
  });
});
