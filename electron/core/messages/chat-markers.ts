// Chat markers (XEP-0333, https://xmpp.org/extensions/xep-0333.html; sections of version 0.4, see
// electron/xmpp/xep/0333-chat-markers.ts), both ways, plugged into the chat pipeline.
// In: a contact's marker covers our messages up to and including the one it names (§6), so earlier
//   messages become delivered or read too; state only moves forward (§7); a marker for a message of
//   ours not stored yet is kept and applied when it arrives (§7); in a room one occupant's marker is
//   that occupant's business, never "read" for the room. Our other device's marker (a carbon) means
//   the user read the chat there.
// Out: one displayed marker per read, for the newest message that asked for markers, never again for
//   it or anything before it (§7); only once the chat's history is caught up (§8.1); only to contacts
//   allowed to see our presence (§9); in a room with the room's stanza-id (§8.6).
import type { AccountId } from '../../../shared/ids.js';
import { conversationIdOf, type ConversationRecord, type MessagesRepo } from '../../store/messages-repo.js';
import type { MarkersRepo } from '../../store/markers-repo.js';
import type { RosterRepo } from '../../store/roster-repo.js';
import type { ChatService, IncomingCtx } from './chats.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import { asksForMarkers, buildDisplayed, buildMarkable, isMarkable, parseMarker } from '../../xmpp/xep/0333-chat-markers.js';
import { bareOf } from '../../xmpp/jid.js';
import { accountKey } from '../../lib/account-key.js';

export interface ChatMarkersDeps {
  chats: ChatService;
  repo: MessagesRepo;
  markers: MarkersRepo;
  roster: RosterRepo;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /**
   * Whether this chat's history has been caught up to its newest message. §8.1: "To avoid sending
   * redundant Chat Markers while retrieving archived messages, Chat Markers SHOULD only be sent after
   * retrieving the most recent message for a chat."
   */
  caughtUp(conv: ConversationRecord): boolean;
}

export function installChatMarkers(deps: ChatMarkersDeps) {
  const { chats, repo, markers } = deps;

  /** Our messages up to `anchorId` move forward; the UI is told about each one that changed. */
  function cover(conversationId: string, anchorId: string, level: 'received' | 'displayed'): void {
    for (const id of markers.raiseOutgoing(conversationId, anchorId, level)) chats.updated(repo.get(id));
  }

  /**
   * Our other device's markers for messages not stored yet: an archive page brings the message and
   * the marker together, and the marker is looked at before the page is stored. Few and short-lived.
   */
  const ownAhead = new Set<string>();

  /** A marker our other device sent: the user read the chat there, up to that message. */
  function ownMarker(ctx: IncomingCtx, id: string): void {
    const peer = bareOf(ctx.stanza.attrs.to);
    const conv = peer ? repo.conversation(conversationIdOf(ctx.accountId, peer)) : undefined;
    if (!peer || (conv && conv.kind !== 'chat')) return;
    const marked = conv && markers.incomingByMarkerId(conv.id, id);
    // Marked there: this device sends no marker for it (or anything before it) again.
    if (conv && marked) markers.advanceSentMarker(conv.id, marked);
    else {
      ownAhead.add(accountKey(ctx.accountId, peer, id));
      if (ownAhead.size > 500) ownAhead.delete(ownAhead.values().next().value!);
    }
    if (!conv || ctx.source !== 'carbon' || conv.unread === 0) return;
    // Read up to the marked message; anything newer stays unread. (The marker names the message's own
    // 'id', which is not always its origin-id: found by the id it was stored as markable with.)
    const rec = marked ? repo.get(marked) : undefined;
    const by = rec?.stanzaId ? { stanzaId: rec.stanzaId } : { originId: rec?.originId ?? id };
    if (repo.setUnreadAfter(conv.id, by)) chats.emitConversation(conv.id);
  }

  chats.pipeline.use({
    name: 'chat-markers',
    run(ctx) {
      const el = ctx.stanza;
      const marker = parseMarker(el);
      if (!marker) return true;
      // §8.6: in a room, a marker is one occupant's read state. It never makes our message "read".
      if (el.attrs.type === 'groupchat') return true;
      const from = bareOf(el.attrs.from);
      if (!from) return true;
      if (from === ctx.ownBare) {
        if (marker.kind !== 'received' && ctx.source !== 'live') ownMarker(ctx, marker.id);
        return true;
      }
      // Live, a carbon of what the contact sent to our other device, or the contact's marker kept in
      // our own archive (§7: "Clients SHOULD use … XEP-0313 to support offline updating").
      if (ctx.source === 'archive' && ctx.archiveJid !== ctx.ownBare) return true;
      const conv = repo.conversation(conversationIdOf(ctx.accountId, from));
      if (!conv || conv.kind !== 'chat') return true; // a marker from someone we never wrote to
      // §6: "received", "displayed", "acknowledged" in order of significance; both later ones mean read.
      const level = marker.kind === 'received' ? 'received' : 'displayed';
      // Only a message of ours in the chat with the marker's sender: anyone can send a marker.
      const anchor = repo.findTarget(conv.id, { originId: marker.id, direction: 'out' });
      if (anchor) cover(conv.id, anchor.id, level);
      // §7: "Chat Markers for unknown messages MUST be ignored by the client. A client MAY store the
      // Chat Marker in case the associated message is retrieved later." Kept until it comes.
      else markers.addPending(ctx.accountId, from, marker.id, level);
      return true;
    },
  });

  /** Earlier messages changed by a pending marker applied as its message was stored: told after the commit. */
  const coveredLater = new WeakMap<IncomingCtx, string[]>();
  chats.pipeline.use({
    name: 'chat-markers-stored',
    run(ctx) {
      const m = ctx.stored;
      if (!m || m.notice) return true;
      const room = ctx.msg?.kind === 'room';
      if (m.direction === 'in') {
        // §6: the marker names the message's own 'id'; §8.6: in a room, the room's stanza-id.
        const markerId = room
          ? asksForMarkers(ctx.stanza)
            ? m.stanzaId
            : undefined
          : isMarkable(ctx.stanza)
            ? (ctx.stanza.attrs.id as string)
            : undefined;
        if (markerId) markers.setMarkable(m.id, markerId);
        // Already marked by our other device: this one sends no marker for it again.
        if (markerId && !room && ctx.msg && ownAhead.delete(accountKey(ctx.accountId, ctx.msg.peer, markerId)))
          markers.advanceSentMarker(m.conversationId, m.id);
        return true;
      }
      const level = !room && m.originId && ctx.msg ? markers.takePending(ctx.accountId, ctx.msg.peer, m.originId) : undefined;
      if (level) {
        const changed = markers.raiseOutgoing(m.conversationId, m.id, level);
        ctx.stored = repo.get(m.id) ?? m;
        coveredLater.set(
          ctx,
          changed.filter((id) => id !== m.id),
        );
      }
      return true;
    },
  });
  chats.onStored((ctx) => {
    for (const id of coveredLater.get(ctx) ?? []) chats.updated(repo.get(id));
  });

  // Every chat message of ours can be marked (§6: it carries an 'id', its origin-id).
  chats.addOutgoingExtra(buildMarkable);

  /** Chats read while their history was still coming in: the message read, marked once caught up. */
  const deferred = new Map<string, string>();

  async function send(conv: ConversationRecord, messageId: string): Promise<void> {
    const markerId = markers.markerIdOf(messageId);
    if (!markerId) return;
    const client = deps.connections.client(conv.accountId);
    if (!client || client.status !== 'online') {
      deferred.set(conv.id, messageId); // sent after the next catch-up
      return;
    }
    let stanza;
    if (conv.kind === 'room') {
      stanza = buildDisplayed(conv.peer, markerId, 'groupchat');
    } else {
      // §9: "a sender SHOULD NOT send Chat Markers to recipients who are not otherwise authorized to
      // view its presence": read state is for contacts who may see our presence, not strangers.
      const contact = deps.roster.get(conv.accountId, conv.peer);
      if (!contact || (contact.subscription !== 'from' && contact.subscription !== 'both')) return;
      stanza = buildDisplayed(conv.peer, markerId);
    }
    // §7: "Chat Markers MUST only move forward": once per message, never for an earlier one.
    if (!markers.advanceSentMarker(conv.id, messageId)) return;
    await client.send(stanza).catch((err: Error) => deps.log.info(`displayed marker not sent: ${err.message}`));
  }

  /** Send what was deferred for this account's chats that are caught up now. */
  function flush(accountId: AccountId): void {
    for (const [convId, messageId] of [...deferred]) {
      const conv = repo.conversation(convId);
      if (!conv || conv.accountId !== accountId || !deps.caughtUp(conv)) continue;
      deferred.delete(convId);
      void send(conv, messageId);
    }
  }
  deps.events.on('sync:state', (state) => {
    if (state.phase === 'synced') flush(state.accountId);
  });

  return {
    /** A chat's history has caught up (a room's, after a join): what was read meanwhile is marked now. */
    flush,
    /**
     * The user read the chat: one displayed marker for the newest message that asked for one (§6: it
     * covers all before it) — after catch-up (§8.1), else when catch-up is done.
     */
    async displayed(conversationId: string): Promise<void> {
      const conv = repo.conversation(conversationId);
      const last = conv && markers.lastMarkable(conv.id);
      if (!conv || !last) return;
      if (!deps.caughtUp(conv)) {
        deferred.set(conv.id, last.messageId);
        return;
      }
      deferred.delete(conv.id);
      await send(conv, last.messageId);
    },
  };
}
export type ChatMarkers = ReturnType<typeof installChatMarkers>;
