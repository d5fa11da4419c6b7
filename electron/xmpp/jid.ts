// JID helpers in Vireo's comparison form (RFC 7622; lower-cased, which covers the common cases).
export interface ParsedJid {
  local: string;
  domain: string;
  resource: string;
  bare: string;
}

export function parseJid(jid: string | undefined | null): ParsedJid | undefined {
  if (!jid) return undefined;
  const slash = jid.indexOf('/');
  const bareRaw = slash === -1 ? jid : jid.slice(0, slash);
  const resource = slash === -1 ? '' : jid.slice(slash + 1);
  const at = bareRaw.indexOf('@');
  const local = at === -1 ? '' : bareRaw.slice(0, at).toLowerCase();
  const domain = (at === -1 ? bareRaw : bareRaw.slice(at + 1)).toLowerCase().replace(/\.$/, '');
  if (!domain) return undefined;
  return { local, domain, resource, bare: local ? `${local}@${domain}` : domain };
}

export const bareOf = (jid: string | undefined | null): string | undefined => parseJid(jid)?.bare;
