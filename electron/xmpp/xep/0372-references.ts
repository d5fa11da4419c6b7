// XEP-0372: References — https://xmpp.org/extensions/xep-0372.html
// Only what Vireo reads: mentions. §3: "<reference xmlns='urn:xmpp:reference:0' type='mention'
// uri='xmpp:juliet@capulet.lit' .../>" — a message "mentions" the entity named by the URI.
import type { Element } from '@xmpp/xml';

export const NS_REFERENCE = 'urn:xmpp:reference:0';

/** At most this many references are read from one message (a hostile one may carry thousands). */
const MAX_REFERENCES = 50;

/**
 * The JIDs a message mentions through type='mention' references with an `xmpp:` URI (RFC 5122), as
 * written (the resource part keeps its case); the query part, if any, is dropped. Malformed URIs are skipped.
 */
export function parseMentionedJids(message: Element): string[] {
  const out: string[] = [];
  for (const ref of message.getChildren('reference', NS_REFERENCE).slice(0, MAX_REFERENCES)) {
    const uri = ref.attrs.uri;
    if (ref.attrs.type !== 'mention' || typeof uri !== 'string' || !uri.startsWith('xmpp:')) continue;
    try {
      const jid = decodeURIComponent(uri.slice('xmpp:'.length).split('?')[0]!);
      if (jid) out.push(jid);
    } catch {
      // RFC 5122 percent-encoding that does not decode: not a JID.
    }
  }
  return out;
}
