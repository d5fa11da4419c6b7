// Contacts and presence (RFC 6121): the roster is fetched with versioning after every sign-in,
// pushes are applied only from the user's own account, subscription requests wait for the user.
import type { Element } from '@xmpp/xml';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { ContactView, PresenceShow, RosterSnapshotView, SubscriptionRequestView } from '../../../shared/views.js';
import type { ContactRecord, RosterRepo } from '../../store/roster-repo.js';
import type { AccountsRepo } from '../../store/accounts-repo.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import { clientCaps, type XmppClient } from '../../xmpp/client.js';
import {
  buildRosterGet,
  buildRosterRemove,
  buildRosterSet,
  isTrustedRosterPush,
  NS_ROSTER,
  parseRosterPush,
  parseRosterQuery,
  type RosterItem,
} from '../../xmpp/rfc/6121-roster.js';
import { buildAvailability, buildSubscription, parsePresence, type Show } from '../../xmpp/rfc/6121-presence.js';
import { bareOf } from '../../xmpp/jid.js';
import { xml } from '@xmpp/client';
import { requestIq } from '../../xmpp/iq.js';

export interface RosterDeps {
  repo: RosterRepo;
  accounts: AccountsRepo;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
}

interface ResourcePresence {
  show: Show;
  status?: string;
  priority: number;
}
const SHOW_RANK: Record<Show, number> = { chat: 5, online: 4, away: 3, xa: 2, dnd: 1 };

export function createRosterService(deps: RosterDeps) {
  /** account → contact → resource → presence; presence is never persisted. */
  const presence = new Map<AccountId, Map<string, Map<string, ResourcePresence>>>();

  function bestPresence(accountId: AccountId, jid: string): { show: PresenceShow; status?: string } {
    const resources = presence.get(accountId)?.get(jid);
    let best: ResourcePresence | undefined;
    for (const p of resources?.values() ?? []) {
      if (!best || p.priority > best.priority || (p.priority === best.priority && SHOW_RANK[p.show] > SHOW_RANK[best.show])) best = p;
    }
    return best ? { show: best.show, ...(best.status ? { status: best.status } : {}) } : { show: 'offline' };
  }

  function contactView(c: ContactRecord): ContactView {
    const p = bestPresence(c.accountId, c.jid);
    return {
      accountId: c.accountId,
      jid: c.jid,
      name: c.name ?? c.jid.slice(0, c.jid.indexOf('@')) ?? c.jid,
      hasCustomName: !!c.name,
      groups: c.groups,
      subscription: c.subscription,
      pendingOut: c.pendingOut,
      presence: p.show,
      ...(p.status ? { status: p.status } : {}),
    };
  }

  const requestsView = (accountId: AccountId): SubscriptionRequestView[] => deps.repo.requests(accountId);
  const emitRequests = (accountId: AccountId) => deps.events.emit('roster:requests', { accountId, requests: requestsView(accountId) });

  const toRecord = (accountId: AccountId, i: RosterItem): ContactRecord => ({
    accountId,
    jid: i.jid as BareJid,
    ...(i.name ? { name: i.name } : {}),
    groups: i.groups,
    subscription: i.subscription === 'remove' ? 'none' : i.subscription,
    pendingOut: i.pendingOut,
  });

  function applyPush(accountId: AccountId, item: RosterItem, ver?: string) {
    if (item.subscription === 'remove') {
      deps.repo.remove(accountId, item.jid);
      presence.get(accountId)?.delete(item.jid);
      deps.events.emit('roster:changed', { accountId, contacts: [], removed: [item.jid as BareJid] });
    } else {
      const rec = toRecord(accountId, item);
      deps.repo.upsert(rec);
      deps.events.emit('roster:changed', { accountId, contacts: [contactView(rec)], removed: [] });
    }
    if (ver !== undefined) deps.accounts.setRosterVer(accountId, ver);
  }

  /** Fetch the roster (RFC 6121 §2.6 versioning), then announce availability (§4.2, after the roster). */
  async function onOnline(accountId: AccountId, client: XmppClient) {
    presence.set(accountId, new Map());
    const account = deps.accounts.get(accountId);
    // RFC 6121 §2.6.1: a `ver` is sent only to a server that announces roster versioning.
    const versioning = !!client.features?.getChild('ver', 'urn:xmpp:features:rosterver');
    const result = await requestIq(client, xml('iq', { type: 'get' }, buildRosterGet(versioning ? (account?.rosterVer ?? '') : undefined)));
    const parsed = parseRosterQuery(result.getChild('query', NS_ROSTER));
    if (!parsed.upToDate) {
      const records = parsed.items.filter((i) => i.subscription !== 'remove').map((i) => toRecord(accountId, i));
      const before = new Set(deps.repo.contacts(accountId).map((c) => c.jid));
      deps.repo.replaceAll(accountId, records);
      const removed = [...before].filter((j) => !records.some((r) => r.jid === j)) as BareJid[];
      deps.accounts.setRosterVer(accountId, parsed.ver ?? null);
      // One event for the whole roster page, not one per contact (ARCHITECTURE.md "Process model": state flows one way).
      deps.events.emit('roster:changed', { accountId, contacts: records.map(contactView), removed });
    }
    const available = buildAvailability();
    available.append(clientCaps());
    await client.send(available);
  }

  function installOn(accountId: AccountId, client: XmppClient) {
    const own = () => bareOf(client.jid?.toString()) ?? deps.accounts.get(accountId)?.jid ?? '';
    client.iqCallee.set(NS_ROSTER, 'query', (ctx: unknown) => {
      const stanza = (ctx as { stanza: Element }).stanza;
      if (!isTrustedRosterPush(stanza, own())) {
        deps.log.warn('ignored a roster push that did not come from our own account');
        return undefined; // answered with an error by the IQ callee
      }
      const push = parseRosterPush(stanza);
      if (push) applyPush(accountId, push.item, push.ver);
      return true;
    });
    client.middleware.use(async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      const p = ctx.stanza.is('presence') ? parsePresence(ctx.stanza) : undefined;
      if (!p) return next();
      if (p.kind === 'subscription') onSubscription(accountId, p.type, p.from, p.status);
      else if (p.kind === 'available' || p.kind === 'unavailable') onAvailability(accountId, own(), p);
      return next();
    });
  }

  function onAvailability(
    accountId: AccountId,
    ownBare: string,
    p: { kind: 'available' | 'unavailable'; from: string; resource: string; show?: Show; status?: string; priority?: number },
  ) {
    if (p.from === ownBare) return; // our own other devices are not contacts
    const contact = deps.repo.get(accountId, p.from);
    if (!contact) return;
    const byContact = presence.get(accountId) ?? new Map();
    presence.set(accountId, byContact);
    const resources = byContact.get(p.from) ?? new Map<string, ResourcePresence>();
    byContact.set(p.from, resources);
    if (p.kind === 'available')
      resources.set(p.resource, { show: p.show ?? 'online', ...(p.status ? { status: p.status } : {}), priority: p.priority ?? 0 });
    else resources.delete(p.resource);
    deps.events.emit('roster:changed', { accountId, contacts: [contactView(contact)], removed: [] });
  }

  function onSubscription(accountId: AccountId, type: string, from: string, status?: string) {
    const contact = deps.repo.get(accountId, from);
    if (type === 'subscribe') {
      // Already approved (they may have re-sent the request), or the user added them first and so
      // wants them as a contact (what Conversations does): answer without bothering the user.
      const userAddedThem = contact && (contact.subscription === 'to' || contact.pendingOut);
      const keep = () => {
        deps.repo.addRequest({ accountId, jid: from as BareJid, ...(status ? { message: status } : {}), receivedAt: Date.now() });
        emitRequests(accountId);
      };
      if (contact && (contact.subscription === 'from' || contact.subscription === 'both' || userAddedThem)) {
        // If the answer cannot be written (the stream just died), the request waits for the user
        // instead of being lost — and a failed write must not become an unhandled rejection.
        const answer = deps.connections.client(accountId)?.send(buildSubscription('subscribed', from));
        if (!answer) return keep();
        answer.catch((err: Error) => {
          deps.log.info(`could not answer a subscription request at once: ${err.message}`);
          keep();
        });
        return;
      }
      keep();
    } else if (type === 'unsubscribe') {
      if (deps.repo.removeRequest(accountId, from)) emitRequests(accountId);
    }
  }

  async function withClient<T>(accountId: AccountId, fn: (c: XmppClient) => Promise<T>): Promise<Result<T>> {
    const client = deps.connections.client(accountId);
    if (!client) return fail('not-connected');
    try {
      return ok(await fn(client));
    } catch (err) {
      const e = err as { name?: string; condition?: string; message?: string };
      if (e?.name === 'StanzaError') return fail('server-error', e.condition ?? e.message);
      if (e?.name === 'TimeoutError') return fail('timeout');
      throw err;
    }
  }

  const rosterSet = (c: XmppClient, el: Element) => requestIq(c, xml('iq', { type: 'set' }, el));

  return {
    installOn,
    onOnline,
    /** Signed out: nobody's presence is known any more; show them offline. */
    onOffline(accountId: AccountId) {
      if (!presence.get(accountId)?.size) return;
      presence.delete(accountId);
      deps.events.emit('roster:changed', { accountId, contacts: deps.repo.contacts(accountId).map(contactView), removed: [] });
    },
    snapshot(): RosterSnapshotView {
      return { contacts: deps.repo.contacts().map(contactView), requests: deps.repo.requests() };
    },
    add: (accountId: AccountId, jid: string, name?: string) =>
      withClient(accountId, async (c) => {
        await rosterSet(c, buildRosterSet({ jid, ...(name ? { name } : {}) }));
        await c.send(buildSubscription('subscribe', jid));
        // Adding someone who asked us first also answers their request.
        if (deps.repo.removeRequest(accountId, jid)) {
          await c.send(buildSubscription('subscribed', jid));
          emitRequests(accountId);
        }
        return null;
      }),
    rename: (accountId: AccountId, jid: string, name: string) =>
      withClient(accountId, async (c) => {
        const existing = deps.repo.get(accountId, jid);
        await rosterSet(c, buildRosterSet({ jid, ...(name ? { name } : {}), groups: existing?.groups ?? [] }));
        return null;
      }),
    remove: (accountId: AccountId, jid: string) =>
      withClient(accountId, async (c) => {
        // RFC 6121 §2.5.2: the server cancels both subscriptions for us.
        await rosterSet(c, buildRosterRemove(jid));
        return null;
      }),
    accept: (accountId: AccountId, jid: string) =>
      withClient(accountId, async (c) => {
        await c.send(buildSubscription('subscribed', jid));
        const contact = deps.repo.get(accountId, jid);
        // Mutual by default, as Conversations and Dino do: accepting also asks for their presence.
        if (!contact || ((contact.subscription === 'none' || contact.subscription === 'from') && !contact.pendingOut)) {
          await c.send(buildSubscription('subscribe', jid));
        }
        if (deps.repo.removeRequest(accountId, jid)) emitRequests(accountId);
        return null;
      }),
    refuse: (accountId: AccountId, jid: string) =>
      withClient(accountId, async (c) => {
        await c.send(buildSubscription('unsubscribed', jid));
        if (deps.repo.removeRequest(accountId, jid)) emitRequests(accountId);
        return null;
      }),
    contactName(accountId: AccountId, jid: string): string | undefined {
      return deps.repo.get(accountId, jid)?.name;
    },
  };
}
export type RosterService = ReturnType<typeof createRosterService>;
