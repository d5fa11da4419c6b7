// JID helpers in Vireo's comparison form (RFC 7622; lower-cased, which covers the common cases).
export interface ParsedJid {
  local: string;
  domain: string;
  resource: string;
  bare: string;
}

/** RFC 7622 §3.3.1: characters a localpart may not contain (besides spaces and controls). */
const LOCAL_FORBIDDEN = /["&'/:<>@\s\p{Cc}]/u;
/** Domainparts are host names or IP literals (RFC 7622 §3.2): none of these. */
const DOMAIN_FORBIDDEN = /[@/\s\p{Cc}"&'<>\\]/u;
/** RFC 7622 §3.1: each part is 1 to 1023 octets. */
const tooLong = (part: string) => Buffer.byteLength(part, 'utf8') > 1023;

/**
 * A JID, or undefined when the text is not one (RFC 7622 §3): an '@' needs a localpart before it, a '/'
 * a resourcepart after it, and the domainpart cannot hold another '@'. Lenient elsewhere (no PRECIS
 * profiles), but what it returns can always be written back as the same address.
 */
export function parseJid(jid: string | undefined | null): ParsedJid | undefined {
  if (!jid) return undefined;
  const slash = jid.indexOf('/');
  const bareRaw = slash === -1 ? jid : jid.slice(0, slash);
  const resource = slash === -1 ? '' : jid.slice(slash + 1);
  if (slash !== -1 && (!resource || tooLong(resource))) return undefined;
  const at = bareRaw.indexOf('@');
  const local = at === -1 ? '' : bareRaw.slice(0, at).toLowerCase();
  if (at !== -1 && (!local || LOCAL_FORBIDDEN.test(local) || tooLong(local))) return undefined;
  const domain = (at === -1 ? bareRaw : bareRaw.slice(at + 1)).toLowerCase().replace(/\.$/, '');
  if (!domain || DOMAIN_FORBIDDEN.test(domain) || tooLong(domain)) return undefined;
  return { local, domain, resource, bare: local ? `${local}@${domain}` : domain };
}

export const bareOf = (jid: string | undefined | null): string | undefined => parseJid(jid)?.bare;
