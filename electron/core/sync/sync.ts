// Archive sync (XEP-0313 with RSM): after every new session — not after a resume, which loses
// nothing — catch up from the last archive id stored, one transaction and one UI event per page, then
// say "synced". Older history is fetched page by page when the user scrolls up. Archive results are
// accepted only for a query Vireo has open, from the archive that query went to (§8.2).
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId } from '../../../shared/ids.js';
import type { ConnectionStateView, SyncStateView } from '../../../shared/views.js';
import type { ArchiveSyncRepo } from '../../store/archive-sync-repo.js';
import { conversationIdOf, type MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService, IncomingCtx } from '../messages/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import { buildMamQuery, NS_MAM, parseMamFin, parseMamResult, type MamQuery, type MamResult } from '../../xmpp/xep/0313-mam.js';
import { buildEnableCarbons } from '../../xmpp/xep/0280-carbons.js';
import { keysBefore, keysInArchiveOrder, type Placed } from './archive-order.js';
import { errorMessage } from '../../lib/error-message.js';
import { requestIq } from '../../xmpp/iq.js';
import { buildDiscoInfo, parseDiscoInfo } from '../../xmpp/xep/0030-disco.js';
import { NS_SID } from '../../xmpp/xep/0359-stable-ids.js';

export const PAGE_SIZE = 250;

export interface SyncDeps {
  /** Where catch-up of each archive stands. */
  positions: ArchiveSyncRepo;
  repo: MessagesRepo;
  chats: ChatService;
  events: EventBus;
  log: Logger;
  pageSize?: number;
  /** Whether a room offers an archive (XEP-0313 in its disco#info); undefined while not known. */
  roomArchived?: (accountId: AccountId, roomJid: string) => boolean | undefined;
  /** Whether a room's history was caught up since it was last joined. */
  roomCaughtUp?: (accountId: AccountId, roomJid: string) => boolean;
}

/** Older history of one conversation: what was stored, and whether anything older can be fetched. */
export interface OlderResult {
  fetched: number;
  complete: boolean;
  noServerHistory?: true;
}

/**
 * Where each result goes: its stamp, and its place if we already have it (see archive-order.ts): by its
 * archive id (seen live), our own message by its origin-id, and a message from the other side by the
 * origin-id its sender gave it (XEP-0359), which is how the store stage knows it for a copy. The
 * archive can hold two copies of one message (a sender that never saw the server's acknowledgement sends
 * it again, and the copy gets a new archive id); when we have the later copy, the earlier one must be
 * known too, or what follows it in the archive is placed before the message we have (seen as 0, 2, 1).
 */
export function placeResults(
  repo: Pick<MessagesRepo, 'sortKeyOfArchiveId' | 'sortKeyOfOwnOriginId' | 'sortKeyOfTheirOriginId'>,
  accountId: AccountId,
  results: readonly MamResult[],
): Placed[] {
  return results.map((r) => {
    const originId = r.forwarded.getChild('origin-id', NS_SID)?.attrs.id as string | undefined;
    const from = bareOf(r.forwarded.attrs.from as string | undefined);
    const known =
      repo.sortKeyOfArchiveId(accountId, r.archiveId) ??
      (originId ? repo.sortKeyOfOwnOriginId(accountId, originId) : undefined) ??
      (originId && from ? repo.sortKeyOfTheirOriginId(conversationIdOf(accountId, from), originId) : undefined);
    return { ...(r.delayedAt !== undefined ? { stamp: r.delayedAt } : {}), ...(known !== undefined ? { known } : {}) };
  });
}

export function createSyncService(deps: SyncDeps) {
  const open = new Map<string, { archiveJid: string; results: MamResult[] }>();
  /** Accounts whose archive has been caught up in the current session. */
  const synced = new Set<AccountId>();
  /** Whether each account's server keeps an archive (learned once per session). */
  const archives = new Map<AccountId, boolean>();
  const pageSize = deps.pageSize ?? PAGE_SIZE;

  const getPointer = (accountId: string, archiveJid: string) => deps.positions.position(accountId, archiveJid);
  const setPointer = (accountId: string, archiveJid: string, lastId: string, lastAt: number | undefined) =>
    deps.positions.setLast(accountId, archiveJid, lastId, lastAt);
  const setSynced = (accountId: string, archiveJid: string) => deps.positions.setSynced(accountId, archiveJid, Date.now());

  // Live messages carrying our server's stanza-id move the pointer forward once we know there is no
  // gap before them (after this session's catch-up), so the next catch-up starts from there.
  deps.chats.pipeline.use({
    name: 'archive-pointer',
    run(ctx) {
      if (ctx.source !== 'archive' && ctx.msg?.stanzaId && ctx.msg.kind !== 'room' && synced.has(ctx.accountId)) {
        setPointer(ctx.accountId, ctx.ownBare, ctx.msg.stanzaId, ctx.msg.timestamp);
      }
    },
  });

  function installOn(accountId: AccountId, client: XmppClient) {
    // A new session (also after a refused resume) may follow a gap: until this session's catch-up
    // is done, live messages must not move the pointer past it.
    client.on('online', () => synced.delete(accountId));
    client.middleware.use((ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      const el = ctx.stanza;
      const result = el.is('message') ? el.getChild('result', NS_MAM) : undefined;
      if (!result) return next();
      const query = open.get(result.attrs.queryid as string);
      const parsed = query && parseMamResult(el, { queryId: result.attrs.queryid as string, archiveJid: query.archiveJid });
      if (!query || !parsed) {
        deps.log.warn('dropped an archive result that answers no query of ours or comes from the wrong archive');
        return undefined;
      }
      query.results.push(parsed);
      return undefined;
    });
  }

  /** One page: the results and the <fin/>. Throws the stanza error (e.g. item-not-found) as is. */
  async function queryPage(client: XmppClient, archiveJid: string, q: Omit<MamQuery, 'queryId'>) {
    const queryId = randomUUID();
    const own = bareOf(client.jid?.toString());
    const entry = { archiveJid, results: [] as MamResult[] };
    open.set(queryId, entry);
    try {
      const iq = await requestIq(
        client,
        xml('iq', { type: 'set', ...(archiveJid !== own ? { to: archiveJid } : {}) }, buildMamQuery({ ...q, queryId })),
        {
          timeoutMs: 60_000,
        },
      );
      // Only the archive's own <fin complete='true'/> says there is nothing more (§4.3.2); an answer
      // without <fin/> is not taken as that.
      return { results: entry.results, fin: parseMamFin(iq) ?? { complete: false, stable: false } };
    } finally {
      open.delete(queryId);
    }
  }

  const toCtx = (
    accountId: AccountId,
    ownBare: string,
    r: MamResult,
    countUnread: boolean,
    sortKey: number,
    archiveJid = ownBare,
  ): IncomingCtx => ({
    accountId,
    ownBare,
    source: 'archive',
    stanza: r.forwarded,
    archiveId: r.archiveId,
    archiveJid,
    ...(r.delayedAt !== undefined ? { forwardedAt: r.delayedAt } : {}),
    countUnread,
    sortKey,
  });

  const placed = (accountId: AccountId, results: MamResult[]): Placed[] => placeResults(deps.repo, accountId, results);

  const lastState = new Map<AccountId, SyncStateView>();
  // Catch-up runs while a new session is set up, before the connection reports 'online'; the end of it
  // ('synced' or 'failed') is held back until then, so that no account is ever shown synced while not
  // yet online. What the connection said last, per account, and the end of a catch-up held back.
  const connection = new Map<AccountId, ConnectionStateView['status']>();
  const heldBack = new Map<AccountId, SyncStateView>();
  deps.events.on('connection:state', ({ accountId, status }) => {
    connection.set(accountId, status);
    const held = heldBack.get(accountId);
    if (status === 'online' && held) {
      heldBack.delete(accountId);
      // After every listener has heard 'online' (this one may have been subscribed before them).
      queueMicrotask(() => publish(held));
    } else if (status !== 'online' && status !== 'connecting') heldBack.delete(accountId); // that session is gone
  });
  const publish = (state: SyncStateView) => {
    lastState.set(state.accountId, state);
    deps.events.emit('sync:state', state);
  };
  const emit = (accountId: AccountId, phase: 'catching-up' | 'synced' | 'failed', fetched: number, detail?: string) => {
    const state: SyncStateView = { accountId, phase, fetched, ...(detail ? { detail } : {}) };
    if (phase !== 'catching-up' && connection.get(accountId) !== 'online') heldBack.set(accountId, state);
    else publish(state);
  };

  /**
   * Page forward from `from` until the archive says it is complete; returns how many were fetched.
   * The next page is requested as soon as this one has arrived, so the server works on it while
   * this one is stored: catch-up takes about as long as paging the archive alone.
   */
  async function pageForward(
    accountId: AccountId,
    client: XmppClient,
    archiveJid: string,
    from: { after?: string; start?: number },
    prevKey: number,
  ): Promise<number> {
    const own = bareOf(client.jid?.toString()) ?? '';
    let fetched = 0;
    let pending = queryPage(client, archiveJid, { ...from, max: pageSize });
    for (;;) {
      const page = await pending;
      const last = page.results.at(-1);
      const more = !page.fin.complete && page.results.length > 0;
      if (more) {
        pending = queryPage(client, archiveJid, { after: last!.archiveId, max: pageSize });
        pending.catch(() => {}); // observed below, or abandoned if storing this page fails
      }
      const keys = keysInArchiveOrder(placed(accountId, page.results), prevKey);
      prevKey = Math.max(prevKey, ...keys);
      await deps.chats.ingest(page.results.map((r, i) => toCtx(accountId, own, r, true, keys[i]!, archiveJid)));
      fetched += page.results.length;
      if (last) setPointer(accountId, archiveJid, last.archiveId, last.delayedAt);
      if (archiveJid === own) emit(accountId, 'catching-up', fetched);
      if (!more) return fetched;
    }
  }

  /** Catch up the user's own archive after a new session. */
  async function catchUp(accountId: AccountId, client: XmppClient): Promise<void> {
    const own = bareOf(client.jid?.toString());
    if (!own) return;
    synced.delete(accountId);
    let fetched = 0;
    emit(accountId, 'catching-up', 0);
    try {
      const pointer = getPointer(accountId, own);
      if (!pointer?.lastId && pointer?.syncedAt) {
        // Synced before while the archive was empty: everything since then (a minute of margin for
        // clocks; what we already have is recognised and skipped).
        fetched = await pageForward(accountId, client, own, { start: pointer.syncedAt - 60_000 }, -Infinity);
      } else if (!pointer?.lastId) {
        // A new device: only the latest page now; older pages when the user scrolls up.
        const { results } = await queryPage(client, own, { before: true, max: pageSize });
        const keys = keysInArchiveOrder(placed(accountId, results), -Infinity);
        await deps.chats.ingest(results.map((r, i) => toCtx(accountId, own, r, false, keys[i]!)));
        const last = results.at(-1);
        if (last) setPointer(accountId, own, last.archiveId, last.delayedAt);
        fetched = results.length;
      } else {
        const prevKey = deps.repo.sortKeyOfArchiveId(accountId, pointer.lastId) ?? pointer.lastAt ?? -Infinity;
        try {
          fetched = await pageForward(accountId, client, own, { after: pointer.lastId }, prevKey);
        } catch (err) {
          // The id we stored is gone from the archive (expired or archive reset): continue by time.
          if ((err as { condition?: string }).condition !== 'item-not-found' || pointer.lastAt === undefined) throw err;
          fetched = await pageForward(accountId, client, own, { start: pointer.lastAt }, prevKey);
        }
      }
      setSynced(accountId, own);
      synced.add(accountId);
      emit(accountId, 'synced', fetched);
    } catch (err) {
      deps.log.warn(`archive catch-up failed: ${errorMessage(err)}`);
      emit(accountId, 'failed', fetched, errorMessage(err));
    }
  }

  /** What the user's own account offers (XEP-0030 on the bare JID, where Prosody announces MAM). */
  async function accountFeatures(client: XmppClient): Promise<Set<string>> {
    const own = bareOf(client.jid?.toString());
    try {
      // Without a bound JID there is no session to ask on.
      return new Set(own ? parseDiscoInfo(await requestIq(client, buildDiscoInfo(own)), own)?.features : []);
    } catch {
      return new Set();
    }
  }

  /**
   * A room's history (XEP-0313 on the room's JID, XEP-0045 §7.2.15 says to ask the archive rather than
   * the join history): from where we stopped, or the latest page for a room new to this device.
   * Results are accepted only from that room's archive, for our query.
   */
  async function catchUpRoom(accountId: AccountId, client: XmppClient, roomJid: string): Promise<number> {
    const own = bareOf(client.jid?.toString()) ?? '';
    const pointer = getPointer(accountId, roomJid);
    if (pointer?.lastId) {
      const prevKey = deps.repo.sortKeyOfArchiveId(accountId, pointer.lastId) ?? pointer.lastAt ?? -Infinity;
      try {
        return await pageForward(accountId, client, roomJid, { after: pointer.lastId }, prevKey);
      } catch (err) {
        // Rooms expire their archives (a week by default on Prosody): continue from the latest page.
        if ((err as { condition?: string }).condition !== 'item-not-found') throw err;
      }
    }
    const { results } = await queryPage(client, roomJid, { before: true, max: pageSize });
    const keys = keysInArchiveOrder(placed(accountId, results), -Infinity);
    await deps.chats.ingest(results.map((r, i) => toCtx(accountId, own, r, false, keys[i]!, roomJid)));
    const last = results.at(-1);
    if (last) setPointer(accountId, roomJid, last.archiveId, last.delayedAt);
    return results.length;
  }

  /**
   * New session, before presence is sent (offline messages flow right after it): enable carbons so
   * nothing falls between, and learn whether the server's stanza-ids can be trusted.
   */
  async function beforePresence(accountId: AccountId, client: XmppClient) {
    try {
      await requestIq(client, xml('iq', { type: 'set' }, buildEnableCarbons()));
    } catch (err) {
      deps.log.info(`carbons not enabled: ${errorMessage(err)}`);
    }
    const features = await accountFeatures(client);
    archives.set(accountId, features.has(NS_MAM));
    deps.chats.setTrustStanzaIds(accountId, features.has(NS_MAM) || features.has(NS_SID));
  }

  /** New session, after presence: catch up from the archive. */
  async function afterPresence(accountId: AccountId, client: XmppClient) {
    if (!archives.get(accountId)) {
      synced.add(accountId);
      emit(accountId, 'synced', 0, 'This server keeps no message archive: messages received while offline come from its offline storage.');
      return;
    }
    await catchUp(accountId, client);
  }

  /**
   * Older messages of one conversation from the archive, before the oldest one we have: a chat from the
   * user's own archive (`with` the peer), a room from the room's own archive (XEP-0045 §7.2.15 points to
   * XEP-0313; results accepted only from that room). Marks the conversation complete only when that
   * archive says so.
   */
  async function fetchOlder(
    accountId: AccountId,
    client: XmppClient,
    conv: { id: string; peer: string; kind: 'chat' | 'room' },
    max: number,
  ): Promise<OlderResult> {
    const own = bareOf(client.jid?.toString());
    if (!own || deps.repo.isArchiveComplete(conv.id)) return { fetched: 0, complete: true };
    const room = conv.kind === 'room';
    const noHistory = { fetched: 0, complete: true, noServerHistory: true } as const;
    if (room && deps.roomArchived?.(accountId, conv.peer) === false) return noHistory;
    if (!room && archives.get(accountId) === false) return { fetched: 0, complete: true };
    const archiveJid = room ? conv.peer : own;
    const oldest = deps.repo.oldestArchived(conv.id);
    // Nothing from the archive here yet, and its catch-up is still running: that brings the newest
    // page; older ones are asked for after it (asking now would fetch that same page twice).
    if (!oldest && (room ? deps.roomCaughtUp?.(accountId, conv.peer) === false : !synced.has(accountId)))
      return { fetched: 0, complete: false };
    let page: Awaited<ReturnType<typeof queryPage>>;
    try {
      page = await queryPage(client, archiveJid, { ...(room ? {} : { with: conv.peer }), before: oldest?.stanzaId ?? true, max });
    } catch (err) {
      // A room that keeps no archive says so with one of these (RFC 6120 §8.3.3); anything else (a
      // timeout, a lost connection) may work later.
      const condition = (err as { condition?: string }).condition;
      if (room && (condition === 'feature-not-implemented' || condition === 'service-unavailable')) return noHistory;
      throw err;
    }
    const { results, fin } = page;
    const spots = placed(accountId, results);
    const keys = oldest ? keysBefore(spots, oldest.sortKey) : keysInArchiveOrder(spots, -Infinity);
    const done = await deps.chats.ingest(results.map((r, i) => toCtx(accountId, own, r, false, keys[i]!, archiveJid)));
    if (fin.complete) deps.repo.setArchiveComplete(conv.id);
    return { fetched: done.length, complete: fin.complete };
  }

  return {
    installOn,
    state: (accountId: AccountId) => lastState.get(accountId),
    catchUpRoom,
    /** A live message with an archive id, stored with no gap before it: later catch-ups start there. */
    advancePointer: (accountId: AccountId, archiveJid: string, id: string, at: number) => setPointer(accountId, archiveJid, id, at),
    beforePresence,
    afterPresence,
    catchUp,
    fetchOlder,
    onOffline: (accountId: AccountId) => void synced.delete(accountId),
    isSynced: (accountId: AccountId) => synced.has(accountId),
  };
}
export type SyncService = ReturnType<typeof createSyncService>;
