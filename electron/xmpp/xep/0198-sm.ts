// XEP-0198: Stream Management — https://xmpp.org/extensions/xep-0198.html
// Wire format only: the nonzas and the arithmetic on 'h'. The session logic (what to count, when to
// acknowledge, what to resend) lives in ../stream-management.ts.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseErrorElement } from '../rfc/6120-stanza-errors.js';
import { NS_STREAM_ERRORS, NS_STREAMS } from '../rfc/6120-streams.js';

export const NS_SM = 'urn:xmpp:sm:3';

/**
 * §4: 'h' is an xs:unsignedInt; "the value of 'h' SHALL be reset from 2^32-1 back to zero (rather than
 * being incremented to 2^32)".
 */
export const H_MODULUS = 2 ** 32;

export const isUint32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < H_MODULUS;

/** Digits only, no sign, no spaces, at most 2^32-1; anything else is not an 'h'. */
function parseH(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[0-9]{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n < H_MODULUS ? n : undefined;
}

const xsTrue = (v: unknown) => v === 'true' || v === '1';

/** §2: `<sm xmlns='urn:xmpp:sm:3'/>` among the stream features (offered after authentication). */
export function supportsSm(features: Element): boolean {
  return features.getChild('sm', NS_SM) !== undefined;
}

/**
 * §3: "If the client wants to be allowed to resume the stream, it includes a boolean 'resume'
 * attribute" and "MAY include a 'max' attribute to specify the client's preferred maximum resumption
 * time in seconds". Send it only after resource binding ("the client MUST NOT attempt to enable stream
 * management until after it has completed Resource Binding unless it is resuming"), and at most once
 * per stream ("a client SHALL only make at most one attempt to enable stream management").
 */
export function buildEnable(opts: { resume: boolean; max?: number }): Element {
  if (opts.max !== undefined && !(Number.isSafeInteger(opts.max) && opts.max > 0)) {
    throw new RangeError(`SM max must be a positive number of seconds, got ${opts.max}`);
  }
  return xml('enable', {
    xmlns: NS_SM,
    ...(opts.resume ? { resume: 'true' } : {}),
    ...(opts.max !== undefined ? { max: String(opts.max) } : {}),
  });
}

/**
 * §5: "The <resume/> element MUST include a 'previd' attribute whose value is the SM-ID of the former
 * stream and MUST include an 'h' attribute that identifies the sequence number of the last handled
 * stanza sent over the former stream from the server to the client".
 */
export function buildResume(previd: string, h: number): Element {
  if (!previd) throw new RangeError('SM resume needs the previous SM-ID');
  if (!isUint32(h)) throw new RangeError(`SM h must be an unsigned 32-bit integer, got ${h}`);
  return xml('resume', { xmlns: NS_SM, previd, h: String(h) });
}

/** §4: "An <a/> element MUST possess an 'h' attribute": the number of stanzas we have handled, mod 2^32. */
export function buildAck(h: number): Element {
  if (!isUint32(h)) throw new RangeError(`SM h must be an unsigned 32-bit integer, got ${h}`);
  return xml('a', { xmlns: NS_SM, h: String(h) });
}

/** §4: "The <r/> element has no defined attributes." */
export function buildRequest(): Element {
  return xml('r', { xmlns: NS_SM });
}

export interface Enabled {
  /** The SM-ID; §5: opaque, "MUST NOT assign any semantic meaning" to it. */
  id?: string;
  /**
   * The server allows resumption. §5: it "MUST include a 'resume' attribute set to "true" or "1" … and
   * MUST include an 'id' attribute" — without an id there is nothing to resume, so this is false then.
   */
  resume: boolean;
  /** The server's preferred maximum resumption time, in seconds. */
  max?: number;
  /** §3: "the server's preferred IP address or hostname (optionally with a port) for reconnection". */
  location?: string;
}

/**
 * Reads `<enabled/>`. It does not check the element's name (the caller dispatches on it); malformed
 * optional attributes are simply absent.
 */
export function parseEnabled(el: Element): Enabled {
  const id = (el.attrs.id as string | undefined) || undefined;
  const max =
    typeof el.attrs.max === 'string' && /^[0-9]{1,9}$/.test(el.attrs.max) && Number(el.attrs.max) > 0 ? Number(el.attrs.max) : undefined;
  const location = (el.attrs.location as string | undefined) || undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    resume: xsTrue(el.attrs.resume) && id !== undefined,
    ...(max !== undefined ? { max } : {}),
    ...(location !== undefined ? { location } : {}),
  };
}

/**
 * `<resumed previd h/>`, or `undefined` for anything else (e.g. a <failed/> reply). §5: the server's
 * 'h' is "the sequence number of the last handled stanza sent over the former stream from the client
 * to the server": handle it "as it would handle it on an <a/> element … except that after processing
 * it MUST re-send to the peer any stanzas that are still marked as unhandled."
 */
export function parseResumed(el: Element): { previd: string; h: number } | undefined {
  if (!el.is('resumed', NS_SM)) return undefined;
  const previd = el.attrs.previd as string | undefined;
  const h = parseH(el.attrs.h);
  return previd && h !== undefined ? { previd, h } : undefined;
}

/**
 * `<failed/>` after <enable/> or <resume/>, or `undefined` for anything else. §6: it "SHOULD contain an
 * error condition, which MUST be one of the stanza error conditions defined in RFC 6120"; absent, it is
 * reported as 'undefined-condition'. §5: after a timed-out session "the server MAY also include a 'h'
 * attribute indicating the number of stanzas received before the timeout" — stanzas up to it need no resend.
 */
export function parseFailed(el: Element): { h?: number; condition: string } | undefined {
  if (!el.is('failed', NS_SM)) return undefined;
  const { condition } = parseErrorElement(el);
  const h = parseH(el.attrs.h);
  return { ...(h !== undefined ? { h } : {}), condition };
}

/** `<a h/>` with a valid 'h', or `undefined`. */
export function parseAck(el: Element): { h: number } | undefined {
  if (!el.is('a', NS_SM)) return undefined;
  const h = parseH(el.attrs.h);
  return h === undefined ? undefined : { h };
}

/** §4: "When an <r/> element ("request") is received, the recipient MUST acknowledge it". */
export function isRequest(el: Element): boolean {
  return el.is('r', NS_SM);
}

/**
 * How many more stanzas `newH` acknowledges than `prevH`, across the wrap from 2^32-1 to 0 (§4).
 * An 'h' that went backwards shows up as a huge count: if the result exceeds the number of stanzas
 * still unacknowledged, the peer acknowledged stanzas never sent — see `buildHandledCountTooHigh`.
 */
export function ackedCount(prevH: number, newH: number): number {
  if (!isUint32(prevH) || !isUint32(newH)) throw new RangeError(`SM h values must be unsigned 32-bit integers, got ${prevH} and ${newH}`);
  return (newH - prevH + H_MODULUS) % H_MODULUS;
}

/**
 * §6: "When a remote entity acknowledges that it has handled a number of stanzas that is higher than
 * the amount of stanzas that it was sent (…), the local entity SHOULD generate a stream error and
 * close the stream" — `<undefined-condition/>` with this
 * application condition. `h` is what the peer claimed, `sendCount` what was actually sent (mod 2^32).
 */
export function buildHandledCountTooHigh(h: number, sendCount: number): Element {
  if (!isUint32(h) || !isUint32(sendCount)) throw new RangeError('SM h and send-count must be unsigned 32-bit integers');
  return xml(
    'stream:error',
    { 'xmlns:stream': NS_STREAMS },
    xml('undefined-condition', { xmlns: NS_STREAM_ERRORS }),
    xml('handled-count-too-high', { xmlns: NS_SM, h: String(h), 'send-count': String(sendCount) }),
  );
}
