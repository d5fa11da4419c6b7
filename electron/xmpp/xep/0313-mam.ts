// XEP-0313: Message Archive Management — https://xmpp.org/extensions/xep-0313.html
// Queries (a XEP-0004 form plus XEP-0059 paging), result messages (XEP-0297 forwarded) and the final
// <fin/>. Pure protocol: which archive to query, and what to do with each message, is the caller's job.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import { parseDelay } from '../rfc/6121-message.js';
import { buildSubmitForm } from './0004-data-forms.js';
import { buildRsmSet, NS_RSM, parseRsmSet } from './0059-rsm.js';
import { forwardedMessages, NS_FORWARD } from './0297-forward.js';

export const NS_MAM = 'urn:xmpp:mam:2';

export interface MamQuery {
  /** Echoed in every <result/>: how results are matched to this query (§4.2, §8.2 "Sender Impersonation"). */
  queryId: string;
  /** Only messages to/from this JID; a bare JID also matches its full JIDs (§4.1.1). */
  with?: string;
  /** Epoch ms; the server returns messages at or after it (§4.1.2). */
  start?: number;
  /** Epoch ms; the server returns messages at or before it (§4.1.2). */
  end?: number;
  /** RSM: the page after this archive id. */
  after?: string;
  /** RSM: the page before this archive id; `true` (an empty <before/>) asks for the last page. */
  before?: string | true;
  /** RSM page size. */
  max: number;
}

/** XEP-0082 DateTime, without a fraction when there is none (some servers parse only whole seconds). */
function dateTime(ms: number, field: string): string {
  if (!Number.isFinite(ms)) throw new RangeError(`MAM ${field} must be a timestamp, got ${ms}`);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError(`MAM ${field} is out of range: ${ms}`);
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * The `<query/>` for an `<iq type='set'>` addressed to the archive (no 'to' for the user's own archive,
 * the room's bare JID for a MUC archive). Throws a RangeError on a query that cannot be expressed.
 *
 * §4.1: "The hidden FORM_TYPE field MUST be set to this protocol's namespace, 'urn:xmpp:mam:2'." Only
 * 'with', 'start' and 'end' are used: they "MUST be implemented by servers, [so] clients are able to
 * submit forms using combinations of only these fields without needing to first fetch the form".
 * Paging uses RSM <after>/<before>, which every server supports, not the #extended 'after-id'/'before-id'.
 */
export function buildMamQuery(q: MamQuery): Element {
  if (!q.queryId) throw new RangeError('MAM queryId is required');
  if (q.with !== undefined && !parseJid(q.with)) throw new RangeError(`MAM with is not a JID: ${q.with}`);
  // §4.3.2: "RSM does not define the behaviour of including both <before> and <after> in the same request."
  if (q.after !== undefined && q.before !== undefined) throw new RangeError('MAM query cannot page both after and before');
  const filters = {
    with: q.with,
    start: q.start === undefined ? undefined : dateTime(q.start, 'start'),
    end: q.end === undefined ? undefined : dateTime(q.end, 'end'),
  };
  const hasFilter = Object.values(filters).some((v) => v !== undefined);
  return xml(
    'query',
    { xmlns: NS_MAM, queryid: q.queryId },
    ...(hasFilter ? [buildSubmitForm(NS_MAM, filters)] : []),
    buildRsmSet({
      max: q.max,
      ...(q.after !== undefined ? { after: q.after } : {}),
      ...(q.before !== undefined ? { before: q.before } : {}),
    }),
  );
}

export interface MamResult {
  /** The archive UID (<result id>): what RSM <after>/<before> take, and the message's stanza-id there. */
  archiveId: string;
  /** The archived <message/> as the archive stored it. */
  forwarded: Element;
  /** XEP-0203 stamp on <forwarded>: "the time the message was originally received" (epoch ms). */
  delayedAt?: number;
}

export interface MamExpectation {
  /** The queryid of an open query. */
  queryId: string;
  /** The archive that query went to: the user's own bare JID, or a room's bare JID. */
  archiveJid: string;
}

const onlyChild = (parent: Element, name: string, ns: string): Element | undefined => {
  const found = parent.getChildren(name, ns);
  return found.length === 1 ? found[0] : undefined;
};

/**
 * A result message of an open query, or `undefined` for anything else (including forgeries).
 *
 * §8.2 "Sender Impersonation": "A client MUST verify the source of MAM query results against an open
 * query (i.e. checking the stanza 'from' matches the entity that was queried) and MUST either ignore
 * or otherwise disregard … unsolicited results … if the client has multiple queries in flight at once,
 * it MUST also check that the query ID for a result matches that of an open query for that entity."
 *
 * The outer 'from' must be absent or exactly the archive's bare JID: results for the user's own
 * archive come from the server without 'from' or from the bare JID (RFC 6120 §8.1.2.1), a room's
 * from the room. A full JID — even one of the user's own other resources — is a client, not the
 * archive, and is refused. An absent 'from' can only have been written by the user's own server.
 *
 * The forwarded message is not otherwise checked: in a user archive it may be from anyone (it is a
 * copy of what was received). Callers must not unwrap it again as a carbon or another MAM result.
 * §3.2: a server may "omit the <message> stanza from inside the <forwarded> element" for removed
 * content; such results are refused too (there is nothing to show; paging relies on <fin/>).
 */
export function parseMamResult(message: Element, expect: MamExpectation): MamResult | undefined {
  if (!message.is('message') || message.attrs.type === 'error') return undefined;
  const archive = bareOf(expect.archiveJid);
  if (!archive || !expect.queryId) return undefined;
  const from = message.attrs.from as string | undefined;
  if (from) {
    const f = parseJid(from);
    if (!f || f.resource !== '' || f.bare !== archive) return undefined;
  }
  const result = onlyChild(message, 'result', NS_MAM);
  if (!result || result.attrs.queryid !== expect.queryId) return undefined;
  const archiveId = result.attrs.id as string | undefined;
  if (!archiveId) return undefined;
  const forwarded = onlyChild(result, 'forwarded', NS_FORWARD);
  if (!forwarded) return undefined;
  // The archived stanza is in the client namespace; without an xmlns it would inherit urn:xmpp:forward:0.
  const inner = forwardedMessages(forwarded);
  if (inner.length !== 1) return undefined;
  const delayedAt = parseDelay(forwarded);
  return { archiveId, forwarded: inner[0]!, ...(delayedAt !== undefined ? { delayedAt } : {}) };
}

export interface MamFin {
  /** §4.3.2: 'true' when "the results returned by the server are complete", i.e. nothing further to page. */
  complete: boolean;
  /** §4.3.2: false when the server says the results "might later change"; do not cache those long-term. */
  stable: boolean;
  /** Archive ids of the first and last results of this page. */
  first?: string;
  last?: string;
  /** Size of the whole result set, if the server said ("a client MUST NOT depend on them being present"). */
  count?: number;
}

const xsTrue = (v: unknown) => v === 'true' || v === '1';
const xsFalse = (v: unknown) => v === 'false' || v === '0';

/**
 * The `<fin/>` of an `<iq type='result'>` that ends a query; `undefined` for an error or a reply
 * without <fin/>. The IQ itself is matched to the query by its id (and sender) by the caller.
 */
export function parseMamFin(iq: Element): MamFin | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const fin = iq.getChild('fin', NS_MAM);
  if (!fin) return undefined;
  const rsm = parseRsmSet(fin.getChild('set', NS_RSM));
  return {
    complete: xsTrue(fin.attrs.complete),
    stable: !xsFalse(fin.attrs.stable),
    ...(rsm.first !== undefined ? { first: rsm.first } : {}),
    ...(rsm.last !== undefined ? { last: rsm.last } : {}),
    ...(rsm.count !== undefined ? { count: rsm.count } : {}),
  };
}
