// RFC 6120 §8.2.3 IQ semantics: "the requesting entity … MUST receive a response of type 'result' or
// 'error'" — https://www.rfc-editor.org/rfc/rfc6120#section-8.2.3
// The one way the core asks something with an IQ: xmpp.js's iqCaller with Vireo's default timeout, and
// an error reply turned into a StanzaError read by the RFC 6120 §8.3 parser.
import type { Element } from '@xmpp/xml';
import type { XmppClient } from './client.js';
import { parseErrorElement, type StanzaErrorInfo, type StanzaErrorType } from './rfc/6120-stanza-errors.js';

/** How long an IQ may go unanswered before it counts as lost (xmpp.js then throws a TimeoutError). */
export const IQ_TIMEOUT_MS = 15_000;

/**
 * An IQ answered with type='error'. Named 'StanzaError' like xmpp.js's own, with the same message
 * ("condition - text"), so code that tells errors apart by name reads it the same way.
 */
export class StanzaError extends Error implements StanzaErrorInfo {
  readonly type?: StanzaErrorType;
  readonly condition: string;
  readonly text?: string;
  readonly application?: Element;
  readonly by?: string;
  /** The `<error/>` element as received. */
  readonly element: Element;
  constructor(element: Element) {
    const info = parseErrorElement(element);
    super(info.condition + (info.text ? ` - ${info.text}` : ''));
    this.name = 'StanzaError';
    this.condition = info.condition;
    if (info.type) this.type = info.type;
    if (info.text) this.text = info.text;
    if (info.application) this.application = info.application;
    if (info.by) this.by = info.by;
    this.element = element;
  }
}

export const isStanzaError = (err: unknown): err is StanzaError => err instanceof StanzaError;

/**
 * Sends `iq` (an `<iq type='get'|'set'>`; an id is added when missing) and resolves with the
 * type='result' reply. Rejects with a {@link StanzaError} for a type='error' reply and with xmpp.js's
 * TimeoutError when nothing comes back within `timeoutMs` (default {@link IQ_TIMEOUT_MS}).
 */
export async function requestIq(
  client: Pick<XmppClient, 'iqCaller'>,
  iq: Element,
  opts: { timeoutMs?: number | undefined } = {},
): Promise<Element> {
  try {
    return await client.iqCaller.request(iq, opts.timeoutMs ?? IQ_TIMEOUT_MS);
  } catch (err) {
    const e = err as { name?: unknown; element?: unknown };
    if (e?.name === 'StanzaError' && !(err instanceof StanzaError) && isElement(e.element)) throw new StanzaError(e.element);
    throw err;
  }
}

const isElement = (v: unknown): v is Element =>
  typeof v === 'object' && v !== null && typeof (v as Element).getChildElements === 'function';
