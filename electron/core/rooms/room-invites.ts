// Room invitations, both ways: direct ones (XEP-0249, https://xmpp.org/extensions/xep-0249.html) sent
// straight to the invitee, and mediated ones (XEP-0045 §7.8.2) sent through the room, with declines.
// A received invitation waits in the database (without its password, which goes to the account's
// SecretStore) until the user accepts (joins) or declines it. Who invites is shown as the stanzas
// really say: for a direct invitation the sender our server stamped; for a mediated one the room's
// word — and only when the message really comes from a room.
import { randomUUID } from 'node:crypto';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { RoomDeclineView, RoomInvitationView, RoomView } from '../../../shared/views.js';
import type { RoomInvitationRecord, RoomInvitationsRepo } from '../../store/room-invitations-repo.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import type { ChatService } from '../messages/index.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { RoomService } from './rooms.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf, parseJid } from '../../xmpp/jid.js';
import { buildDeclineInvite, buildMediatedInvite, parseMucUserMessage, parseRoomInfo } from '../../xmpp/xep/0045-muc.js';
import { buildDirectInvite, parseDirectInvite } from '../../xmpp/xep/0249-direct-invitation.js';
import { buildDiscoInfo } from '../../xmpp/xep/0030-disco.js';
import { accountKey } from '../../lib/account-key.js';
import { errorMessage } from '../../lib/error-message.js';
import { parseStanzaError } from '../../xmpp/rfc/6120-stanza-errors.js';
import { requestIq } from '../../xmpp/iq.js';

/** A flood of invitations (spam) must not grow the database without bound: the oldest go first. */
const MAX_PENDING = 200;
const MAX_TEXT = 1000;

export interface RoomInvitesDeps {
  /** Invitations waiting for the user's answer. */
  invitations: RoomInvitationsRepo;
  chats: ChatService;
  rooms: RoomService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** The contact's roster name, if any. */
  contactName(accountId: AccountId, jid: string): string | undefined;
  /** Where the account keeps secrets (undefined: nowhere safe, passwords then stay in memory). */
  secretsOf(accountId: AccountId): SecretStore | undefined;
  /** The account's bare JID (its local part is the default nickname). */
  jidOf(accountId: AccountId): string | undefined;
  /** How long to wait for a refusal of an invitation we sent (default 2 s). */
  refusalWaitMs?: number;
}

interface Received {
  kind: 'direct' | 'mediated';
  room: string;
  inviter?: string;
  reason?: string;
  password?: string;
}

const secretName = (accountId: string, room: string) => `room-invitation-password:${accountId}:${room}`;
const clip = (s: string | undefined) => (s === undefined ? undefined : s.slice(0, MAX_TEXT));

export function createRoomInvites(deps: RoomInvitesDeps) {
  /** Invitation passwords of this run; the SecretStore keeps them across restarts. */
  const passwords = new Map<string, string>();
  /** Per session: is this bare JID a group-chat room? (XEP-0045 §6.4 disco#info, identity 'conference'). */
  const roomCheck = new Map<string, Promise<boolean>>();

  const rows = (accountId: string) => deps.invitations.ofAccount(accountId);
  const row = (accountId: string, room: string) => deps.invitations.get(accountId, room);

  /** Who someone is, for the UI: their roster name, or their nickname when the JID is a room occupant's. */
  function nameOf(accountId: AccountId, jid: string | undefined, room: string): string | undefined {
    const j = parseJid(jid);
    if (!j) return undefined;
    if (j.bare === room) return j.resource || undefined;
    return deps.contactName(accountId, j.bare);
  }

  function view(r: RoomInvitationRecord): RoomInvitationView {
    const accountId = r.accountId;
    const inviterName = nameOf(accountId, r.inviter, r.room);
    return {
      accountId,
      room: r.room,
      kind: r.kind,
      hasPassword: r.hasPassword,
      receivedAt: r.receivedAt,
      ...(r.inviter ? { inviter: r.inviter } : {}),
      ...(inviterName ? { inviterName } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    };
  }

  const announce = (accountId: AccountId) => deps.events.emit('room:invitations', { accountId, invitations: rows(accountId).map(view) });

  /** A JID as we keep it: a person by their bare JID; a room occupant (room@service/nick) as is. */
  function personJid(jid: string | undefined, room: string): string | undefined {
    const j = parseJid(jid);
    if (!j) return undefined;
    return j.bare === room && j.resource ? `${j.bare}/${j.resource}` : j.bare;
  }

  async function secrets<T>(accountId: AccountId, fn: (s: SecretStore) => Promise<T>): Promise<T | undefined> {
    const store = deps.secretsOf(accountId);
    if (!store) return undefined;
    try {
      return await fn(store);
    } catch (err) {
      deps.log.warn(`the room password could not be kept in the secret store: ${errorMessage(err)}`);
      return undefined;
    }
  }

  async function receive(accountId: AccountId, inv: Received) {
    // XEP-0249 §4: "If a client receives an invitation to a room in which the user is already an
    // occupant, the client SHOULD silently discard the invitation."
    if (deps.rooms.isJoined(accountId, inv.room)) return;
    const k = accountKey(accountId, inv.room);
    const password = inv.password ? clip(inv.password) : undefined;
    // Of a mediated and a direct one to the same room, "present only one" (§4): the latest.
    deps.invitations.put({
      accountId,
      room: inv.room as BareJid,
      kind: inv.kind,
      ...optional('inviter', inv.inviter),
      ...optional('reason', clip(inv.reason)),
      hasPassword: !!password,
      receivedAt: Date.now(),
    });
    const extra = rows(accountId).slice(0, -MAX_PENDING);
    for (const r of extra) await forget(accountId, r.room);
    if (password) {
      passwords.set(k, password);
      await secrets(accountId, (s) => s.set(secretName(accountId, inv.room), password));
    } else {
      passwords.delete(k);
      await secrets(accountId, (s) => s.delete(secretName(accountId, inv.room)));
    }
    announce(accountId);
  }

  async function forget(accountId: AccountId, room: string) {
    deps.invitations.remove(accountId, room);
    passwords.delete(accountKey(accountId, room));
    await secrets(accountId, (s) => s.delete(secretName(accountId, room)));
  }

  async function passwordFor(accountId: AccountId, r: RoomInvitationRecord): Promise<string | undefined> {
    if (!r.hasPassword) return undefined;
    return passwords.get(accountKey(accountId, r.room)) ?? (await secrets(accountId, (s) => s.get(secretName(accountId, r.room))));
  }

  /**
   * A mediated invitation or decline counts only from a room: the message's 'from' must be a bare JID
   * whose disco#info shows a group-chat room (XEP-0045 §6.4: the room "MUST return its identity" with
   * "category 'conference'"). Anyone can send a message carrying <invite from='alice@…'> from their own
   * address (a server even lets a user send from their bare JID); only a room can vouch for who invited.
   */
  function isRoom(accountId: AccountId, client: XmppClient, jid: string): Promise<boolean> {
    const k = accountKey(accountId, jid);
    let check = roomCheck.get(k);
    if (!check) {
      check = requestIq(client, buildDiscoInfo(jid), { timeoutMs: 10_000 })
        .then((iq) => parseRoomInfo(iq, jid) !== undefined)
        .catch(() => false);
      roomCheck.set(k, check);
    }
    return check;
  }

  function declined(accountId: AccountId, room: string, decliner: string | undefined, reason: string | undefined) {
    const who = personJid(decliner, room);
    const name = nameOf(accountId, who, room);
    const v: RoomDeclineView = {
      accountId,
      room: room as BareJid,
      ...(who ? { decliner: who } : {}),
      ...(name ? { declinerName: name } : {}),
      ...(reason ? { reason: clip(reason)! } : {}),
    };
    deps.events.emit('room:invite-declined', v);
  }

  deps.chats.pipeline.use({
    name: 'room-invitations',
    // After carbons are unwrapped (a forged carbon is dropped there), before anything would store the
    // invitation's fallback body as a chat message.
    async run(ctx) {
      const el = ctx.stanza;
      const type = el.attrs.type as string | undefined;
      if (!el.is('message') || type === 'error' || type === 'groupchat') return true;
      const muc = parseMucUserMessage(el);
      const direct = parseDirectInvite(el);
      if (!muc && !direct) return true;
      const from = parseJid(el.attrs.from as string | undefined);
      // Our own invitation, sent from another of our devices (a sent carbon): nothing for us here.
      if (from?.bare === ctx.ownBare && bareOf(el.attrs.to as string | undefined) !== ctx.ownBare) return false;
      // Archived copies are not offered again: the live one came (offline storage delivers it after
      // sign-in) and was answered or is pending; a catch-up must not bring back what the user declined.
      if (ctx.source === 'archive') return false;
      const client = deps.connections.client(ctx.accountId);
      const accountId = ctx.accountId;
      // XEP-0249: the inviter is the message's sender, as our server stamped it; never a name the
      // message claims. (A room's own fallback <x xmlns='jabber:x:conference'/> is taken as mediated.)
      const receiveDirect = (d: NonNullable<typeof direct>, f: NonNullable<typeof from>) =>
        receive(accountId, {
          kind: 'direct',
          room: d.roomJid,
          ...optional('inviter', personJid(f.resource ? `${f.bare}/${f.resource}` : f.bare, d.roomJid)),
          ...optional('reason', d.reason),
          ...optional('password', d.password),
        });
      if (muc && client) {
        // Whether the sender is a room takes a question to its server, which may be slow, never answer,
        // or go down with this stream (a 10 s wait). Incoming stanzas are handled in order, so waiting
        // here would hold up every message behind this one (found by the fuzzer: a stranger's
        // invitations made the account deaf for 10 s each). The invitation is taken up when the
        // answer comes; the stream goes on at once.
        const m = muc;
        void isRoom(accountId, client, m.roomJid)
          .then(async (room) => {
            if (!room) {
              if (direct && from) await receiveDirect(direct, from);
              else deps.log.warn('dropped a room invitation that does not come from a room');
            } else if (m.kind === 'decline') declined(accountId, m.roomJid, m.decliner, m.reason);
            else {
              await receive(accountId, {
                kind: 'mediated',
                room: m.roomJid,
                ...optional('inviter', personJid(m.inviter, m.roomJid)),
                ...optional('reason', m.reason),
                ...optional('password', m.password),
              });
            }
          })
          .catch((err: Error) => deps.log.warn(`a room invitation could not be kept: ${err.message}`));
        return false;
      }
      if (direct && from) {
        await receiveDirect(direct, from);
        return false;
      }
      deps.log.warn('dropped a room invitation that does not come from a room');
      return false;
    },
  });

  // Joined by other means (the join form, a bookmark, another invitation): the invitation is answered.
  deps.rooms.onJoined((accountId, jid) => {
    if (!row(accountId, jid)) return;
    void forget(accountId, jid).then(() => announce(accountId));
  });

  return {
    /** A new session: rooms may have changed (created, destroyed) since we last asked. */
    installOn(accountId: AccountId, client: XmppClient) {
      client.on('online', () => {
        for (const k of [...roomCheck.keys()]) if (k.startsWith(`${accountId}|`)) roomCheck.delete(k);
      });
    },

    list(): RoomInvitationView[] {
      return deps.invitations.list().map(view);
    },

    /**
     * Invite `invitee` to `room`. The default is Conversations' (MucDetailsContextMenuHelper: "invite"):
     * a direct invitation to someone who already belongs to the room (member, admin or owner), since
     * they can enter anyway; everyone else is invited through the room (XEP-0045 §7.8.2), because a
     * members-only room only lets in whom it invited itself ("the room MAY add the invitee to the
     * member list"), and we need not know the room's configuration for that to work. A direct
     * invitation carries the room password we joined with (XEP-0249 §2, 'password'); the room adds
     * its password to a mediated one itself.
     */
    async invite(
      accountId: AccountId,
      room: string,
      invitee: string,
      reason?: string,
      mode?: 'direct' | 'mediated',
    ): Promise<Result<null>> {
      const client = deps.connections.client(accountId);
      if (!client) return fail('not-connected');
      const joined = deps.rooms.isJoined(accountId, room);
      const member = (deps.rooms.list().find((r) => r.accountId === accountId && r.jid === room)?.occupants ?? []).some(
        (o) => o.jid === invitee && (o.affiliation === 'member' || o.affiliation === 'admin' || o.affiliation === 'owner'),
      );
      // Through the room only from inside it (the room refuses invitations from outsiders).
      const how = mode ?? (joined && !member ? 'mediated' : 'direct');
      const password = deps.rooms.passwordOf(accountId, room);
      const stanza =
        how === 'mediated'
          ? buildMediatedInvite(room, invitee, reason || undefined)
          : xml(
              'message',
              { to: invitee },
              buildDirectInvite({ roomJid: room, ...optional('password', password), ...optional('reason', reason || undefined) }),
            );
      // A refusal comes back as an error message with our id (XEP-0045 §7.8.2: a room that does not
      // let this occupant invite answers <forbidden/>); it comes quickly or not at all.
      const id = `invite-${randomUUID()}`;
      stanza.attrs.id = id;
      let onStanza: (el: Element) => void = () => {};
      const refusal = new Promise<Element | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), deps.refusalWaitMs ?? 2000);
        onStanza = (el) => {
          if (el.is('message') && el.attrs.type === 'error' && el.attrs.id === id) {
            clearTimeout(timer);
            resolve(el);
          }
        };
        client.on('stanza', onStanza);
      });
      try {
        await client.send(stanza);
        const error = await refusal;
        if (!error) return ok(null);
        const condition = parseStanzaError(error)?.condition ?? 'undefined-condition';
        return fail(condition === 'forbidden' || condition === 'not-allowed' ? 'room-forbidden' : 'server-error', condition);
      } catch (err) {
        return fail('connection-lost', errorMessage(err));
      } finally {
        client.off('stanza', onStanza);
      }
    },

    /** Join with the invitation's password (or the one the user typed); the invitation goes once we are in. */
    async accept(accountId: AccountId, room: string, nick?: string, password?: string): Promise<Result<RoomView>> {
      const r = row(accountId, room);
      if (!r) return fail('not-found', 'invitation');
      const local = parseJid(deps.jidOf(accountId))?.local;
      const name = nick ?? deps.rooms.nickIn(accountId, room) ?? local;
      if (!name) return fail('not-found', 'account');
      const res = await deps.rooms.join(accountId, room, name, password ?? (await passwordFor(accountId, r)));
      // The joined hook above removes the invitation; a refusal leaves it for another try.
      return res;
    },

    /**
     * Decline. A mediated invitation is declined through the room, which tells the inviter (XEP-0045
     * §7.8.2: "the invitee MAY decline ... by sending a message of the following form to the room");
     * a direct one is just discarded (XEP-0249 §2: "it shall silently discard the invitation").
     */
    async decline(accountId: AccountId, room: string, reason?: string): Promise<Result<null>> {
      const r = row(accountId, room);
      if (!r) return fail('not-found', 'invitation');
      if (r.kind === 'mediated' && r.inviter) {
        const client = deps.connections.client(accountId);
        if (!client) return fail('not-connected');
        try {
          await client.send(buildDeclineInvite(room, r.inviter, reason || undefined));
        } catch (err) {
          return fail('connection-lost', errorMessage(err));
        }
      }
      await forget(accountId, room);
      announce(accountId);
      return ok(null);
    },
  };
}
export type RoomInvites = ReturnType<typeof createRoomInvites>;

function optional<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
