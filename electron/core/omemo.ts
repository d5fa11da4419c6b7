// OMEMO for one-to-one chats (XEP-0384 v0.3, eu.siacs.conversations.axolotl) as a service: this
// device's keys, publishing them, everyone's device lists, trust, and the two places where messages
// are encrypted and decrypted. The crypto and the wire format are electron/omemo/; the message
// stages are ./omemo-messages.ts. Rules it keeps (DESIGN.md):
// - private keys are sealed under a key held in the SecretStore; nothing secret leaves main;
// - a chat that is encrypted never falls back to plain text silently (the outbox waits or fails in words);
// - a decrypted message and the ratchet step that decrypted it are stored in one transaction;
// - a prekey used by an incoming message stays until archive catch-up has finished.
// Trust is "blind trust before verification" (BTBV, as Conversations): a contact's new device is
// trusted until the user verifies one of that contact's devices; from then on new devices wait
// for the user's decision and are not encrypted for.
// When this device's OMEMO does not work (no safe place for its keys, keys the server would not
// take), the user is told up front, in words: 'omemo:status', and in every chat's lock.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import type { AccountId, BareJid } from '../../shared/ids.js';
import { fail, ok, type Result } from '../../shared/errors.js';
import type { ChatEncryptionView, DeviceTrust, OmemoDeviceView, OmemoOwnView, OmemoStatusView } from '../../shared/views.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { ConversationRecord, MessagesRepo } from '../store/messages-repo.js';
import type { XmppClient } from '../xmpp/client.js';
import { bareOf } from '../xmpp/jid.js';
import type { ConnectionService } from './connections.js';
import type { ChatEncryption, ChatService } from './chats.js';
import type { EventBus } from './events.js';
import type { Logger } from './log.js';
import { migrateOmemo } from '../omemo/migrations/index.js';
import { createOmemoStore, type OmemoStore } from '../omemo/signal-store.js';
import { ensureOwnKeys, replenishPreKeys, rotateSignedPreKey } from '../omemo/keys.js';
import { createOmemoDevice, type OmemoDevice } from '../omemo/legacy/device.js';
import { createDeviceLists } from '../omemo/device-lists.js';
import { createHeartbeats } from '../omemo/heartbeats.js';
import { fingerprintHex } from '../omemo/fingerprint.js';
import { buildConfigureNode, buildFetchItems, NS_PUBSUB_EVENT } from '../omemo/pep.js';
import {
  bundleNode, buildBundlePublish, buildDeviceListPublish, NODE_DEVICELIST, parseBundleStanza, parseDeviceListStanza,
} from '../omemo/legacy/wire.js';
import { installOmemoMessages } from './omemo-messages.js';

export interface OmemoDeps {
  db: Database.Database;
  repo: MessagesRepo;
  chats: ChatService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** The account's bare JID. */
  jidOf(accountId: AccountId): string | undefined;
  /** Where the account keeps its secrets (the OMEMO storage key lives beside the password). */
  secretsOf(accountId: AccountId): SecretStore | undefined;
}

/** This account's own device, once its keys are open. */
export interface OwnDevice {
  accountId: AccountId;
  jid: string;
  deviceId: number;
  /** Hex of our identity key, as other clients show it. */
  fingerprint: string;
  store: OmemoStore;
  device: OmemoDevice;
}

const storageKeyName = (jid: string) => `omemo-storage-key:${jid}`;
const IQ_TIMEOUT = 15_000;
/** How long sending a message may wait to learn whether an unknown contact has OMEMO. */
const SEND_LOOKUP_MS = 3_000;

/** Why a device list or bundle could not be read: the server said so (permanent) or we could not ask (try later). */
class Unreachable extends Error {}

/** After a failed publish, tried again while online: after 1 min, then twice as long each time, up to this. */
const REPUBLISH_FIRST_MS = 60_000;
const REPUBLISH_MAX_MS = 30 * 60_000;

const NO_KEY_STORE =
  'Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';
const KEYS_FAILED = (why: string) =>
  `Encryption does not work on this device: its encryption keys could not be prepared (${why}). Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.`;
const UNPUBLISHED = (why: string) =>
  `Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys (${why}). Vireo keeps trying while you are signed in.`;

export function createOmemoService(deps: OmemoDeps) {
  migrateOmemo(deps.db);
  const lists = createDeviceLists(deps.db);
  const heartbeats = createHeartbeats(deps.db);
  const opened = new Map<AccountId, Promise<OwnDevice | undefined>>();
  /** The same, once open (synchronous look-ups while building a conversation view). */
  const loaded = new Map<AccountId, OwnDevice>();
  /**
   * When each device list was last read (fetched or pushed). PEP pushes keep contacts' lists current
   * while we are online; a list is asked for again only when it is older than this, or when the user
   * looks at the devices. Reconnecting does not expire them: a message waiting in the outbox is
   * encrypted at once instead of waiting on a look-up during the resume.
   */
  const fresh = new Map<string, number>();
  const FRESH_MS = 10 * 60_000;
  /**
   * Devices whose bundle could not be used (missing, malformed), and when: not asked again for a while,
   * unless their owner publishes a new device list or the user looks at their devices.
   */
  const broken = new Map<string, number>();
  const BROKEN_RETRY_MS = 10 * 60_000;
  const k = (accountId: string, jid: string, deviceId?: number) => (deviceId === undefined ? `${accountId}|${jid}` : `${accountId}|${jid}|${deviceId}`);

  // ---- one lock per account: decrypting and encrypting both move the same ratchets ----
  const chains = new Map<AccountId, Promise<unknown>>();
  function exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T> {
    const run = (chains.get(accountId) ?? Promise.resolve()).then(fn, fn);
    chains.set(accountId, run.catch(() => {}));
    return run;
  }

  // ---- whether this device works, for the user ----
  const status = new Map<AccountId, OmemoStatusView>();
  function setStatus(accountId: AccountId, state: OmemoStatusView['state'], problem?: string) {
    const before = status.get(accountId);
    if (before?.state === state && before.problem === problem) return;
    const view: OmemoStatusView = { accountId, state, ...(problem ? { problem } : {}) };
    status.set(accountId, view);
    deps.events.emit('omemo:status', view);
    if (before?.problem === problem) return;
    // Every one-to-one chat's lock says it (ChatEncryptionView.notReady); this changes rarely.
    try {
      for (const c of deps.repo.conversations()) {
        if (c.accountId === accountId && c.kind === 'chat' && !c.peer.includes('/')) deps.chats.emitConversation(c.id);
      }
    } catch (err) {
      // Shutting down (the database is closed): there is no window left to tell.
      deps.log.info(`chats not told about the OMEMO state: ${(err as Error).message}`);
    }
  }

  // ---- this device ----
  async function openDevice(accountId: AccountId): Promise<OwnDevice | undefined> {
    const jid = deps.jidOf(accountId);
    const secrets = deps.secretsOf(accountId);
    if (!jid || !secrets) {
      deps.log.warn('OMEMO is unavailable: no place to keep its storage key for this account');
      if (jid) setStatus(accountId, 'unavailable', NO_KEY_STORE);
      return undefined;
    }
    let encoded = await secrets.get(storageKeyName(jid));
    if (!encoded) {
      // Keys without their storage key cannot be opened again (a password kept in memory only, a
      // wiped keychain): this device starts over as a new one, which is what peers expect.
      if (lists.hasOwnDevice(accountId)) deps.log.warn('the OMEMO storage key is gone: starting a new OMEMO device for this account');
      lists.forgetAccount(accountId);
      encoded = randomBytes(32).toString('base64');
      await secrets.set(storageKeyName(jid), encoded);
    }
    const encryptionKey = Buffer.from(encoded, 'base64');
    let store = createOmemoStore(deps.db, { encryptionKey, accountId });
    try {
      store.hasIdentity();
    } catch (err) {
      deps.log.warn(`the OMEMO keys cannot be opened (${(err as Error).message}): starting a new OMEMO device`);
      lists.forgetAccount(accountId);
      store = createOmemoStore(deps.db, { encryptionKey, accountId });
    }
    await ensureOwnKeys(store);
    await rotateSignedPreKey(store);
    const deviceId = lists.ownDeviceId(accountId);
    const fingerprint = fingerprintHex(new Uint8Array((await store.getIdentityKeyPair())!.pubKey));
    return { accountId, jid, deviceId, fingerprint, store, device: createOmemoDevice({ store, deviceId }) };
  }

  function own(accountId: AccountId): Promise<OwnDevice | undefined> {
    let p = opened.get(accountId);
    if (!p) {
      p = openDevice(accountId).then(
        (d) => {
          if (d) {
            loaded.set(accountId, d);
            if (!status.has(accountId) || status.get(accountId)!.state === 'unavailable') setStatus(accountId, 'ready');
          }
          return d;
        },
        (err: Error) => {
          deps.log.error('OMEMO keys could not be prepared', err);
          opened.delete(accountId);
          setStatus(accountId, 'unavailable', KEYS_FAILED(err.message));
          return undefined;
        },
      );
      opened.set(accountId, p);
    }
    return p;
  }

  // ---- PEP: publishing ours, reading theirs ----
  async function iq(client: XmppClient, type: 'get' | 'set', to: string | undefined, payload: Element): Promise<Element> {
    return client.iqCaller.request(xml('iq', to ? { type, to } : { type }, payload), IQ_TIMEOUT);
  }
  const conditionOf = (err: unknown) => (err as { condition?: string })?.condition;
  const isStanzaError = (err: unknown) => (err as Error)?.name === 'StanzaError';

  /**
   * Publish with publish-options access_model=open; when the node exists with another model the server
   * answers conflict / precondition-not-met (XEP-0060 §7.1.5): reconfigure it as its owner (§8.2) and
   * publish again, once (shared/peers/omemo-python README: strangers must be able to read our keys).
   */
  async function publishOpen(client: XmppClient, node: string, publish: Element) {
    try {
      await iq(client, 'set', undefined, publish);
    } catch (err) {
      const app = (err as { application?: Element }).application;
      if (conditionOf(err) !== 'conflict' && app?.name !== 'precondition-not-met') throw err;
      await iq(client, 'set', undefined, buildConfigureNode(node, 'open'));
      await iq(client, 'set', undefined, publish);
    }
  }

  async function publishBundle(d: OwnDevice, client: XmppClient) {
    await publishOpen(client, bundleNode(d.deviceId), buildBundlePublish(d.deviceId, await d.device.buildBundle()));
  }

  /** Our id must stay in our own list (another client may publish a list without it). */
  async function ensureListed(d: OwnDevice, client: XmppClient, ids: readonly number[]) {
    if (ids.includes(d.deviceId)) return;
    await publishOpen(client, NODE_DEVICELIST, buildDeviceListPublish([...ids, d.deviceId]));
    setList(d.accountId, d.jid, [...ids, d.deviceId]);
  }

  function setList(accountId: AccountId, jid: string, ids: readonly number[]) {
    fresh.set(k(accountId, jid), Date.now());
    for (const id of ids) broken.delete(k(accountId, jid, id));
    if (lists.replace(accountId, jid, ids)) {
      emitDevices(accountId, jid);
      if (jid !== deps.jidOf(accountId)) emitConversation(accountId, jid);
    }
  }

  /** The JID's published device ids: this session's copy, else asked; throws Unreachable when we cannot ask. */
  async function deviceIds(accountId: AccountId, jid: string, refresh = false): Promise<number[]> {
    const readAt = fresh.get(k(accountId, jid));
    if (!refresh && readAt !== undefined && Date.now() - readAt < FRESH_MS) return lists.activeIds(accountId, jid);
    const client = deps.connections.client(accountId);
    if (!client) throw new Unreachable('not connected');
    try {
      const res = await iq(client, 'get', jid, buildFetchItems(NODE_DEVICELIST));
      setList(accountId, jid, parseDeviceListStanza(res) ?? []);
    } catch (err) {
      // item-not-found: no OMEMO. forbidden etc.: keys not readable for us, which is the same for sending.
      if (!isStanzaError(err)) throw new Unreachable((err as Error).message);
      deps.log.info(`device list of a contact not readable: ${conditionOf(err)}`);
      setList(accountId, jid, []);
    }
    return lists.activeIds(accountId, jid);
  }

  /**
   * Sessions with these devices, built from their bundles where missing (or anew: `rebuild`, to repair
   * a broken session). Devices whose bundle fails are skipped this session.
   */
  async function ensureSessions(d: OwnDevice, jid: string, ids: readonly number[], rebuild = false) {
    const client = deps.connections.client(d.accountId);
    for (const id of ids) {
      const failedAt = broken.get(k(d.accountId, jid, id));
      if ((!rebuild && d.device.hasSession(jid, id)) || (failedAt !== undefined && Date.now() - failedAt < BROKEN_RETRY_MS)) continue;
      if (!client) throw new Unreachable('not connected');
      let res: Element;
      try {
        res = await iq(client, 'get', jid, buildFetchItems(bundleNode(id), 1));
      } catch (err) {
        if (!isStanzaError(err)) throw new Unreachable((err as Error).message);
        broken.set(k(d.accountId, jid, id), Date.now());
        continue;
      }
      const bundle = parseBundleStanza(res, id);
      const r = bundle ? await exclusive(d.accountId, () => d.device.processBundle(jid, id, bundle)) : undefined;
      if (!r?.ok) {
        deps.log.warn(`unusable OMEMO bundle of a device: ${r ? r.message : 'missing or malformed'}`);
        broken.set(k(d.accountId, jid, id), Date.now());
        continue;
      }
      blindTrust(d, jid, id);
    }
  }

  /** BTBV: an undecided device is trusted unless one of the owner's devices is verified. Returns its trust now. */
  function blindTrust(d: OwnDevice, jid: string, deviceId: number): DeviceTrust {
    const identity = d.store.getIdentity(jid, deviceId);
    if (!identity) return 'undecided';
    if (identity.trust !== 'undecided') return identity.trust;
    if (d.store.listIdentities(jid).some((i) => i.trust === 'verified')) return 'undecided';
    d.store.setTrust(jid, deviceId, 'trusted');
    emitDevices(d.accountId, jid);
    return 'trusted';
  }

  // ---- what the user sees ----
  function devicesOf(d: OwnDevice | undefined, accountId: AccountId, jid: string): OmemoDeviceView[] {
    const listed = new Map(lists.devices(accountId, jid).map((x) => [x.deviceId, x.active]));
    const identities = new Map((d?.store.listIdentities(jid) ?? []).map((i) => [i.deviceId, i]));
    const ids = [...new Set([...listed.keys(), ...identities.keys()])].sort((a, b) => a - b);
    return ids.map((id) => {
      const i = identities.get(id);
      const own = jid === d?.jid && id === d.deviceId;
      return {
        accountId, jid: jid as BareJid, deviceId: id,
        ...(i ? { fingerprint: fingerprintHex(i.identityKey) } : own && d ? { fingerprint: d.fingerprint } : {}),
        trust: own ? 'verified' : i?.trust ?? 'undecided',
        active: listed.get(id) ?? false,
        own,
      };
    });
  }

  function emitDevices(accountId: AccountId, jid: string) {
    void own(accountId).then((d) => deps.events.emit('omemo:devices', { accountId, jid: jid as BareJid, devices: devicesOf(d, accountId, jid) }));
  }
  function emitConversation(accountId: AccountId, jid: string) {
    if (deps.repo.conversation(`${accountId}|${jid}`)) deps.chats.emitConversation(`${accountId}|${jid}`);
  }

  function chatView(conv: ConversationRecord): ChatEncryptionView {
    // The first chat shown opens the keys, so a device that cannot work says so before anything is sent.
    if (!opened.has(conv.accountId) && !status.has(conv.accountId)) void own(conv.accountId);
    const known = lists.seenAt(conv.accountId, conv.peer) !== undefined;
    const available = lists.activeIds(conv.accountId, conv.peer).length > 0;
    const mode = conv.encryption ?? (available || !known ? 'omemo' : 'plain');
    const notReady = status.get(conv.accountId)?.problem;
    // This device's own trouble comes first in an encrypted chat: it is what stops it working.
    const warning = (mode === 'omemo' ? notReady : undefined) ?? peerWarning(conv, mode, known, available);
    return { mode, available, ...(warning ? { warning } : {}), ...(notReady ? { notReady } : {}) };
  }

  function peerWarning(conv: ConversationRecord, mode: 'omemo' | 'plain', known: boolean, available: boolean): string | undefined {
    if (mode !== 'omemo') return undefined;
    if (known && !available) {
      return `${conv.peer} has no app that can receive encrypted messages. Messages will wait until you turn encryption off for this chat.`;
    }
    if (!available) return undefined;
    const active = devicesOf(loaded.get(conv.accountId), conv.accountId, conv.peer).filter((x) => x.active);
    if (active.some((x) => x.trust === 'undecided' && x.fingerprint)) {
      return `${conv.peer} has a device you have not verified. It will not receive your messages until you verify or trust it.`;
    }
    if (active.length > 0 && active.every((x) => x.trust === 'distrusted')) {
      return `You distrusted every device of ${conv.peer}: encrypted messages cannot reach them.`;
    }
    return undefined;
  }

  const messages = installOmemoMessages({
    chats: deps.chats, repo: deps.repo, connections: deps.connections, log: deps.log, heartbeats, own, exclusive, deviceIds, ensureSessions, blindTrust,
    // Per incoming plain message: only what decides it (an automatic chat with devices is encrypted).
    isEncryptedChat(accountId, peer) {
      const conv = deps.repo.conversation(`${accountId}|${peer}`);
      return !!conv && conv.kind === 'chat' && conv.encryption !== 'plain' && lists.activeIds(accountId, peer).length > 0;
    },
    Unreachable,
  });

  const encryption: ChatEncryption = {
    exclusive,
    view: chatView,
    async shouldEncrypt(conv) {
      if (conv.encryption) return conv.encryption === 'omemo';
      if (lists.seenAt(conv.accountId, conv.peer) === undefined) {
        // Not known yet: ask now, briefly (the message is not shown until this returns); if the
        // answer is late or impossible, encrypt: the message then waits rather than leaking.
        const asked = deviceIds(conv.accountId, conv.peer).then(() => true, () => false);
        const late = new Promise<boolean>((r) => setTimeout(() => r(false), SEND_LOOKUP_MS).unref());
        if (!(await Promise.race([asked, late]))) return true;
      }
      return lists.activeIds(conv.accountId, conv.peer).length > 0;
    },
    encrypt: messages.encrypt,
  };

  /** Publishing after a failure: per account, the timer and the next delay. */
  const republish = new Map<AccountId, { timer?: NodeJS.Timeout; delay: number }>();

  async function onOnline(accountId: AccountId, client: XmppClient) {
    // Keys that could not be opened are tried again at each sign-in (a keychain may be back).
    if (status.get(accountId)?.state === 'unavailable') opened.delete(accountId);
    const d = await own(accountId);
    if (!d) return;
    clearTimeout(republish.get(accountId)?.timer);
    try {
      // A long-running Vireo rotates its signed prekey here too, not only when it starts (keys.ts).
      await rotateSignedPreKey(d.store);
      // The bundle first: a device that others see listed must already have its keys published.
      await publishBundle(d, client);
      const ids = await deviceIds(accountId, d.jid, true);
      await ensureListed(d, client, ids);
      republish.delete(accountId);
      setStatus(accountId, 'ready');
    } catch (err) {
      deps.log.warn(`publishing OMEMO keys failed: ${(err as Error).message}`);
      if (deps.connections.client(accountId) !== client || client.status !== 'online') return; // offline meanwhile: the next sign-in publishes
      setStatus(accountId, 'unpublished', UNPUBLISHED(publishFailure(err)));
      const delay = republish.get(accountId)?.delay ?? REPUBLISH_FIRST_MS;
      const timer = setTimeout(() => {
        if (deps.connections.client(accountId) === client && client.status === 'online') void onOnline(accountId, client);
      }, delay);
      timer.unref();
      republish.set(accountId, { timer, delay: Math.min(delay * 2, REPUBLISH_MAX_MS) });
    }
  }

  /** Why a publish failed, briefly, for the sentence the user reads. */
  function publishFailure(err: unknown): string {
    const condition = conditionOf(err);
    if (condition) return `it answered “${condition}”`;
    if (err instanceof Unreachable || /timeout/i.test((err as Error)?.message ?? '')) return 'it did not answer';
    return (err as Error)?.message ?? 'unknown reason';
  }

  function installOn(accountId: AccountId, client: XmppClient) {
    // Device lists pushed by PEP (we ask with "+notify" in our caps, XEP-0163 §4.3): contacts' and our own.
    client.middleware.use((ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      const el = ctx.stanza;
      const items = el.is('message') ? el.getChild('event', NS_PUBSUB_EVENT)?.getChild('items') : undefined;
      if (items?.attrs.node === NODE_DEVICELIST) {
        const from = bareOf(el.attrs.from) ?? bareOf(client.jid?.toString());
        const ids = parseDeviceListStanza(el);
        if (from && ids) {
          setList(accountId, from, ids);
          const ownBare = bareOf(client.jid?.toString());
          if (from === ownBare) void own(accountId).then((d) => d && ensureListed(d, client, ids)).catch((err: Error) => deps.log.warn(`re-adding our OMEMO device failed: ${err.message}`));
        }
      }
      return next();
    });
  }

  /** Prekeys used by incoming messages can go once catch-up has read everything that might still use them. */
  async function onSynced(accountId: AccountId) {
    const d = await own(accountId);
    const client = deps.connections.client(accountId);
    if (!d) return;
    const released = d.store.releaseUsedPrekeys();
    if (released > 0) deps.log.info(`released ${released} used prekeys after catch-up`);
    if ((await replenishPreKeys(d.store)) > 0 && client) await publishBundle(d, client).catch((err: Error) => deps.log.warn(`publishing the bundle failed: ${err.message}`));
  }
  messages.onPreKeyUsed(async (accountId) => {
    const d = await own(accountId);
    const client = deps.connections.client(accountId);
    if (d && client && (await replenishPreKeys(d.store)) > 0) await publishBundle(d, client);
  });

  // ---- commands ----
  async function ownView(accountId: AccountId): Promise<Result<OmemoOwnView>> {
    const d = await own(accountId);
    // The reason in words travels as the detail (the renderer also has it from 'omemo:status').
    if (!d) return fail('omemo-unavailable', status.get(accountId)?.problem);
    const now = status.get(accountId);
    // Conversations' verification link (its QR code): xmpp:jid?omemo-sid-<device id>=<fingerprint>.
    return ok({
      accountId, jid: d.jid as BareJid, deviceId: d.deviceId, fingerprint: d.fingerprint, uri: `xmpp:${d.jid}?omemo-sid-${d.deviceId}=${d.fingerprint}`,
      ...(now?.state === 'unpublished' && now.problem ? { problem: now.problem } : {}),
    });
  }

  async function devices(accountId: AccountId, jid: string): Promise<Result<OmemoDeviceView[]>> {
    const d = await own(accountId);
    if (!d) return fail('omemo-unavailable');
    if (deps.connections.client(accountId)) {
      try {
        const ids = await deviceIds(accountId, jid, true);
        for (const id of ids) broken.delete(k(accountId, jid, id)); // the user is looking: ask again
        await ensureSessions(d, jid, ids.filter((id) => !(jid === d.jid && id === d.deviceId)));
      } catch (err) {
        deps.log.info(`device refresh incomplete: ${(err as Error).message}`);
      }
    }
    return ok(devicesOf(d, accountId, jid));
  }

  async function setTrust(accountId: AccountId, jid: string, deviceId: number, trust: 'trusted' | 'verified' | 'distrusted'): Promise<Result<OmemoDeviceView>> {
    const d = await own(accountId);
    if (!d) return fail('omemo-unavailable');
    if (!d.store.getIdentity(jid, deviceId)) return fail('not-found', 'device');
    d.store.setTrust(jid, deviceId, trust);
    emitDevices(accountId, jid);
    emitConversation(accountId, jid);
    if (trust !== 'distrusted') deps.chats.kick(accountId);
    return ok(devicesOf(d, accountId, jid).find((x) => x.deviceId === deviceId)!);
  }

  /** `xmpp:jid?omemo-sid-<id>=<fingerprint>;omemo-sid-…` (Conversations' QR code; other query keys ignored). */
  async function verifyUri(accountId: AccountId, uri: string): Promise<Result<OmemoDeviceView[]>> {
    const m = /^xmpp:([^?#\s]+)\?(.*)$/i.exec(uri.trim());
    const jid = m ? decodeURIComponent(m[1]!).toLowerCase() : undefined;
    const pairs = m ? [...m[2]!.matchAll(/omemo-sid-(\d{1,10})=([0-9a-f]{64})/gi)].map((p) => ({ id: Number(p[1]), fp: p[2]!.toLowerCase() })) : [];
    if (!jid || !jid.includes('@') || pairs.length === 0) return fail('omemo-bad-uri');
    const listed = await devices(accountId, jid);
    if (!listed.ok) return listed;
    const d = (await own(accountId))!;
    const verified: OmemoDeviceView[] = [];
    for (const { id, fp } of pairs) {
      if (jid === d.jid && id === d.deviceId) continue;
      const known = listed.value.find((x) => x.deviceId === id);
      if (!known?.fingerprint || known.fingerprint !== fp) return fail('omemo-fingerprint-mismatch', `device ${id}`);
      d.store.setTrust(jid, id, 'verified');
    }
    emitDevices(accountId, jid);
    emitConversation(accountId, jid);
    deps.chats.kick(accountId);
    for (const x of devicesOf(d, accountId, jid)) if (pairs.some((p) => p.id === x.deviceId) && !x.own) verified.push(x);
    return ok(verified);
  }

  return {
    encryption,
    installOn,
    onOnline,
    onSynced: (accountId: AccountId) => void onSynced(accountId).catch((err: Error) => deps.log.warn(`after catch-up: ${err.message}`)),
    onOffline(accountId: AccountId) {
      for (const key of [...broken.keys()]) if (key.startsWith(`${accountId}|`)) broken.delete(key);
      clearTimeout(republish.get(accountId)?.timer);
      republish.delete(accountId);
    },
    /** A chat was opened: learn whether the contact has OMEMO, so the lock shows the truth. */
    lookup(accountId: AccountId, jid: string) {
      if (jid.includes('/') || !deps.connections.client(accountId)) return;
      void deviceIds(accountId, jid).then(() => emitConversation(accountId, jid)).catch(() => {});
    },
    ownView,
    devices,
    setTrust,
    verifyUri,
  };
}
export type OmemoService = ReturnType<typeof createOmemoService>;
