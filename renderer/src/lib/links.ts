// Links in message text, found by linkify-it. Only what the shell would open is a link: http, https
// and xmpp, without credentials or control characters (the same rules as electron/windows/link-policy.ts,
// which checks again before anything leaves the app). Everything else stays text.
import { LinkifyIt } from 'linkify-it';

export interface FoundLink {
  index: number;
  lastIndex: number;
  /** Where the link goes: the checked, normalized URL. */
  href: string;
}

const MAX_URL_LENGTH = 2048;
const SCHEMES = new Set(['http:', 'https:', 'xmpp:']);
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/u;

let linkify: LinkifyIt | undefined;

function linkifier(): LinkifyIt {
  if (linkify) return linkify;
  // No e-mail addresses (the shell does not open mailto:), no ftp: or protocol-relative "//" links.
  const l = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });
  l.add('ftp:', null).add('//', null).add('mailto:', null);
  // RFC 5122: xmpp:user@example.org?message — an address, then an optional query.
  l.add('xmpp:', {
    validate: (text: string, pos: number) => /^[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]/u.exec(text.slice(pos))?.[0].length ?? 0,
  });
  return (linkify = l);
}

/** The URL if a click may open it, otherwise undefined. */
export function safeHref(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > MAX_URL_LENGTH || CONTROL_OR_SPACE.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!SCHEMES.has(url.protocol) || url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'xmpp:' ? url.pathname === '' && url.host === '' : url.hostname === '') return undefined;
  return url.href.length > MAX_URL_LENGTH ? undefined : url.href;
}

/** The links in one line of text, in order, each one that may be opened. */
export function findLinks(text: string): FoundLink[] {
  if (text.length === 0) return [];
  const l = linkifier();
  const out: FoundLink[] = [];
  for (const m of l.match(text) ?? []) {
    // "https://bank.example@evil.example/": a link cut before credentials would hide where it goes.
    if (text[m.lastIndex] === '@') continue;
    let { lastIndex, url } = m;
    // "*https://example.org/*": the closing styling directive (XEP-0393) is not part of the link.
    const before = text[m.index - 1];
    if (before !== undefined && '*_~`'.includes(before) && text[lastIndex - 1] === before && url.endsWith(before)) {
      lastIndex -= 1;
      url = url.slice(0, -1);
    }
    const href = safeHref(url);
    if (href !== undefined && lastIndex > m.index) out.push({ index: m.index, lastIndex, href });
  }
  return out;
}
