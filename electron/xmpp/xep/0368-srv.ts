// XEP-0368: SRV records for XMPP over TLS — https://xmpp.org/extensions/xep-0368.html
// and RFC 6120 §3.2.1 for `_xmpp-client._tcp`. Ordering per RFC 2782: priority ascending, then a
// weighted random choice within a priority (approximated by weight descending, deterministic).
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export const SRV_DIRECT_TLS = (domain: string) => `_xmpps-client._tcp.${domain}`;
export const SRV_STARTTLS = (domain: string) => `_xmpp-client._tcp.${domain}`;

export function orderSrv(records: SrvRecord[]): SrvRecord[] {
  // RFC 2782: a single record with target "." means the service is decidedly not available.
  if (records.length === 1 && (records[0]!.name === '.' || records[0]!.name === '')) return [];
  return [...records].filter((r) => r.name && r.name !== '.').sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}
