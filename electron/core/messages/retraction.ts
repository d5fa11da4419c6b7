// Deleting messages for everyone.
// - XEP-0424 Message Retraction (https://xmpp.org/extensions/xep-0424.html): the author takes back
//   one of their own messages, in a one-to-one chat or in a room.
// - XEP-0425 Moderated Message Retraction (https://xmpp.org/extensions/xep-0425.html): a room
//   moderator removes someone's message; the room tells every occupant and keeps a tombstone in its
//   archive.
// Incoming requests go through the message pipeline: recognised at the 'retraction' stage, applied inside the
// batch's transaction right after the store stage (so a retraction in the same archive page as its
// message finds it). They are applied only when they come from whoever may make them, and only to a
// message we have; then the body is cleared in the database and the message becomes a tombstone.
import { xml } from '@xmpp/client';
import { requestIq } from '../../xmpp/iq.js';
import type { MessageView } from '../../../shared/views.js';
import type { AccountId } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import { conversationIdOf, type MessageRecord, type MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService, IncomingCtx } from './chats.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { RoomLookup } from './room-lookup.js';
import { MucFeature } from '../../xmpp/xep/0045-muc.js';
import { buildRetraction, parseRetractedTombstone, parseRetraction } from '../../xmpp/xep/0424-retraction.js';
import { buildModerateRequest, parseModeratedTombstone, parseModeration, type ModerationVersion } from '../../xmpp/xep/0425-moderation.js';
import { newOriginId } from '../../xmpp/xep/0359-stable-ids.js';
import { parseDelay } from '../../xmpp/rfc/6121-message.js';
import { errorMessage } from '../../lib/error-message.js';

export interface RetractionDeps {
  repo: MessagesRepo;
  chats: ChatService;
  rooms: Pick<RoomLookup, 'isJoined' | 'moderationFacts'>;
  connections: ConnectionService;
  log: Logger;
}

type Tombstone = { by: 'sender' | 'moderator'; at: number; reason?: string };

/** What a stanza asks for, found at the 'retraction' stage and carried to the apply stage. */
type Op =
  /** The author retracts a message: in a room by its stanza-id, in a chat by its origin-id. */
  | { kind: 'retract'; peer: string; targetId: string; direction: 'in' | 'out'; inRoom: boolean; occupantId?: string; at: number }
  /** The room removed a message (XEP-0425), by the room's stanza-id. */
  | { kind: 'moderate'; peer: string; stanzaId: string; at: number; reason?: string }
  /** An archived tombstone: the message is stored in its deleted form (or, if we have it, becomes one). */
  | { kind: 'tombstone'; tombstone: Tombstone; peer: string; stanzaId?: string };

export function installRetraction(deps: RetractionDeps) {
  const ops = new WeakMap<IncomingCtx, Op>();
  const whenOf = (ctx: IncomingCtx) => Math.min(parseDelay(ctx.stanza) ?? ctx.forwardedAt ?? Date.now(), Date.now());

  deps.chats.pipeline.use({
    name: 'retraction',
    run(ctx) {
      const m = ctx.msg;
      // XEP-0425 Business Rules: "In MUCs, only moderation messages ... received from the MUC service
      // itself are legitimate" — parseModeration accepts only the room's bare JID as sender, and
      // ctx.room is set only for a room we are in (and, archived, only from that room's archive).
      if (ctx.notice && !m) {
        const mod = ctx.room ? parseModeration(ctx.stanza, ctx.room.jid) : undefined;
        if (!mod) return true; // another feature's notice
        ops.set(ctx, {
          kind: 'moderate',
          peer: ctx.room!.jid,
          stanzaId: mod.stanzaId,
          at: whenOf(ctx),
          ...(mod.reason ? { reason: mod.reason } : {}),
        });
        return true;
      }
      if (!m) return true;
      const r = parseRetraction(ctx.stanza);
      if (r) {
        // Its fallback body is for clients without retraction: not a message to store.
        ctx.notice = true;
        const inRoom = m.kind === 'room';
        ops.set(ctx, {
          kind: 'retract',
          peer: m.peer,
          targetId: r.targetId,
          direction: m.direction,
          inRoom,
          at: m.timestamp,
          ...(inRoom && m.occupantId ? { occupantId: m.occupantId } : {}),
        });
        return true;
      }
      // A room archive's tombstone (the rooms service lets body-less archived messages through only
      // when they are tombstones): the message is kept in its deleted form, never with text.
      if (ctx.source === 'archive' && m.kind === 'room' && m.body === '') {
        const moderated = parseModeratedTombstone(ctx.stanza);
        const retracted = parseRetractedTombstone(ctx.stanza);
        if (!moderated && !retracted) return false;
        const at = moderated?.retractedAt ?? retracted?.retractedAt ?? m.timestamp;
        const tombstone: Tombstone = moderated
          ? { by: 'moderator', at, ...(moderated.reason ? { reason: moderated.reason } : {}) }
          : { by: 'sender', at };
        ops.set(ctx, { kind: 'tombstone', tombstone, peer: m.peer, ...(m.stanzaId ? { stanzaId: m.stanzaId } : {}) });
        // Already here with its text (an archive page fetched again): the room's archive says it was
        // deleted, so it becomes a tombstone rather than being skipped as a duplicate.
        if (m.stanzaId && deps.repo.findTarget(conversationIdOf(ctx.accountId, m.peer), { stanzaId: m.stanzaId })) ctx.notice = true;
      }
      return true;
    },
  });

  /** Whether the request may remove `target`: the rules of XEP-0424 (author) and XEP-0425 (room). */
  function allowed(ctx: IncomingCtx, op: Exclude<Op, { kind: 'tombstone' }>, target: MessageRecord): boolean {
    if (op.kind === 'moderate') return true; // from the room itself (checked at recognition)
    if (!op.inRoom) {
      // XEP-0424 Business Rules: "MUST only be processed when both the original message and the
      // retraction request are received from the same bare-JID (in a one-on-one conversation)". The
      // conversation is the sender's bare JID (or, for a room's private chat, the occupant's full
      // JID), and the direction says which side wrote both.
      return target.direction === op.direction;
    }
    // Rooms: "When used in a semi-anonymous MUC, the recipient client MUST check that a message
    // retraction was sent by the author of the retracted message by checking the occupant id from
    // XEP-0421." A nickname proves nothing (anyone can take it once its owner has left), so in a
    // room that does not announce occupant ids a retraction is refused and the message is kept:
    // better a message that stays than one deleted by someone else.
    if (!ctx.room?.occupantIds || !op.occupantId) return false;
    const author = target.occupantId ?? (target.direction === 'out' ? ctx.room.selfOccupantId : undefined);
    return author === op.occupantId;
  }

  deps.chats.pipeline.use({
    name: 'retraction-apply',
    run(ctx) {
      const op = ops.get(ctx);
      if (!op) return true;
      if (op.kind === 'tombstone') {
        if (ctx.stored) ctx.stored = deps.repo.retract(ctx.stored.id, op.tombstone) ?? ctx.stored;
        const had =
          !ctx.stored && op.stanzaId
            ? deps.repo.findTarget(conversationIdOf(ctx.accountId, op.peer), { stanzaId: op.stanzaId })
            : undefined;
        const changed = had && deps.repo.retract(had.id, op.tombstone);
        if (changed) ctx.changed = changed;
        return true;
      }
      const convId = conversationIdOf(ctx.accountId, op.peer);
      // XEP-0424 (0.4) and XEP-0425: in a room the id is the stanza-id the room gave the message
      // (XEP-0359, by = the room), known to every occupant and to the archive; in a one-to-one chat
      // it is the origin-id the sender put on it (the stanza-id as a fallback).
      const target =
        op.kind === 'moderate' || op.inRoom
          ? deps.repo.findTarget(convId, { stanzaId: op.kind === 'moderate' ? op.stanzaId : op.targetId })
          : (deps.repo.findTarget(convId, { originId: op.targetId, direction: op.direction }) ??
            deps.repo.findTarget(convId, { stanzaId: op.targetId }));
      // A retraction of a message we never had changes nothing (it may come before its message is
      // fetched, or be about a message from before this device's history).
      if (!target) return true;
      if (!allowed(ctx, op, target)) {
        deps.log.warn(`ignored a ${op.kind === 'moderate' ? 'moderation' : 'retraction'} that does not come from the message's author`);
        return true;
      }
      const changed = deps.repo.retract(
        target.id,
        op.kind === 'moderate' ? { by: 'moderator', at: op.at, ...(op.reason ? { reason: op.reason } : {}) } : { by: 'sender', at: op.at },
      );
      if (changed) ctx.changed = changed;
      return true;
    },
  });

  function tell(rec: MessageRecord): MessageView | undefined {
    deps.chats.updated(rec);
    deps.chats.emitConversation(rec.conversationId);
    return deps.chats.viewOf(rec);
  }

  const onlineClient = (accountId: AccountId) => {
    const client = deps.connections.client(accountId);
    return client && client.status === 'online' ? client : undefined;
  };

  /** XEP-0425 moderation request errors, in contract codes. */
  function moderationError(err: unknown): ReturnType<typeof fail> {
    const condition = (err as { condition?: string }).condition;
    if (condition === 'forbidden' || condition === 'not-allowed' || condition === 'not-authorized')
      return fail('room-forbidden', condition);
    if (condition === 'item-not-found') return fail('not-found', 'the room no longer has this message');
    if (condition === 'feature-not-implemented' || condition === 'service-unavailable')
      return fail('room-moderation-unsupported', condition);
    if ((err as Error).name === 'TimeoutError') return fail('timeout');
    return condition ? fail('server-error', condition) : fail('not-connected', errorMessage(err));
  }

  return {
    /** 'chat:retract': delete one of the user's own messages for everyone. */
    async retract(messageId: string): Promise<Result<MessageView>> {
      const m = deps.repo.get(messageId);
      const conv = m && deps.repo.conversation(m.conversationId);
      if (!m || !conv) return fail('not-found', 'message');
      if (m.direction !== 'out') return fail('message-not-retractable', 'only your own messages can be deleted for everyone');
      if (m.retracted) return ok(deps.chats.viewOf(m)!);
      const inRoom = conv.kind === 'room';
      // A message still in the outbox (or bounced) never reached anyone; in a room, the others know a
      // message by the stanza-id the room gave it, which we learn when the room reflects it.
      const targetId = inRoom ? m.stanzaId : m.state === 'pending' || m.state === 'failed' ? undefined : m.originId;
      if (!targetId) return fail('message-not-retractable', inRoom ? 'the room has not confirmed this message yet' : 'not sent yet');
      // Private messages in a room go to a full JID; XEP-0424 retractions here go to bare JIDs only.
      if (conv.peer.includes('/')) return fail('message-not-retractable', 'private messages in a room cannot be retracted yet');
      if (inRoom && !deps.rooms.isJoined(conv.accountId, conv.peer)) return fail('not-connected', 'you are not in this room right now');
      const client = onlineClient(conv.accountId);
      if (!client) return fail('not-connected');
      try {
        await client.send(buildRetraction({ to: conv.peer, type: inRoom ? 'groupchat' : 'chat', targetId, id: newOriginId() }));
      } catch (err) {
        return fail('not-connected', errorMessage(err));
      }
      const rec = deps.repo.retract(m.id, { by: 'sender', at: Date.now() }) ?? deps.repo.get(m.id)!;
      return ok(tell(rec)!);
    },

    /** 'rooms:moderate': a moderator removes a message in a room, for everyone. */
    async moderate(messageId: string, reason?: string): Promise<Result<MessageView>> {
      const m = deps.repo.get(messageId);
      const conv = m && deps.repo.conversation(m.conversationId);
      if (!m || !conv) return fail('not-found', 'message');
      if (conv.kind !== 'room') return fail('message-not-retractable', 'only room messages can be removed by a moderator');
      if (m.retracted) return ok(deps.chats.viewOf(m)!);
      if (!m.stanzaId) return fail('message-not-retractable', 'the room has not confirmed this message yet');
      const facts = deps.rooms.moderationFacts(conv.accountId, conv.peer);
      if (!facts?.joined) return fail('not-connected', 'you are not in this room right now');
      if (facts.role !== 'moderator') return fail('room-forbidden', 'only moderators can remove messages');
      // The version the room announces: Prosody's 2023 module speaks only the :0 form.
      const version: ModerationVersion | undefined = facts.features.has(MucFeature.ModerationV1)
        ? 1
        : facts.features.has(MucFeature.ModerationV0)
          ? 0
          : undefined;
      if (version === undefined) return fail('room-moderation-unsupported');
      const client = onlineClient(conv.accountId);
      if (!client) return fail('not-connected');
      const why = reason?.trim() || undefined;
      try {
        await requestIq(client, xml('iq', { type: 'set', to: conv.peer }, buildModerateRequest(m.stanzaId, why, version)));
      } catch (err) {
        return moderationError(err);
      }
      // The room's notice to every occupant usually arrives before its answer and was applied already.
      const rec = deps.repo.retract(m.id, { by: 'moderator', at: Date.now(), ...(why ? { reason: why } : {}) });
      return ok(rec ? tell(rec)! : deps.chats.viewOf(deps.repo.get(m.id)!)!);
    },
  };
}
export type RetractionService = ReturnType<typeof installRetraction>;
