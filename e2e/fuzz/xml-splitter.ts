// Splits one direction of an XMPP stream (RFC 6120 §4: a stream header, then top-level elements —
// stanzas, nonzas — then the closing tag) into pieces, so that a proxy can put its own elements
// between two of the server's and rewrite the client's stream-management acknowledgements. Only what
// Prosody and Vireo actually write needs to be understood (no DTD, no entities to resolve); it works
// on bytes read as latin1, so a multi-byte character split across two reads stays intact.

export type Piece =
  | { kind: 'header'; text: string } // <?xml …?> and <stream:stream …>, restart included
  | { kind: 'element'; text: string; name: string } // one whole top-level element
  | { kind: 'text'; text: string } // whitespace keep-alives between elements
  | { kind: 'close'; text: string }; // </stream:stream>

export interface Splitter {
  /** Feed bytes; returns every piece completed by them (an unfinished element waits for more). */
  push(chunk: Buffer): Piece[];
  /** True when nothing is half-read: a good moment to insert an element. */
  readonly idle: boolean;
}

const STREAM = 'stream:stream';

export function createSplitter(): Splitter {
  let buf = '';
  let depth = 0; // 1 = inside <stream:stream>, 2+ = inside a top-level element
  let pos = 0; // scanned up to here
  let start = 0; // start of the piece being read
  let name = '';

  function tagName(tag: string): string {
    const m = /^<\/?([^\s/>]+)/.exec(tag);
    return m ? m[1]! : '';
  }

  return {
    get idle() {
      return buf.length === 0;
    },
    push(chunk) {
      buf += chunk.toString('latin1');
      const out: Piece[] = [];
      const take = (end: number) => {
        const text = buf.slice(start, end);
        start = end;
        return text;
      };
      while (pos < buf.length) {
        if (depth <= 1 && buf[pos] !== '<') {
          // Whitespace between top-level elements: hand it on as it is.
          const lt = buf.indexOf('<', pos);
          pos = lt === -1 ? buf.length : lt;
          out.push({ kind: 'text', text: take(pos) });
          continue;
        }
        const lt = buf.indexOf('<', pos);
        if (lt === -1) {
          pos = buf.length;
          break;
        }
        // Find the end of this markup: a PI or comment ends at its own terminator, a tag at the first
        // '>' outside quotes.
        let end: number;
        if (buf.startsWith('<?', lt)) end = buf.indexOf('?>', lt) === -1 ? -1 : buf.indexOf('?>', lt) + 2;
        else if (buf.startsWith('<!--', lt)) end = buf.indexOf('-->', lt) === -1 ? -1 : buf.indexOf('-->', lt) + 3;
        else if (buf.startsWith('<![CDATA[', lt)) end = buf.indexOf(']]>', lt) === -1 ? -1 : buf.indexOf(']]>', lt) + 3;
        else {
          end = -1;
          let quote = '';
          for (let i = lt + 1; i < buf.length; i++) {
            const c = buf[i];
            if (quote) {
              if (c === quote) quote = '';
            } else if (c === '"' || c === "'") quote = c;
            else if (c === '>') {
              end = i + 1;
              break;
            }
          }
        }
        if (end === -1) break; // wait for the rest of this tag
        const tag = buf.slice(lt, end);
        pos = end;
        if (tag.startsWith('<?') || tag.startsWith('<!')) {
          if (depth <= 1) out.push({ kind: 'header', text: take(end) });
          continue;
        }
        const closing = tag.startsWith('</');
        const selfClosing = !closing && tag.endsWith('/>');
        const n = tagName(tag);
        if (!closing && n === STREAM) {
          // A new stream (start, or restart after SASL): the old one is never closed (RFC 6120 §4.3.3).
          depth = 1;
          out.push({ kind: 'header', text: take(end) });
          continue;
        }
        if (closing && n === STREAM) {
          depth = 0;
          out.push({ kind: 'close', text: take(end) });
          continue;
        }
        if (depth === 1 && !closing) name = n;
        if (closing) depth--;
        else if (!selfClosing) depth++;
        else if (depth === 1) {
          out.push({ kind: 'element', text: take(end), name });
          continue;
        }
        if (depth === 1) out.push({ kind: 'element', text: take(end), name });
      }
      buf = buf.slice(start);
      pos -= start;
      start = 0;
      return out;
    },
  };
}

export const toBytes = (text: string) => Buffer.from(text, 'latin1');
