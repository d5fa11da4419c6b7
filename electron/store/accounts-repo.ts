// accounts table ↔ AccountRecord (snake_case mapped to camelCase here only).
import type { Db } from './db.js';
import type { AccountId, BareJid } from '../../shared/ids.js';
import type { EndpointView, SecretBackend, TransportKind } from '../../shared/views.js';

export interface ManualSettings {
  host?: string;
  port?: number;
  transport?: TransportKind;
  websocketUrl?: string;
}

export interface AccountRecord {
  id: AccountId;
  jid: BareJid;
  displayName: string;
  enabled: boolean;
  manual?: ManualSettings;
  pinnedCert?: string;
  secretBackend: SecretBackend;
  resource: string;
  lastEndpoint?: EndpointView;
  rosterVer?: string;
  /** The strongest password mechanism the server has offered (migration 0010); unknown until a sign-in. */
  saslMechanism?: string;
  createdAt: number;
}

interface Row {
  id: string;
  jid: string;
  display_name: string;
  enabled: number;
  manual_json: string | null;
  pinned_cert: string | null;
  secret_backend: string;
  resource: string;
  last_endpoint_json: string | null;
  roster_ver: string | null;
  created_at: number;
  sasl_mechanism: string | null;
}

function fromRow(r: Row): AccountRecord {
  return {
    id: r.id as AccountId,
    jid: r.jid as BareJid,
    displayName: r.display_name,
    enabled: r.enabled === 1,
    ...(r.manual_json ? { manual: JSON.parse(r.manual_json) as ManualSettings } : {}),
    ...(r.pinned_cert ? { pinnedCert: r.pinned_cert } : {}),
    secretBackend: r.secret_backend as SecretBackend,
    resource: r.resource,
    ...(r.last_endpoint_json ? { lastEndpoint: JSON.parse(r.last_endpoint_json) as EndpointView } : {}),
    ...(r.roster_ver !== null ? { rosterVer: r.roster_ver } : {}),
    ...(r.sasl_mechanism ? { saslMechanism: r.sasl_mechanism } : {}),
    createdAt: r.created_at,
  };
}

export function createAccountsRepo(db: Db) {
  const all = db.prepare<[], Row>('SELECT * FROM accounts ORDER BY created_at');
  const byId = db.prepare<[string], Row>('SELECT * FROM accounts WHERE id = ?');
  const byJid = db.prepare<[string], Row>('SELECT * FROM accounts WHERE jid = ?');
  const insert =
    db.prepare(`INSERT INTO accounts (id, jid, display_name, enabled, manual_json, pinned_cert, secret_backend, resource, last_endpoint_json, roster_ver, created_at, sasl_mechanism)
    VALUES (@id, @jid, @display_name, @enabled, @manual_json, @pinned_cert, @secret_backend, @resource, @last_endpoint_json, @roster_ver, @created_at, @sasl_mechanism)`);
  return {
    list: (): AccountRecord[] => all.all().map(fromRow),
    get: (id: string): AccountRecord | undefined => {
      const r = byId.get(id);
      return r && fromRow(r);
    },
    getByJid: (jid: string): AccountRecord | undefined => {
      const r = byJid.get(jid);
      return r && fromRow(r);
    },
    insert(a: AccountRecord): void {
      insert.run({
        id: a.id,
        jid: a.jid,
        display_name: a.displayName,
        enabled: a.enabled ? 1 : 0,
        manual_json: a.manual ? JSON.stringify(a.manual) : null,
        pinned_cert: a.pinnedCert ?? null,
        secret_backend: a.secretBackend,
        resource: a.resource,
        last_endpoint_json: a.lastEndpoint ? JSON.stringify(a.lastEndpoint) : null,
        roster_ver: a.rosterVer ?? null,
        created_at: a.createdAt,
        sasl_mechanism: a.saslMechanism ?? null,
      });
    },
    remove: (id: string) => void db.prepare('DELETE FROM accounts WHERE id = ?').run(id),
    setPinnedCert: (id: string, fp: string | null) => void db.prepare('UPDATE accounts SET pinned_cert = ? WHERE id = ?').run(fp, id),
    setLastEndpoint: (id: string, e: EndpointView) =>
      void db.prepare('UPDATE accounts SET last_endpoint_json = ? WHERE id = ?').run(JSON.stringify(e), id),
    setRosterVer: (id: string, ver: string | null) => void db.prepare('UPDATE accounts SET roster_ver = ? WHERE id = ?').run(ver, id),
    setSaslMechanism: (id: string, m: string | null) => void db.prepare('UPDATE accounts SET sasl_mechanism = ? WHERE id = ?').run(m, id),
    setEnabled: (id: string, enabled: boolean) => void db.prepare('UPDATE accounts SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id),
  };
}
export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
