// OMEMO for one-to-one chats (XEP-0384 v0.3, eu.siacs.conversations.axolotl) as a service: this
// device's keys, publishing them, everyone's device lists, trust, and the two places where messages
// are encrypted and decrypted. The crypto and the wire format are electron/omemo/. This file opens this
// device's keys and wires the parts, each in its own file:
// - ./omemo-status.ts: whether this device's OMEMO works (and why not), and retrying a refused publish;
// - ./omemo-pep.ts: publishing our keys, reading contacts' device lists and bundles (PEP);
// - ./omemo-trust.ts: trust (blind trust before verification), device views, a chat's lock;
// - ./omemo-messages.ts: the decrypt and encrypt stages of the message pipelines.
// Rules it keeps (ARCHITECTURE.md):
// - private keys are sealed under a key held in the SecretStore; nothing secret leaves main;
// - a chat that is encrypted never falls back to plain text silently (the outbox waits or fails, saying why);
// - a decrypted message and the ratchet step that decrypted it are stored in one transaction;
// - a prekey used by an incoming message stays until archive catch-up has finished.
// When this device's OMEMO does not work (no safe place for its keys, keys the server would not
// take), or while its keys are being prepared, the user is told up front: 'omemo:status' and every
// chat's lock carry it as a value (shared/notices.ts), which the window words.
import { randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { OmemoOwnView } from '../../../shared/views.js';
import { conversationIdOf } from '../../store/messages-repo.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import type { ChatEncryption } from '../messages/index.js';
import { createOmemoStore } from '../../omemo/signal-store.js';
import { ensureOwnKeys, replenishPreKeys, rotateSignedPreKey } from '../../omemo/keys.js';
import { createOmemoDevice } from '../../omemo/legacy/device.js';
import { clearRecordCache } from '../../omemo/legacy/record-cache.js';
import { createDeviceLists } from '../../omemo/device-lists.js';
import { createHeartbeats } from '../../omemo/heartbeats.js';
import { fingerprintHex } from '../../omemo/fingerprint.js';
import { NS_PUBSUB_EVENT } from '../../omemo/pep.js';
import { deviceOfBundleNode, NODE_DEVICELIST, parseDeviceListStanza } from '../../omemo/legacy/wire.js';
import { installOmemoMessages } from './omemo-messages.js';
import { createOmemoStatus } from './omemo-status.js';
import { createOmemoPep, publishFailure, Unreachable } from './omemo-pep.js';
import { createOmemoTrust } from './omemo-trust.js';
import { errorMessage } from '../../lib/error-message.js';
import type { OmemoDeps, OwnDevice } from './types.js';

export type { OmemoDeps, OwnDevice };

const storageKeyName = (jid: string) => `omemo-storage-key:${jid}`;
/** How long sending a message may wait to learn whether an unknown contact has OMEMO. */
const SEND_LOOKUP_MS = 3_000;

export function createOmemoService(deps: OmemoDeps) {
  const lists = createDeviceLists(deps.db);
  const heartbeats = createHeartbeats(deps.db);
  const opened = new Map<AccountId, Promise<OwnDevice | undefined>>();
  /** The same, once open (synchronous look-ups while building a conversation view). */
  const loaded = new Map<AccountId, OwnDevice>();

  // ---- one lock per account: decrypting and encrypting both move the same ratchets ----
  const chains = new Map<AccountId, Promise<unknown>>();
  function exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T> {
    const run = (chains.get(accountId) ?? Promise.resolve()).then(fn, fn);
    chains.set(
      accountId,
      run.catch(() => {}),
    );
    return run;
  }

  // The parts. PEP tells trust about new lists and sessions, and trust asks PEP for them: PEP's two
  // callbacks reach `trust` only when called, after both exist.
  const status = createOmemoStatus({ repo: deps.repo, chats: deps.chats, events: deps.events, log: deps.log });
  const pep = createOmemoPep({
    connections: deps.connections,
    lists,
    log: deps.log,
    exclusive,
    onListChanged: (accountId, jid) => trust.listChanged(accountId, jid),
    onSession: (d, jid, deviceId) => void trust.blindTrust(d, jid, deviceId),
  });
  const trust = createOmemoTrust({
    repo: deps.repo,
    chats: deps.chats,
    connections: deps.connections,
    events: deps.events,
    log: deps.log,
    lists,
    status,
    pep,
    jidOf: deps.jidOf,
    own,
    loaded: (accountId) => loaded.get(accountId),
    openOnce(accountId) {
      if (!opened.has(accountId) && !status.get(accountId)) void own(accountId);
    },
  });

  // ---- this device ----
  async function openDevice(accountId: AccountId): Promise<OwnDevice | undefined> {
    const jid = deps.jidOf(accountId);
    const secrets = deps.secretsOf(accountId);
    if (!jid || !secrets) {
      deps.log.warn('OMEMO is unavailable: no place to keep its storage key for this account');
      if (jid) status.set(accountId, 'unavailable', { kind: 'no-key-store' });
      return undefined;
    }
    // From here on it can take a while: a keychain may be slow to answer, and the first time the keys
    // are made (an identity key, a signed prekey, 100 prekeys). The user sees it (CONTRIBUTING.md 10).
    if (status.get(accountId)?.state !== 'ready') status.set(accountId, 'preparing');
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
      deps.log.warn(`the OMEMO keys cannot be opened (${errorMessage(err)}): starting a new OMEMO device`);
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
            if (status.get(accountId)?.state === 'preparing') status.set(accountId, 'ready');
          }
          return d;
        },
        (err: Error) => {
          deps.log.error('OMEMO keys could not be prepared', err);
          opened.delete(accountId);
          status.set(accountId, 'unavailable', { kind: 'keys-failed', reason: err.message });
          return undefined;
        },
      );
      opened.set(accountId, p);
    }
    return p;
  }

  const messages = installOmemoMessages({
    chats: deps.chats,
    repo: deps.repo,
    connections: deps.connections,
    log: deps.log,
    heartbeats,
    own,
    exclusive,
    problem: (accountId) => status.get(accountId)?.problem,
    deviceIds: pep.deviceIds,
    ensureSessions: pep.ensureSessions,
    blindTrust: trust.blindTrust,
    bundleFailure: pep.bundleFailure,
    // Per incoming plain message: only what decides it (an automatic chat with devices is encrypted).
    isEncryptedChat(accountId, peer) {
      const conv = deps.repo.conversation(conversationIdOf(accountId, peer));
      return !!conv && conv.kind === 'chat' && conv.encryption !== 'plain' && lists.activeIds(accountId, peer).length > 0;
    },
    Unreachable,
  });

  const encryption: ChatEncryption = {
    exclusive,
    view: trust.chatView,
    async shouldEncrypt(conv) {
      if (conv.encryption) return conv.encryption === 'omemo';
      if (lists.seenAt(conv.accountId, conv.peer) === undefined) {
        // Not known yet: ask now, briefly (the message is not shown until this returns); if the
        // answer is late or impossible, encrypt: the message then waits rather than leaking.
        const asked = pep.deviceIds(conv.accountId, conv.peer).then(
          () => true,
          () => false,
        );
        const late = new Promise<boolean>((r) => setTimeout(() => r(false), SEND_LOOKUP_MS).unref());
        if (!(await Promise.race([asked, late]))) return true;
      }
      return lists.activeIds(conv.accountId, conv.peer).length > 0;
    },
    encrypt: messages.encrypt,
  };

  async function onOnline(accountId: AccountId, client: XmppClient) {
    // Keys that could not be opened are tried again at each sign-in (a keychain may be back).
    if (status.get(accountId)?.state === 'unavailable') opened.delete(accountId);
    const d = await own(accountId);
    if (!d) return;
    status.cancelRetry(accountId);
    try {
      // A long-running Vireo rotates its signed prekey here too, not only when it starts (keys.ts).
      await rotateSignedPreKey(d.store);
      // The bundle first: a device that others see listed must already have its keys published.
      await pep.publishBundle(d, client);
      const ids = await pep.deviceIds(accountId, d.jid, true);
      await pep.ensureListed(d, client, ids);
      status.resetRetry(accountId);
      status.set(accountId, 'ready');
    } catch (err) {
      deps.log.warn(`publishing OMEMO keys failed: ${errorMessage(err)}`);
      if (deps.connections.client(accountId) !== client || client.status !== 'online') return; // offline meanwhile: the next sign-in publishes
      status.set(accountId, 'unpublished', { kind: 'unpublished', reason: publishFailure(err) });
      status.retryLater(accountId, () => {
        if (deps.connections.client(accountId) === client && client.status === 'online') void onOnline(accountId, client);
      });
    }
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
          pep.setList(accountId, from, ids);
          const ownBare = bareOf(client.jid?.toString());
          if (from === ownBare)
            void own(accountId)
              .then((d) => d && pep.ensureListed(d, client, ids))
              .catch((err: Error) => deps.log.warn(`re-adding our OMEMO device failed: ${err.message}`));
        }
      }
      // A device published a new bundle: if its last one failed, it is asked for again at once.
      // (Pushed only where the server has a reason to: see setList in omemo-pep.ts.)
      const bundleOf = deviceOfBundleNode(items?.attrs.node);
      const publisher = bareOf(el.attrs.from) ?? bareOf(client.jid?.toString());
      if (bundleOf !== undefined && publisher) pep.bundleChanged(accountId, publisher, bundleOf);
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
    if ((await replenishPreKeys(d.store)) > 0 && client)
      await pep.publishBundle(d, client).catch((err: Error) => deps.log.warn(`publishing the bundle failed: ${err.message}`));
  }
  messages.onPreKeyUsed(async (accountId) => {
    const d = await own(accountId);
    const client = deps.connections.client(accountId);
    if (d && client && (await replenishPreKeys(d.store)) > 0) await pep.publishBundle(d, client);
  });

  // ---- commands ----
  async function ownView(accountId: AccountId): Promise<Result<OmemoOwnView>> {
    const d = await own(accountId);
    // The reason travels with the error, as a value (the renderer also has it from 'omemo:status').
    const problem = status.get(accountId)?.problem;
    if (!d) return fail('omemo-unavailable', undefined, problem ? { omemo: problem } : {});
    const now = status.get(accountId);
    // Conversations' verification link (its QR code): xmpp:jid?omemo-sid-<device id>=<fingerprint>.
    return ok({
      accountId,
      jid: d.jid as BareJid,
      deviceId: d.deviceId,
      fingerprint: d.fingerprint,
      uri: `xmpp:${d.jid}?omemo-sid-${d.deviceId}=${d.fingerprint}`,
      ...(now?.problem?.kind === 'unpublished' ? { problem: now.problem } : {}),
    });
  }

  return {
    encryption,
    installOn,
    onOnline,
    onSynced: (accountId: AccountId) => void onSynced(accountId).catch((err: Error) => deps.log.warn(`after catch-up: ${err.message}`)),
    onOffline(accountId: AccountId) {
      // Bundles that failed keep their wait across reconnects (omemo-pep.ts): a flapping connection
      // must not fetch them again each time.
      status.resetRetry(accountId);
    },
    /** A chat was opened: learn whether the contact has OMEMO, so the lock shows the truth. */
    lookup(accountId: AccountId, jid: string) {
      if (jid.includes('/') || !deps.connections.client(accountId)) return;
      void pep
        .deviceIds(accountId, jid)
        .then(() => trust.emitConversation(accountId, jid))
        .catch(() => {});
    },
    ownView,
    /**
     * Resolves once no device is being opened or made (keys half-written when the database closes
     * would make the next start see a device that is not there). They never reject (own()).
     */
    async idle() {
      await Promise.all([...opened.values()]);
    },
    /**
     * The account is being removed: its OMEMO keys, sessions, trust decisions and device lists are
     * deleted from the database, its storage key from where the password was kept, and its parsed
     * session records from memory. (Its device stays in the server's device list: the account still
     * exists there and may be added again.)
     */
    async forgetAccount(accountId: AccountId) {
      await opened.get(accountId);
      const jid = deps.jidOf(accountId);
      const secrets = deps.secretsOf(accountId);
      lists.forgetAccount(accountId);
      pep.forgetFailures(accountId);
      opened.delete(accountId);
      loaded.delete(accountId);
      clearRecordCache();
      if (jid && secrets)
        await secrets
          .delete(storageKeyName(jid))
          .catch((err: Error) => deps.log.warn(`the OMEMO storage key could not be deleted: ${err.message}`));
    },
    devices: trust.devices,
    setTrust: trust.setTrust,
    verifyUri: trust.verifyUri,
    removeOwnDevice: trust.removeOwnDevice,
  };
}
export type OmemoService = ReturnType<typeof createOmemoService>;
