// The room stages of the receive pipeline (kernel/pipeline.ts; XEP-0045): `groupchat` takes room
// messages (§7.4) and subjects (§8.1) from the rooms the user is in, and from their own archives only
// (XEP-0313 on the room JID), with @mentions of the user (XEP-0372) and the author's occupant id when the
// room announces them (XEP-0421); `room-private` lets private messages through a room (§7.5) only from
// its occupants; `room-archive-pointer` moves a caught-up room's archive pointer with live messages.
import type { AccountId } from '../../../shared/ids.js';
import type { Element } from '@xmpp/xml';
import { mentions } from '../../../shared/mentions.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/index.js';
import type { Logger } from '../../lib/log.js';
import type { SyncService } from '../sync/index.js';
import { bareOf, parseJid } from '../../xmpp/jid.js';
import { MucStatus, NS_MUC_USER, parseGroupchat } from '../../xmpp/xep/0045-muc.js';
import { parseRetractedTombstone } from '../../xmpp/xep/0424-retraction.js';
import { parseOriginId, parseStanzaId } from '../../xmpp/xep/0359-stable-ids.js';
import { parseDelay } from '../../xmpp/rfc/6121-message.js';
import { parseMentionedJids } from '../../xmpp/xep/0372-references.js';
import type { Room, RoomState } from './state.js';

export interface RoomStagesDeps {
  repo: MessagesRepo;
  chats: ChatService;
  sync: SyncService;
  log: Logger;
}

/** Installs the room stages; `refreshInfo` asks the room again for its name (presence.ts). */
export function installRoomStages(
  deps: RoomStagesDeps,
  state: RoomState,
  refreshInfo: (accountId: AccountId, jid: string) => Promise<void>,
): void {
  const { rooms, key, emit, trustsOccupantIds, caughtUp } = state;

  // Room messages: live ones only for rooms we are in, archived ones only from the archive we asked.
  deps.chats.pipeline.use({
    name: 'groupchat',
    run(ctx) {
      if (ctx.stanza.attrs.type !== 'groupchat') return true;
      const roomJid = bareOf(ctx.stanza.attrs.from);
      const r = roomJid && rooms.get(key(ctx.accountId, roomJid));
      if (!r) return false;
      // An archived room message counts only from that room's own archive.
      if (ctx.source === 'archive' && ctx.archiveJid !== r.jid) return false;
      const occupantIds = trustsOccupantIds(r);
      const g = parseGroupchat(ctx.stanza, { roomJid: r.jid, occupantIdTrusted: occupantIds });
      if (!g) return false;
      ctx.room = { jid: r.jid, occupantIds, ...(r.selfOccupantId ? { selfOccupantId: r.selfOccupantId } : {}) };
      if (g.subject !== undefined) {
        if (ctx.source === 'live') {
          r.subject = g.subject;
          emit(r);
        }
        return false;
      }
      // Messages from the room itself are not chat; a moderation (XEP-0425) is one of them: it passes
      // as a notice for the retraction stage, which accepts only what parseModeration recognises.
      if (!g.nick) {
        // §10.2.1: status 104 tells the occupants the configuration changed — perhaps the room's name.
        if (ctx.source === 'live' && g.statusCodes.includes(MucStatus.ConfigChanged)) void refreshInfo(ctx.accountId, r.jid);
        ctx.notice = true;
        return true;
      }
      // An archived message without a body is kept only as a tombstone (XEP-0424 Tombstones,
      // XEP-0425): the place of a message that was deleted, without its text.
      const tombstone = !g.body && ctx.source === 'archive' && !!parseRetractedTombstone(ctx.stanza);
      if (!g.body && !tombstone) return false;
      const originId = parseOriginId(ctx.stanza);
      const stanzaId = ctx.archiveId ?? parseStanzaId(ctx.stanza, r.jid);
      const delayed = parseDelay(ctx.stanza);
      ctx.msg = {
        kind: 'room',
        // Ours only if it carries the origin-id of a message in our outbox: a nickname can be taken by
        // someone else while we are away.
        // With XEP-0421 the room vouches for the author: our own id means one of our devices wrote it.
        direction:
          (originId && deps.repo.outgoingByOriginId(ctx.accountId, originId)) || (g.occupantId && g.occupantId === r.selfOccupantId)
            ? 'out'
            : 'in',
        peer: r.jid,
        body: g.body ?? '',
        timestamp: Math.min(delayed ?? ctx.forwardedAt ?? Date.now(), Date.now()),
        senderNick: g.nick,
        ...(g.occupantId ? { occupantId: g.occupantId } : {}),
        ...(originId ? { originId } : {}),
        ...(stanzaId ? { stanzaId } : {}),
      };
      if (ctx.msg.direction === 'in' && g.nick !== r.nick && mentionsUser(ctx.stanza, ctx.msg.body, r, ctx.ownBare))
        ctx.msg.mentionsMe = true;
      return true;
    },
  });

  /**
   * @mentions: the user's nickname in this room as a word of the text (case-insensitive), or a
   * XEP-0372 mention reference naming the user's occupant JID (or real JID).
   */
  function mentionsUser(stanza: Element, body: string, r: Room, ownBare: string): boolean {
    if (mentions(body, r.nick)) return true;
    const me = `${r.jid}/${r.nick}`;
    return parseMentionedJids(stanza).some((j) => j === me || bareOf(j) === ownBare);
  }

  // Private messages (XEP-0045 §7.5) come from an occupant's JID, room@service/nick. Live, they count
  // only from someone who is in a room the user is in now; one claiming to come from a room we are
  // not in is dropped, so it can never land in a chat with the room's bare JID (which becomes the
  // room's own conversation once joined). Carbons and archive results are vouched for by our server.
  deps.chats.pipeline.use({
    name: 'room-private',
    run(ctx) {
      const type = ctx.stanza.attrs.type;
      if (ctx.msg || type === 'groupchat' || type === 'error') return true;
      const from = parseJid(ctx.stanza.attrs.from);
      if (!from?.resource || from.bare === ctx.ownBare) return true;
      const r = rooms.get(key(ctx.accountId, from.bare));
      if (!r) return !ctx.stanza.getChild('x', NS_MUC_USER); // a PM from a room we are not in
      if (ctx.source !== 'live') return true;
      if (r.state === 'joined' && r.occupants.has(from.resource)) return true;
      deps.log.warn('dropped a private message from someone not in the room');
      return false;
    },
  });

  // Live messages move the archive pointer of a room whose archive was caught up on this session (state.ts).
  deps.chats.pipeline.use({
    name: 'room-archive-pointer',
    run(ctx) {
      const m = ctx.msg;
      if (ctx.source === 'live' && m?.kind === 'room' && m.stanzaId && caughtUp.has(key(ctx.accountId, m.peer))) {
        deps.sync.advancePointer(ctx.accountId, m.peer, m.stanzaId, m.timestamp);
      }
    },
  });
}
