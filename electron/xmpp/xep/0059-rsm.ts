// XEP-0059: Result Set Management — https://xmpp.org/extensions/xep-0059.html
// The paging element used by MAM (XEP-0313) and others. Item ids are opaque strings.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_RSM = 'http://jabber.org/protocol/rsm';

export interface RsmRequest {
  /** Page size. 0 asks only for the item count (#count, "Getting the Item Count"). */
  max?: number;
  /** Page forwards: the items after this id. */
  after?: string;
  /**
   * Page backwards: the items before this id; `true` sends an empty `<before/>`. #last: "The requesting
   * entity MAY ask for the last page in a result set by including in its request an empty <before/>
   * element, and the maximum number of items to return."
   */
  before?: string | true;
}

/** Throws a RangeError on a request that cannot be expressed (negative max, empty id). */
export function buildRsmSet(req: RsmRequest): Element {
  const children: Element[] = [];
  if (req.max !== undefined) {
    if (!Number.isSafeInteger(req.max) || req.max < 0) throw new RangeError(`RSM max must be a non-negative integer, got ${req.max}`);
    children.push(xml('max', {}, String(req.max)));
  }
  if (req.after !== undefined) {
    if (req.after === '') throw new RangeError('RSM after needs an id');
    children.push(xml('after', {}, req.after));
  }
  if (req.before !== undefined) {
    if (req.before === '') throw new RangeError('RSM before needs an id (use true for the last page)');
    children.push(req.before === true ? xml('before') : xml('before', {}, req.before));
  }
  return xml('set', { xmlns: NS_RSM }, ...children);
}

export interface RsmResult {
  first?: string;
  /** `<first index='…'>`: position of the first item in the whole set; optional for servers. */
  firstIndex?: number;
  last?: string;
  /** Items in the whole result set; servers MAY leave it out. */
  count?: number;
}

const nonNegativeInt = (s: string | null | undefined): number | undefined => {
  if (!s || !/^[0-9]{1,15}$/.test(s.trim())) return undefined;
  return Number(s.trim());
};

/** Reads a returned `<set/>`; missing or malformed parts are simply absent. */
export function parseRsmSet(set: Element | undefined): RsmResult {
  if (!set || !set.is('set', NS_RSM)) return {};
  const firstEl = set.getChild('first');
  const first = firstEl?.text() || undefined;
  const firstIndex = nonNegativeInt(firstEl?.attrs.index as string | undefined);
  const last = set.getChildText('last') || undefined;
  const count = nonNegativeInt(set.getChildText('count'));
  return {
    ...(first !== undefined ? { first } : {}),
    ...(first !== undefined && firstIndex !== undefined ? { firstIndex } : {}),
    ...(last !== undefined ? { last } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}
