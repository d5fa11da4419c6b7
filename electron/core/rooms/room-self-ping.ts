// XEP-0410: MUC Self-Ping (Schrödinger's Chat) — https://xmpp.org/extensions/xep-0410.html
// A room can forget the user without the user hearing of it (its service restarted, a server-to-server
// link broke and the room dropped us): the room then looks joined here while nothing arrives. §2:
// "After an adequate amount of silence from a given MUC (e.g. 15 minutes)" the client pings its own
// occupant JID; the answer says whether it is still in. We wait 5 minutes of silence (as Conversations
// does, rooms are quiet at night and a ping is cheap), then:
//   'joined'      → nothing to do;
//   'not-joined'  → rejoin (rooms.join also catches up from the room's archive);
//   'unreachable' → the room is marked so the UI says the connection to it is lost, and pinged again later.
import { xml } from '@xmpp/client';
import { isStanzaError, requestIq } from '../../xmpp/iq.js';
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../../shared/ids.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { RoomService } from './rooms.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import { buildSelfPing, classifySelfPingReply, type SelfPingOutcome } from '../../xmpp/xep/0410-self-ping.js';
import { accountKey } from '../../lib/account-key.js';

export interface SelfPingOptions {
  /** Silence from a room before it is pinged (default 5 minutes). */
  idleMs?: number;
  /** How long a ping may go unanswered before the room counts as unreachable (default 30 s). */
  timeoutMs?: number;
  /** After 'unreachable', ping again this much later (default 1 minute). */
  retryMs?: number;
}

export interface SelfPingDeps extends SelfPingOptions {
  rooms: RoomService;
  connections: ConnectionService;
  log: Logger;
}

export function createSelfPing(deps: SelfPingDeps) {
  const idleMs = deps.idleMs ?? 5 * 60_000;
  const timeoutMs = deps.timeoutMs ?? Math.min(30_000, idleMs * 4);
  const retryMs = deps.retryMs ?? Math.min(60_000, idleMs);
  /** When we last heard anything from each room. */
  const heard = new Map<string, number>();
  /** No ping before this time (set after an unanswered one). */
  const notBefore = new Map<string, number>();
  const inFlight = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  async function ping(accountId: AccountId, jid: string, nick: string): Promise<SelfPingOutcome | undefined> {
    const client = deps.connections.client(accountId);
    if (!client) return undefined;
    const k = accountKey(accountId, jid);
    inFlight.add(k);
    try {
      const { to, ping: payload } = buildSelfPing(jid, nick);
      let reply: Element | undefined;
      try {
        reply = await requestIq(client, xml('iq', { type: 'get', to }, payload), { timeoutMs });
      } catch (err) {
        // An error reply is classified by its <error/>; a timeout has none.
        reply = isStanzaError(err) ? xml('iq', { type: 'error' }, err.element) : undefined;
      }
      // The room (or our server on its behalf) answered, or not: silence starts again from now.
      heard.set(k, Date.now());
      const outcome = classifySelfPingReply(reply);
      // Left or rejoined meanwhile: this answer is about a presence that no longer matters.
      if (deps.rooms.nickIn(accountId, jid) !== nick || !deps.rooms.isJoined(accountId, jid)) return outcome;
      if (outcome === 'unreachable') {
        notBefore.set(k, Date.now() + retryMs);
        deps.rooms.setUnreachable(accountId, jid, true);
        return outcome;
      }
      notBefore.delete(k);
      deps.rooms.setUnreachable(accountId, jid, false);
      if (outcome === 'not-joined') {
        deps.log.info('the room no longer knew us (self-ping): rejoining');
        const res = await deps.rooms.join(accountId, jid, nick);
        if (!res.ok) deps.log.info(`rejoining after a self-ping failed: ${res.error.code}`);
      }
      return outcome;
    } finally {
      inFlight.delete(k);
    }
  }

  function tick() {
    const now = Date.now();
    for (const r of deps.rooms.joinedRooms()) {
      const k = accountKey(r.accountId, r.jid);
      const last = heard.get(k);
      // First seen joined now: the join itself was the last thing heard.
      if (last === undefined) {
        heard.set(k, now);
        continue;
      }
      if (now - last < idleMs || inFlight.has(k) || (notBefore.get(k) ?? 0) > now) continue;
      void ping(r.accountId, r.jid, r.nick).catch((err: Error) => deps.log.warn(`self-ping failed: ${err.message}`));
    }
  }

  return {
    /** Any stanza from a room (or one of its occupants) shows it still talks to us. */
    installOn(accountId: AccountId, client: XmppClient) {
      client.middleware.use((ctx: { stanza: Element }, next: () => Promise<unknown>) => {
        const room = bareOf(ctx.stanza.attrs.from as string | undefined);
        if (room && deps.rooms.isRoom(accountId, room)) heard.set(accountKey(accountId, room), Date.now());
        return next();
      });
    },
    start() {
      if (timer) return;
      timer = setInterval(tick, Math.max(250, Math.min(30_000, Math.floor(idleMs / 4))));
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    /** Ping one room now (tests and diagnostics). */
    ping,
  };
}
export type SelfPing = ReturnType<typeof createSelfPing>;
