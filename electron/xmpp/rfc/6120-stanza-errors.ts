// RFC 6120 §8.3 Stanza Errors — https://www.rfc-editor.org/rfc/rfc6120#section-8.3
// The one reader of an <error/> child: its type, its defined condition, its text and an
// application-specific condition. Every protocol file that looks at a bounced or refused stanza uses it.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** §8.3.2: "The 'type' attribute … MUST be one of the following". */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';
const TYPES: readonly string[] = ['auth', 'cancel', 'continue', 'modify', 'wait'];

export interface StanzaErrorInfo {
  /** Absent when the sender left it out or wrote something §8.3.2 does not know. */
  type?: StanzaErrorType;
  /** §8.3.3 defined condition, e.g. 'item-not-found'; 'undefined-condition' when none is given. */
  condition: string;
  /** §8.3.2 "<text/> … human-readable XML character data"; absent when empty. */
  text?: string;
  /** §8.3.2 "application-specific condition element" (any element in another namespace), e.g. pubsub#errors. */
  application?: Element;
  /** §8.3.2 'by': the entity that returned the error, when given. */
  by?: string;
}

/**
 * Reads an error container: the `<error/>` element of a stanza, or an element that carries stanza error
 * conditions directly (XEP-0198's `<failed/>`). The condition is the first child in the stanzas namespace
 * that is not `<text/>`, so a condition in another namespace or the text is never taken for it.
 */
export function parseErrorElement(error: Element): StanzaErrorInfo {
  const children = error.getChildElements();
  const cond = children.find((c) => c.attrs.xmlns === NS_STANZAS && c.name !== 'text');
  const text = error.getChildText('text', NS_STANZAS) || undefined;
  const application = children.find((c) => c.attrs.xmlns !== NS_STANZAS && c.attrs.xmlns !== undefined);
  const type = error.attrs.type as unknown;
  const by = error.attrs.by as unknown;
  return {
    ...(typeof type === 'string' && TYPES.includes(type) ? { type: type as StanzaErrorType } : {}),
    condition: cond?.name ?? 'undefined-condition',
    ...(text ? { text } : {}),
    ...(application ? { application } : {}),
    ...(typeof by === 'string' && by !== '' ? { by } : {}),
  };
}

/** The error of a stanza (`<iq|message|presence type='error'><error/>`), or `undefined` when it has none. */
export function parseStanzaError(stanza: Element): StanzaErrorInfo | undefined {
  const error = stanza.getChild('error');
  return error ? parseErrorElement(error) : undefined;
}

/** §8.3.2 syntax: `<error type><condition xmlns=stanzas/>[<text xmlns=stanzas>…</text>]</error>`, for the stanzas Vireo refuses. */
export function buildStanzaError(type: StanzaErrorType, condition: string, text?: string): Element {
  return xml('error', { type }, xml(condition, { xmlns: NS_STANZAS }), ...(text ? [xml('text', { xmlns: NS_STANZAS }, text)] : []));
}
