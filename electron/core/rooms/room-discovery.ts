// Finding rooms (XEP-0045 §6): the account's group-chat services (§6.1: disco#items on the user's
// server, then disco#info on each item, looking for the identity category 'conference' type 'text'),
// the public rooms of a service (§6.3), and what a room says about itself (§6.4) — shown before
// joining and in the room's header. Services are looked up once per session.
import type { Element } from '@xmpp/xml';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type ErrorCode, type Result } from '../../../shared/errors.js';
import type { RoomDirectoryView, RoomInfoView } from '../../../shared/views.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { requestIq } from '../../xmpp/iq.js';
import { parseJid } from '../../xmpp/jid.js';
import { buildDiscoInfo, buildDiscoItems, parseDiscoInfo, parseDiscoItems } from '../../xmpp/xep/0030-disco.js';
import { parseRoomInfo, parseRoomList } from '../../xmpp/xep/0045-muc.js';
import { errorMessage } from '../../lib/error-message.js';

export interface RoomDiscoveryDeps {
  connections: ConnectionService;
  log: Logger;
  /** Per-query timeout (ms). */
  timeoutMs?: number;
}

/** How many of the server's items are asked whether they are a group-chat service. */
const MAX_PROBED = 30;

/** §6.1: "category of 'conference' and type of 'text'". */
const isMucService = (info: ReturnType<typeof parseDiscoInfo>): boolean =>
  !!info?.identities.some((i) => i.category === 'conference' && i.type === 'text');

export function createRoomDiscovery(deps: RoomDiscoveryDeps) {
  /** The services found on a session (a new session asks again: the server may have changed). */
  const services = new Map<AccountId, { client: XmppClient; found: Promise<string[]> }>();

  const ask = (client: XmppClient, iq: Element) => requestIq(client, iq, { timeoutMs: deps.timeoutMs });

  async function findServices(client: XmppClient): Promise<string[]> {
    const domain = parseJid(client.jid?.toString())?.domain;
    if (!domain) return [];
    const items = parseDiscoItems(await ask(client, buildDiscoItems(domain)), domain).filter((j) => !j.includes('@') && !j.includes('/'));
    const answers = await Promise.all(
      items.slice(0, MAX_PROBED).map(async (jid) => {
        try {
          return isMucService(parseDiscoInfo(await ask(client, buildDiscoInfo(jid)), jid)) ? jid : undefined;
        } catch {
          return undefined; // an item that does not answer is not a service we can use
        }
      }),
    );
    return answers.filter((j): j is string => j !== undefined);
  }

  function servicesOf(accountId: AccountId, client: XmppClient): Promise<string[]> {
    const cached = services.get(accountId);
    if (cached?.client === client) return cached.found;
    const found = findServices(client);
    services.set(accountId, { client, found });
    // A failed look-up is not remembered: the next request tries again.
    found.catch(() => {
      if (services.get(accountId)?.found === found) services.delete(accountId);
    });
    return found;
  }

  /** An IQ failure in the contract's words. */
  function failure(err: unknown, notFound: ErrorCode): { ok: false; error: { code: ErrorCode; detail?: string } } {
    const e = err as { name?: string; condition?: string; message?: string };
    if (e?.name === 'TimeoutError') return fail('timeout', 'no answer');
    switch (e?.condition) {
      case 'item-not-found':
      case 'remote-server-not-found':
      case 'service-unavailable':
        return fail(notFound, e.condition);
      case 'forbidden':
      case 'not-allowed':
      case 'registration-required':
      case 'not-authorized':
        return fail('room-not-allowed', e.condition);
      default:
        return fail('server-error', e?.condition ?? e?.message ?? String(err));
    }
  }

  return {
    /** A new session may reach a different server configuration: look the services up again. */
    installOn(accountId: AccountId, client: XmppClient) {
      client.on('online', () => {
        if (services.get(accountId)?.client === client) services.delete(accountId);
      });
    },

    /** The public rooms of `service`, or of the first group-chat service of the user's server (§6.3). */
    async browse(accountId: AccountId, service?: string): Promise<Result<RoomDirectoryView>> {
      const client = deps.connections.client(accountId);
      if (!client) return fail('not-connected');
      let found: string[];
      try {
        found = await servicesOf(accountId, client);
      } catch (err) {
        if (!service) return failure(err, 'rooms-no-service');
        found = [];
      }
      const target = service ?? found[0];
      if (!target) return fail('rooms-no-service');
      try {
        const [itemsIq, infoIq] = await Promise.all([
          ask(client, buildDiscoItems(target)),
          found.includes(target) ? undefined : ask(client, buildDiscoInfo(target)),
        ]);
        // A service the user typed must say it is one (§6.1), or its items are not rooms.
        if (infoIq && !isMucService(parseDiscoInfo(infoIq, target)))
          return fail('rooms-no-service', `${target} is not a group-chat service`);
        const rooms = parseRoomList(itemsIq, target)
          .map((r) => ({ jid: r.jid as BareJid, ...(r.name ? { name: r.name } : {}) }))
          .sort((a, b) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid));
        return ok({ accountId, service: target, services: found.includes(target) ? found : [...found, target], rooms });
      } catch (err) {
        deps.log.info(`rooms of ${target} not listed: ${errorMessage(err)}`);
        return failure(err, 'rooms-no-service');
      }
    },

    /** What a room says about itself (§6.4). */
    async info(accountId: AccountId, room: string): Promise<Result<RoomInfoView>> {
      const client = deps.connections.client(accountId);
      if (!client) return fail('not-connected');
      try {
        const info = parseRoomInfo(await ask(client, buildDiscoInfo(room)), room);
        if (!info) return fail('room-not-found', 'not a group room');
        return ok({
          accountId,
          jid: info.jid as BareJid,
          ...(info.name ? { name: info.name } : {}),
          ...(info.description ? { description: info.description } : {}),
          ...(info.subject ? { subject: info.subject } : {}),
          ...(info.occupants !== undefined ? { occupants: info.occupants } : {}),
          ...(info.language ? { language: info.language } : {}),
          passwordProtected: info.passwordProtected,
          membersOnly: info.membersOnly,
          nonAnonymous: info.nonAnonymous,
          moderated: info.moderated,
          persistent: info.persistent,
          public: info.public,
          archived: info.mam,
        });
      } catch (err) {
        return failure(err, 'room-not-found');
      }
    },
  };
}
export type RoomDiscovery = ReturnType<typeof createRoomDiscovery>;
