// What Vireo accepts on an incoming XML stream, and the stream error it answers with otherwise —
// RFC 6120 §4.9 (https://www.rfc-editor.org/rfc/rfc6120#section-4.9) and §11 (restricted XML).
// @xmpp/xml's parser (ltx) is lenient in ways a hostile server can use: it silently skips comments,
// processing instructions and a DOCTYPE (swallowing everything after an unterminated one: the account
// stays "online" but hears nothing), throws from the socket's data handler on an undefined entity,
// and keeps parsing after the stream was closed. The parser made here turns every such case into
// one StreamFault with the condition to send, and bounds what one stanza may cost in memory.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import { NS_STREAM_ERRORS, NS_STREAMS } from './rfc/6120-streams.js';
import { errorMessage } from '../lib/error-message.js';

/**
 * Largest incoming stanza, in bytes of UTF-8 (checked to within SLICE). Nothing Vireo receives comes
 * near it (a 100,000-character message is ~400 KB even in 4-byte characters; files travel over HTTP).
 */
export const MAX_STANZA_BYTES = 1024 * 1024;
/** Deepest nesting inside one stanza: real stanzas stay below 20 (a MAM result around an OMEMO message is ~8). */
export const MAX_DEPTH = 256;
/** Text is handed to the parser in slices of this size so that the size limit holds to within it. */
const SLICE = 16 * 1024;

export type StreamCondition = 'restricted-xml' | 'not-well-formed' | 'policy-violation';

/** The incoming stream broke a rule: `condition` is the stream error to send (RFC 6120 §4.9.3). */
export class StreamFault extends Error {
  constructor(
    readonly condition: StreamCondition,
    message: string,
  ) {
    super(message);
    this.name = 'StreamFault';
  }
}

/** A listener of a parsed element threw: a bug in Vireo, not the server's fault. */
export class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(`a handler failed: ${errorMessage(cause)}`);
    this.name = 'HandlerFailure';
  }
}

/**
 * What to answer for an error thrown while parsing. ltx throws plain Errors from its entity decoding:
 * an entity other than the five predefined ones is restricted XML (§11.1: "internal or external entity
 * references (with the exception of the predefined entities)"); an illegal character reference is not
 * well-formed (§4.9.3.13). Anything else from the parser is taken as not well-formed.
 */
export function classifyParseError(err: unknown): StreamFault | undefined {
  if (err instanceof StreamFault) return err;
  if (err instanceof HandlerFailure) return undefined;
  const message = errorMessage(err);
  if (/Illegal XML entity/.test(message)) return new StreamFault('restricted-xml', 'an entity that XMPP does not allow');
  return new StreamFault('not-well-formed', 'XML that is not well-formed');
}

/** `<stream:error/>` with a condition and a short text for the server's log (§4.9.2). */
export function buildStreamError(condition: string, text?: string): Element {
  return xml(
    'stream:error',
    { 'xmlns:stream': NS_STREAMS },
    xml(condition, { xmlns: NS_STREAM_ERRORS }),
    ...(text ? [xml('text', { xmlns: NS_STREAM_ERRORS, 'xml:lang': 'en' }, text)] : []),
  );
}

/**
 * Finds the markup that ltx skips without a word: comments, processing instructions and DOCTYPE or
 * other markup declarations (§11.1: an XMPP entity "MUST NOT" accept them). The XML declaration at the
 * start of a stream is allowed (§11.5). CDATA sections are allowed and may contain anything. Works
 * character by character across chunk boundaries. `<` cannot appear unescaped in text or attribute
 * values of well-formed XML, so every `<!` or `<?` outside CDATA is markup.
 */
export class MarkupScanner {
  state: 'text' | 'lt' | 'bang' | 'cdata' | 'decl' = 'text';
  private pending = '';
  private brackets = 0;
  private declarationAllowed = true;

  feed(s: string): void {
    let i = 0;
    while (i < s.length) {
      switch (this.state) {
        case 'text': {
          const lt = s.indexOf('<', i);
          if (lt < 0) return;
          this.state = 'lt';
          i = lt + 1;
          break;
        }
        case 'lt': {
          const c = s[i]!;
          if (c === '!') {
            this.state = 'bang';
            this.pending = '';
            i++;
          } else if (c === '?') {
            if (!this.declarationAllowed) throw new StreamFault('restricted-xml', 'a processing instruction');
            this.state = 'decl';
            this.pending = '';
            i++;
          } else {
            // An element (or an end tag): from now on no XML declaration may follow.
            this.declarationAllowed = false;
            this.state = 'text';
          }
          break;
        }
        case 'bang': {
          this.pending += s[i++];
          if (!'[CDATA['.startsWith(this.pending)) {
            const what = this.pending.startsWith('-')
              ? 'a comment'
              : this.pending.startsWith('D')
                ? 'a document type declaration (DOCTYPE)'
                : 'a markup declaration';
            throw new StreamFault('restricted-xml', what);
          }
          if (this.pending.length === 7) {
            this.state = 'cdata';
            this.brackets = 0;
          }
          break;
        }
        case 'cdata': {
          const c = s[i++];
          if (c === ']') this.brackets++;
          else if (c === '>' && this.brackets >= 2) this.state = 'text';
          else this.brackets = 0;
          break;
        }
        case 'decl': {
          this.pending += s[i++];
          if (this.pending.length > 200) throw new StreamFault('not-well-formed', 'an XML declaration that does not end');
          if (this.pending.endsWith('?>')) {
            if (!/^xml\s/.test(this.pending)) throw new StreamFault('restricted-xml', 'a processing instruction');
            this.declarationAllowed = false;
            this.state = 'text';
          }
          break;
        }
      }
    }
  }
}

/** Decodes UTF-8 across chunk boundaries; invalid UTF-8 is not well-formed (§4.9.3.13), not U+FFFD. */
export function utf8Decoder(): (chunk: Buffer | string) => string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return (chunk) => {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream: true });
    } catch {
      throw new StreamFault('not-well-formed', 'text that is not valid UTF-8');
    }
  };
}

/** The parts of @xmpp/xml's Parser (and the WebSocket FramedParser) that the guard builds on. */
interface ParserLike {
  cursor: Element | null;
  root?: Element | null;
  onStartElement(name: string, attrs: Record<string, string>): void;
  onEndElement(name: string): void;
  onText(str: string): void;
  write(data: string): void;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}
// A mixin's base must take `...args: any[]` (TypeScript's rule for mixins).
type ParserClass = new (...args: any[]) => ParserLike;

/**
 * A subclass of `Base` (a TCP stream parser, or `framed` for RFC 7395 where each message is one
 * element) that throws a StreamFault instead of emitting 'error' or skipping markup, ignores
 * everything after the end of the stream, and enforces MAX_STANZA_BYTES and MAX_DEPTH.
 */
export function guardParser<T extends ParserClass>(Base: T, framed: boolean): T {
  /** Depth of a stanza's own element: inside the stream root (TCP), or the frame itself (WebSocket). */
  const top = framed ? 1 : 2;
  class GuardedParser extends Base {
    private readonly scanner = new MarkupScanner();
    private depth = 0;
    /** Bytes of the current top-level element so far (reset when one is complete). */
    private size = 0;
    private boundaries = 0;
    private ended = false;
    /** Text held back from ltx while the scanner is inside `<?…?>` or `<!…`: see write(). */
    private held = '';

    override onStartElement(name: string, attrs: Record<string, string>): void {
      if (this.ended) return;
      this.depth++;
      if (this.depth - top >= MAX_DEPTH) throw new StreamFault('policy-violation', `elements nested more than ${MAX_DEPTH} deep`);
      super.onStartElement(name, attrs);
      if (this.depth < top) this.boundaries++; // the stream's root opened
    }

    override onEndElement(name: string): void {
      if (this.ended) return;
      const open = this.cursor;
      // RFC 6120 §4.9.3.13: a mismatched end tag, or one with nothing open, is not well-formed.
      if (!open || open.name !== name)
        throw new StreamFault('not-well-formed', `an end tag </${name.slice(0, 50)}> that closes nothing open`);
      super.onEndElement(name);
      this.depth--;
      if (this.depth < top) this.boundaries++;
    }

    override onText(str: string): void {
      if (this.ended) return;
      if (!this.cursor) {
        if (/^\s*$/.test(str)) return;
        throw new StreamFault('not-well-formed', 'text outside any element');
      }
      // Whitespace between stanzas (keep-alives, §4.6.1) would otherwise pile up on the stream's root.
      if (!framed && this.cursor === this.root) return;
      super.onText(str);
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error') throw new StreamFault('not-well-formed', errorMessage(args[0]) ?? 'XML that is not well-formed');
      if (event === 'end') this.ended = true;
      try {
        return super.emit(event, ...args);
      } catch (err) {
        throw err instanceof StreamFault || err instanceof HandlerFailure ? err : new HandlerFailure(err);
      }
    }

    override write(data: string): void {
      for (let i = 0; i < data.length && !this.ended; i += SLICE) {
        this.scanner.feed(data.slice(i, i + SLICE));
        // ltx loses an XML declaration cut between '?' and '>' (it looks for the '?' in the new chunk
        // only, then swallows the stream header: the stream never opens). The scanner checked it; ltx
        // gets it whole.
        const part = this.held + data.slice(i, i + SLICE);
        this.held = '';
        if (this.scanner.state === 'decl' || this.scanner.state === 'bang') {
          this.held = part;
          continue;
        }
        const before = this.boundaries;
        try {
          super.write(part);
        } catch (err) {
          // ltx's own errors (entities, character references) become the stream error they call for.
          throw classifyParseError(err) ?? err;
        }
        // A stanza ended inside this part: what follows it is a new one (counted from the next part).
        this.size = this.boundaries === before ? this.size + Buffer.byteLength(part) : 0;
        if (this.size > MAX_STANZA_BYTES) throw new StreamFault('policy-violation', `a stanza larger than ${MAX_STANZA_BYTES} bytes`);
      }
    }
  }
  return GuardedParser;
}
