// Room bookmarks, so that every device of an account is in the same rooms: XEP-0402 PEP Native
// Bookmarks (https://xmpp.org/extensions/xep-0402.html) where the server keeps them in sync with the
// legacy store (it advertises urn:xmpp:bookmarks:1#compat on the account); else XEP-0048 bookmarks in
// PEP (node storage:bookmarks) where the server keeps that node in step with private storage (XEP-0411,
// urn:xmpp:bookmarks-conversion:0, as ejabberd does); else XEP-0048 bookmarks in XEP-0049 private XML
// storage, which notifies nobody. After each new session (not a resume) the bookmarks are fetched and
// merged with the local rooms table: autojoin ones are joined, rooms another device left are dropped.
// Joining a room publishes its bookmark with autojoin and the nickname; leaving keeps the bookmark with
// autojoin off, as Conversations does, and so does being removed by the room (kicked, banned, no longer
// a member, room destroyed), so that no device walks back in at its next sign-in. PEP notifications (we
// announce urn:xmpp:bookmarks:1+notify and storage:bookmarks+notify) make the other devices join and leave live. Passwords in
// bookmarks are used, never stored locally.
import { xml } from '@xmpp/client';
import { requestIq } from '../../xmpp/iq.js';
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../../shared/ids.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { RemovalReason, RoomService, RoomToJoin } from './rooms.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf, parseJid } from '../../xmpp/jid.js';
import { buildDiscoInfo, parseDiscoInfo } from '../../xmpp/xep/0030-disco.js';
import {
  BOOKMARKS_COMPAT_FEATURE,
  buildBookmarkPublish,
  buildBookmarksRequest,
  parseBookmarksEvent,
  parseBookmarksResult,
  type Bookmark,
  type BookmarksEvent,
} from '../../xmpp/xep/0402-bookmarks.js';
import {
  buildLegacyBookmarksPepPublish,
  buildLegacyBookmarksPepRequest,
  buildLegacyBookmarksRequest,
  buildLegacyBookmarksStore,
  parseLegacyBookmarks,
  parseLegacyBookmarksEvent,
  parseLegacyBookmarksPepResult,
  type LegacyBookmarks,
} from '../../xmpp/xep/0048-bookmarks.js';
import { BOOKMARKS_CONVERSION_FEATURE } from '../../xmpp/xep/0411-bookmarks-conversion.js';
import { accountKey } from '../../lib/account-key.js';
import { errorMessage } from '../../lib/error-message.js';

export interface BookmarksDeps {
  rooms: RoomService;
  connections: ConnectionService;
  log: Logger;
  /** The account's bare JID (its local part is the nickname for a bookmark without one). */
  jidOf(accountId: AccountId): string | undefined;
}

/**
 * 'pep': XEP-0402 (with live notifications); 'legacy-pep': the XEP-0048 document in PEP, kept in step with
 * private storage by the server (XEP-0411; live notifications too); 'private': XEP-0048 in XEP-0049 storage.
 */
type Mode = 'pep' | 'legacy-pep' | 'private';

interface AccountBookmarks {
  mode: Mode;
  items: Map<string, Bookmark>;
  /** Our own publications whose PEP notification has not come back yet, oldest first (whole documents in 'legacy-pep'). */
  echoes: string[];
}

/**
 * Removals after which the user is out of the room until they join it again themselves. A service
 * shutting down (332) or a technical error (333) is no decision about the user: autojoin stays.
 */
const OUT_FOR_GOOD: ReadonlySet<RemovalReason> = new Set<RemovalReason>(['kicked', 'banned', 'affiliation', 'members-only', 'destroyed']);

/** What a bookmark says that matters to joining (other clients' extensions aside). */
const essence = (b: Bookmark) => JSON.stringify([b.jid, b.autojoin, b.nick ?? '', b.name ?? '', b.password ?? null]);
/** The same for a whole XEP-0048 document, whatever the order of its entries. */
const documentEssence = (bs: Iterable<Bookmark>) => JSON.stringify([...bs].map(essence).sort());

/**
 * The rooms to join after sign-in: the rooms table (the user's rooms on this device, with the nickname
 * used here) and every autojoin bookmark; a room of the table whose bookmark says autojoin=false was
 * left on another device meanwhile and is dropped. A room without a bookmark stays (its bookmark is
 * published when it is joined).
 */
export function planAutojoin(saved: RoomToJoin[], bookmarks: Bookmark[], defaultNick: string): { join: RoomToJoin[]; drop: string[] } {
  const byJid = new Map(bookmarks.map((b) => [b.jid, b]));
  const join: RoomToJoin[] = [];
  const drop: string[] = [];
  for (const s of saved) {
    const b = byJid.get(s.jid);
    if (b && !b.autojoin) drop.push(s.jid);
    else join.push({ jid: s.jid, nick: s.nick, ...(b?.password ? { password: b.password } : {}) });
  }
  for (const b of bookmarks) {
    if (!b.autojoin || join.some((j) => j.jid === b.jid)) continue;
    join.push({ jid: b.jid, nick: b.nick ?? defaultNick, ...(b.password ? { password: b.password } : {}) });
  }
  return { join, drop };
}

export function createBookmarkService(deps: BookmarksDeps) {
  const state = new Map<AccountId, AccountBookmarks>();
  /** Publications run one after another per account (the legacy store is read, changed, written whole). */
  const chains = new Map<AccountId, Promise<void>>();
  /** Joins started here from a notification, so a second notification does not start another. */
  const joining = new Set<string>();
  /**
   * Rooms left (or removed from) here whose bookmark's autojoin could not be turned off yet (the
   * bookmarks were not read on this session, or the publication failed): applied after the next read,
   * before anything is joined from them.
   */
  const pendingOff = new Map<AccountId, Set<string>>();
  const pendingFor = (accountId: AccountId) => pendingOff.get(accountId) ?? pendingOff.set(accountId, new Set()).get(accountId)!;

  const defaultNick = (accountId: AccountId) => parseJid(deps.jidOf(accountId))?.local || 'me';

  function queue(accountId: AccountId, fn: () => Promise<void>) {
    const run = (chains.get(accountId) ?? Promise.resolve())
      .then(fn)
      .catch((err: Error) => deps.log.info(`bookmark not saved: ${err.message}`));
    chains.set(accountId, run);
    return run;
  }

  /**
   * XEP-0402 §"Determining Support": the account's disco#info lists urn:xmpp:bookmarks:1#compat. Without
   * it, XEP-0411 §"Discovering Support" (urn:xmpp:bookmarks-conversion:0 on the account): the server keeps
   * private storage and the PEP node in step, so PEP it is, which tells the other devices.
   */
  async function mode(client: XmppClient): Promise<Mode> {
    const own = bareOf(client.jid?.toString());
    if (!own) return 'private';
    try {
      const features = parseDiscoInfo(await requestIq(client, buildDiscoInfo(own)), own)?.features ?? [];
      if (features.includes(BOOKMARKS_COMPAT_FEATURE)) return 'pep';
      return features.includes(BOOKMARKS_CONVERSION_FEATURE) ? 'legacy-pep' : 'private';
    } catch {
      return 'private';
    }
  }

  const isItemNotFound = (err: unknown) => (err as { condition?: string })?.condition === 'item-not-found';

  /** All bookmarks; `undefined` when they could not be read (then nothing is dropped on their word). */
  async function fetch(client: XmppClient, how: Mode): Promise<{ items: Bookmark[]; others: Element[] } | undefined> {
    if (how === 'legacy-pep') {
      let doc: LegacyBookmarks | undefined;
      try {
        doc = parseLegacyBookmarksPepResult(await requestIq(client, xml('iq', { type: 'get' }, buildLegacyBookmarksPepRequest())));
      } catch (err) {
        if (!isItemNotFound(err)) throw err;
      }
      if (doc) return { items: doc.bookmarks, others: doc.others };
      // No node yet: the server converts on the next write; until then the list is in private storage.
    }
    try {
      if (how === 'pep') {
        return { items: parseBookmarksResult(await requestIq(client, xml('iq', { type: 'get' }, buildBookmarksRequest()))), others: [] };
      }
      const legacy = parseLegacyBookmarks(await requestIq(client, xml('iq', { type: 'get' }, buildLegacyBookmarksRequest())));
      return legacy ? { items: legacy.bookmarks, others: legacy.others } : undefined;
    } catch (err) {
      // No node yet: the user has no bookmarks.
      if (isItemNotFound(err)) return { items: [], others: [] };
      throw err;
    }
  }

  async function publish(accountId: AccountId, b: Bookmark) {
    const client = deps.connections.client(accountId);
    const s = state.get(accountId);
    if (!client || !s) throw new Error('not signed in');
    if (s.mode === 'pep') {
      const echo = essence(b);
      s.echoes.push(echo);
      try {
        await requestIq(client, xml('iq', { type: 'set' }, buildBookmarkPublish(b)));
      } catch (err) {
        // Not published: no notification will come back for it.
        s.echoes.splice(s.echoes.lastIndexOf(echo), 1);
        throw err;
      }
      return;
    }
    // XEP-0048: one document for all bookmarks — read it again, change this one, write it whole, so
    // that another client's change since our last read is kept (and the <url/> bookmarks too).
    const fresh = await fetch(client, s.mode);
    if (!fresh) throw new Error('the bookmarks could not be read');
    const items = new Map(fresh.items.map((x) => [x.jid, x]));
    items.set(b.jid, b);
    if (s.mode === 'legacy-pep') {
      const echo = documentEssence(items.values());
      s.echoes.push(echo);
      try {
        await requestIq(client, xml('iq', { type: 'set' }, buildLegacyBookmarksPepPublish([...items.values()], fresh.others)));
      } catch (err) {
        s.echoes.splice(s.echoes.lastIndexOf(echo), 1);
        throw err;
      }
    } else {
      await requestIq(client, xml('iq', { type: 'set' }, buildLegacyBookmarksStore([...items.values()], fresh.others)));
    }
    s.items = items;
  }

  /** Keep the bookmark of a room in line with what the user did here. */
  function update(accountId: AccountId, jid: string, change: { autojoin: boolean; nick?: string }) {
    // Until it is written, a "no more autojoin" is remembered (see pendingOff); a join here undoes it.
    if (change.autojoin) pendingOff.get(accountId)?.delete(jid);
    else pendingFor(accountId).add(jid);
    return queue(accountId, async () => {
      const s = state.get(accountId);
      // Not read on this session (yet): the next sign-in merges, nothing is overwritten blindly.
      if (!s) return;
      const cur = s.items.get(jid);
      const done = () => {
        if (!change.autojoin) pendingOff.get(accountId)?.delete(jid);
      };
      // Leaving a room that has no bookmark: there is nothing to turn off.
      if (!cur && !change.autojoin) return done();
      // Keep what others stored (name, password, extensions): XEP-0402 <extensions/> "MUST" survive.
      const next: Bookmark = { ...(cur ?? { jid }), jid, autojoin: change.autojoin };
      const nick = change.nick ?? cur?.nick;
      if (nick) next.nick = nick;
      if (cur && essence(cur) === essence(next)) return done();
      s.items.set(jid, next);
      try {
        await publish(accountId, next);
      } catch (err) {
        // Not written: what we know is what the server still has.
        if (cur) s.items.set(jid, cur);
        else s.items.delete(jid);
        throw err;
      }
      done();
    });
  }

  deps.rooms.onJoined((accountId, jid, nick) => void update(accountId, jid, { autojoin: true, nick }));
  deps.rooms.onLeft((accountId, jid) => void update(accountId, jid, { autojoin: false }));
  deps.rooms.onRemoved((accountId, jid, why) => {
    if (OUT_FOR_GOOD.has(why)) void update(accountId, jid, { autojoin: false });
  });

  /** Another device changed a bookmark: join or leave here too. */
  async function onEvent(accountId: AccountId, ev: BookmarksEvent) {
    const s = state.get(accountId);
    for (const b of ev.published) {
      // The echo of our own publication: already done here.
      if (s && s.echoes[0] === essence(b)) {
        s.echoes.shift();
        continue;
      }
      const before = s?.items.get(b.jid);
      s?.items.set(b.jid, b);
      if (before && essence(before) === essence(b)) continue;
      if (b.autojoin) await joinFromBookmark(accountId, b);
      else if (deps.rooms.isRoom(accountId, b.jid) && deps.rooms.saved(accountId).some((r) => r.jid === b.jid))
        await deps.rooms.leave(accountId, b.jid);
    }
    for (const jid of ev.retracted) {
      s?.items.delete(jid);
      // The bookmark was removed on another device: the user is done with the room.
      if (deps.rooms.saved(accountId).some((r) => r.jid === jid)) await deps.rooms.leave(accountId, jid);
    }
  }

  /**
   * The XEP-0048 document in PEP changed (XEP-0411): what differs from what we know is a change made on
   * another device or by another client (also through private storage); a room no longer listed was
   * removed there.
   */
  function onDocument(accountId: AccountId, doc: LegacyBookmarks) {
    const s = state.get(accountId);
    // Not read on this session yet: the read after sign-in sees this document anyway.
    if (!s || s.mode !== 'legacy-pep') return;
    const echo = s.echoes.indexOf(documentEssence(doc.bookmarks));
    if (echo >= 0) {
      // Our own publication (and any older ones, superseded): already done here.
      s.echoes.splice(0, echo + 1);
      return;
    }
    const listed = new Set(doc.bookmarks.map((b) => b.jid));
    return onEvent(accountId, { published: doc.bookmarks, retracted: [...s.items.keys()].filter((jid) => !listed.has(jid)) });
  }

  async function joinFromBookmark(accountId: AccountId, b: Bookmark) {
    const k = accountKey(accountId, b.jid);
    if (deps.rooms.isJoined(accountId, b.jid) || joining.has(k)) return;
    joining.add(k);
    try {
      const res = await deps.rooms.join(
        accountId,
        b.jid,
        b.nick ?? deps.rooms.nickIn(accountId, b.jid) ?? defaultNick(accountId),
        b.password,
      );
      if (!res.ok) deps.log.info(`could not join ${b.jid} from its bookmark: ${res.error.code}`);
    } finally {
      joining.delete(k);
    }
  }

  return {
    installOn(accountId: AccountId, client: XmppClient) {
      // XEP-0402 §"Bookmark Notifications": pushed to resources that announce +notify. Only our own
      // account may publish to this node (parseBookmarksEvent refuses anything else).
      client.middleware.use((ctx: { stanza: Element }, next: () => Promise<unknown>) => {
        const el = ctx.stanza;
        const own = el.is('message') ? bareOf(client.jid?.toString()) : undefined;
        const ev = own ? parseBookmarksEvent(el, own) : undefined;
        if (ev) void onEvent(accountId, ev).catch((err: Error) => deps.log.warn(`bookmark notification not applied: ${err.message}`));
        const doc = own && !ev ? parseLegacyBookmarksEvent(el, own) : undefined;
        if (doc)
          void Promise.resolve(onDocument(accountId, doc)).catch((err: Error) =>
            deps.log.warn(`bookmark notification not applied: ${err.message}`),
          );
        return next();
      });
    },

    /** After a new session: read the bookmarks, then join the rooms (rooms.onOnline) as they say. */
    async onOnline(accountId: AccountId, client: XmppClient) {
      let plan: { join: RoomToJoin[]; drop: string[] } | undefined;
      state.delete(accountId);
      try {
        const how = await mode(client);
        const got = await fetch(client, how);
        if (got) {
          state.set(accountId, { mode: how, items: new Map(got.items.map((b) => [b.jid, b])), echoes: [] });
          // What this device could not write yet comes first: those rooms are not joined, and their
          // bookmarks are written now.
          const off = [...(pendingOff.get(accountId) ?? [])];
          for (const jid of off) void update(accountId, jid, { autojoin: false });
          const items = got.items.map((b) => (off.includes(b.jid) ? { ...b, autojoin: false } : b));
          // A room the user joined while they were being read found nothing to write to: write it now
          // (rooms.onOnline leaves such a room as it is instead of joining it again).
          for (const s of deps.rooms.saved(accountId)) {
            if (deps.rooms.isJoined(accountId, s.jid) && !items.some((b) => b.jid === s.jid && b.autojoin))
              void update(accountId, s.jid, { autojoin: true, nick: s.nick });
          }
          plan = planAutojoin(deps.rooms.saved(accountId), items, defaultNick(accountId));
        }
      } catch (err) {
        deps.log.info(`bookmarks not read: ${errorMessage(err)}`);
      }
      await deps.rooms.onOnline(accountId, plan);
    },

    /** The bookmarks as last read or written (for tests and diagnostics). */
    known: (accountId: AccountId): Bookmark[] => [...(state.get(accountId)?.items.values() ?? [])],
  };
}
export type BookmarkService = ReturnType<typeof createBookmarkService>;
