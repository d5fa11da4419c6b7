// OMEMO in the message pipelines (ARCHITECTURE.md: "dedupe → decrypt → … → store" and "build → encrypt →
// outbox → send"). Incoming: a decrypt stage before parsing, whose ratchet step is committed in the
// same transaction as the message; a message that cannot be read is stored with a warning saying why
// (shared/notices.ts, worded by the window), never dropped. Outgoing: the outbox asks for the encrypted
// children of a message, for every trusted device of the contact and every other device of the user;
// if that is impossible the message waits or fails with why (a SendFailure), never leaves in plain text.
// Also: heartbeats (XEP-0384 v0.3 §4.6 "empty OMEMO message" after 53 received messages without a
// reply, as Conversations does; counted on disk, ../omemo/heartbeats.ts), and repairing a broken
// session with a fresh one from the bundle.
import { xml } from '@xmpp/client';
import type { AccountId } from '../../../shared/ids.js';
import type { DeviceTrust } from '../../../shared/views.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import { bareOf } from '../../xmpp/jid.js';
import { newOriginId } from '../../xmpp/xep/0359-stable-ids.js';
import type { DecryptResult } from '../../omemo/legacy/device.js';
import type { MessageWarning, OmemoProblem, SendFailure, UndecryptableReason } from '../../../shared/notices.js';
import { buildEncryptedMessageChildren, NS_AXOLOTL, parseEncrypted } from '../../omemo/legacy/wire.js';
import type { Heartbeats } from '../../omemo/heartbeats.js';
import type { ChatService, EncryptOutcome, IncomingCtx } from '../messages/index.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { OwnDevice } from './types.js';
import type { BundleFailure } from './omemo-bundle-failures.js';
import { accountKey } from '../../lib/account-key.js';

/** Conversations sends an empty message after this many received without answering. */
export const HEARTBEAT_AFTER = 53;

export interface OmemoMessagesDeps {
  chats: ChatService;
  repo: MessagesRepo;
  connections: ConnectionService;
  log: Logger;
  heartbeats: Heartbeats;
  own(accountId: AccountId): Promise<OwnDevice | undefined>;
  /** Why this device's OMEMO does not work (OmemoStatusView.problem), when it does not. */
  problem(accountId: AccountId): OmemoProblem | undefined;
  exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T>;
  deviceIds(accountId: AccountId, jid: string, refresh?: boolean): Promise<number[]>;
  ensureSessions(d: OwnDevice, jid: string, ids: readonly number[], rebuild?: boolean): Promise<void>;
  blindTrust(d: OwnDevice, jid: string, deviceId: number): DeviceTrust;
  /** Why a device's bundle gave no session, when it failed (omemo-pep.ts). */
  bundleFailure(accountId: AccountId, jid: string, deviceId: number): BundleFailure | undefined;
  /** The user expects this chat to be encrypted (to flag a plain-text message in it). */
  isEncryptedChat(accountId: AccountId, peer: string): boolean;
  /** Thrown by deviceIds/ensureSessions when the server cannot be asked now. */
  Unreachable: new (message: string) => Error;
}

const notReadable = (reason: UndecryptableReason): MessageWarning => ({ kind: 'undecryptable', reason });

/**
 * Why no session could be started with any of a contact's devices, as what is true (CONTRIBUTING.md 5):
 * the contact is asked to do something only when their side is why. Vireo's own trouble first: when
 * one device's keys could not be read or used by Vireo, that is what the user must hear.
 */
export function noSessionFailure(peer: string, failures: readonly (BundleFailure | undefined)[]): SendFailure {
  for (const cause of ['unreadable', 'rejected', 'refused', 'missing'] as const) {
    const f = failures.find((x) => x?.reason === cause);
    if (f)
      return {
        kind: 'no-session',
        peer,
        cause,
        ...(f.detail && (cause === 'rejected' || cause === 'refused') ? { detail: f.detail } : {}),
      };
  }
  return { kind: 'no-session', peer };
}

export function installOmemoMessages(deps: OmemoMessagesDeps) {
  /** What a decrypt prepared for its batch's transaction. */
  const held = new WeakMap<
    IncomingCtx,
    {
      apply(): void;
      discard(): void;
      d: OwnDevice;
      sender?: { jid: string; deviceId: number };
      /** A live message from a contact's device: counts towards its heartbeat. */
      counts?: boolean;
    }
  >();
  /** Heartbeats due and not sent yet (one at a time per device). */
  const beating = new Set<string>();
  /** Devices whose session was repaired this run (once is enough; a loop would flood them). */
  const repaired = new Set<string>();
  const preKeyHooks: ((accountId: AccountId) => Promise<void>)[] = [];

  /** After the batch: work that needs the network or the lock (never inside the stage: the lock is held). */
  const later = (fn: () => Promise<void>) =>
    setTimeout(() => void fn().catch((err: Error) => deps.log.warn(`OMEMO follow-up failed: ${err.message}`)), 0);

  deps.chats.pipeline.use({
    name: 'omemo-decrypt',
    async run(ctx) {
      const el = ctx.stanza;
      if (ctx.msg || el.attrs.type === 'groupchat' || el.attrs.type === 'error' || !el.getChild('encrypted', NS_AXOLOTL)) return true;
      const from = bareOf(el.attrs.from) ?? ctx.ownBare;
      const encrypted = parseEncrypted(el);
      if (!encrypted) {
        ctx.decrypted = { body: '', senderDevice: 0, warning: notReadable('invalid-message') };
        return true;
      }
      const keyTransport = !encrypted.payload;
      const d = await deps.own(ctx.accountId);
      if (!d) {
        if (keyTransport) return false;
        ctx.decrypted = { body: '', senderDevice: encrypted.sid, warning: notReadable('keys-unavailable') };
        return true;
      }
      const cap = await d.store.capture(() => d.device.decrypt({ from, encrypted }, ctx.ownBare));
      const r: DecryptResult = cap.value;
      const live = ctx.source !== 'archive';
      held.set(ctx, {
        apply: cap.apply,
        discard: cap.discard,
        d,
        ...(r.ok ? { sender: { jid: from, deviceId: encrypted.sid }, counts: live && from !== ctx.ownBare } : {}),
      });
      if (r.ok) {
        if (r.usedPreKey)
          later(async () => {
            for (const h of preKeyHooks) await h(ctx.accountId);
          });
        // Key transport (no payload) completes a session and says nothing: accepted silently.
        if (r.kind === 'key-transport') return false;
        ctx.decrypted = { body: r.plaintext ?? '', senderDevice: encrypted.sid };
        return true;
      }
      // Already read (a carbon and its archive copy, a replay): stored the first time.
      if (r.error === 'duplicate') return false;
      if (r.error === 'sent-by-this-device') {
        if (keyTransport) return false;
        // Our own message coming back from the archive: the store stage recognises it by its origin-id.
        ctx.decrypted = { body: '', senderDevice: encrypted.sid, warning: { kind: 'sent-by-this-device' } };
        return true;
      }
      deps.log.info(`OMEMO decrypt failed: ${r.error}${r.detail ? ` (${r.detail})` : ''} (${ctx.source})`);
      if (live && from !== ctx.ownBare && (r.error === 'no-session' || r.error === 'bad-mac' || r.error === 'invalid-message')) {
        scheduleRepair(ctx.accountId, from, encrypted.sid);
      }
      if (keyTransport) return false;
      ctx.decrypted = { body: '', senderDevice: encrypted.sid, warning: notReadable(r.error) };
      return true;
    },
    commit(ctx) {
      const h = held.get(ctx);
      if (!h) return;
      held.delete(ctx);
      h.apply();
      if (h.sender && h.counts) countReceived(ctx.accountId, h.sender.jid, h.sender.deviceId);
      // Trust is decided once the sender's identity is stored (it was held with the ratchet step).
      if (h.sender) {
        const trust = deps.blindTrust(h.d, h.sender.jid, h.sender.deviceId);
        if (ctx.msg?.direction === 'in') {
          ctx.msg.senderTrust = trust;
          if (trust === 'undecided') ctx.msg.warning ??= { kind: 'unverified-device' };
        }
      }
    },
    rollback(ctx) {
      held.get(ctx)?.discard();
      held.delete(ctx);
    },
  });

  // A plain-text message in a chat the user keeps encrypted is shown with a warning.
  deps.chats.pipeline.use({
    name: 'omemo-plaintext-warning',
    run(ctx) {
      const m = ctx.msg;
      const fresh = ctx.source !== 'archive' || ctx.countUnread !== false;
      if (m && !ctx.decrypted && !m.kind && !m.peer.includes('/') && fresh && deps.isEncryptedChat(ctx.accountId, m.peer)) {
        // Theirs, or ours written on another device (a carbon or the archive) that did not encrypt it.
        m.warning = { kind: 'plaintext-in-encrypted-chat', sender: m.direction === 'in' ? 'contact' : 'own-other-device' };
      }
      return true;
    },
  });

  /** Inside the batch's transaction: the count is stored with the message that made it. */
  function countReceived(accountId: AccountId, jid: string, deviceId: number) {
    const k = accountKey(accountId, jid, deviceId);
    if (deps.heartbeats.received(accountId, jid, deviceId) < HEARTBEAT_AFTER || beating.has(k)) return;
    beating.add(k);
    // Reset only once it left (sendKeyTransport): a heartbeat that could not go is tried on the next message.
    later(() => sendKeyTransport(accountId, jid, [deviceId]).finally(() => beating.delete(k)));
  }

  function scheduleRepair(accountId: AccountId, jid: string, deviceId: number) {
    const k = accountKey(accountId, jid, deviceId);
    if (repaired.has(k)) return;
    repaired.add(k);
    later(async () => {
      const d = await deps.own(accountId);
      if (!d) return;
      await deps.ensureSessions(d, jid, [deviceId], true);
      await sendKeyTransport(accountId, jid, [deviceId]);
      deps.log.info('sent a fresh OMEMO session to a device whose message could not be decrypted');
    });
  }

  /** An empty OMEMO message (no payload) for these devices: completes or refreshes their sessions. */
  async function sendKeyTransport(accountId: AccountId, jid: string, ids: number[]) {
    const d = await deps.own(accountId);
    const client = deps.connections.client(accountId);
    if (!d || !client) return;
    const r = await deps.exclusive(accountId, () =>
      d.device.encryptFor(
        ids.filter((id) => d.device.hasSession(jid, id)).map((deviceId) => ({ jid, deviceId })),
        null,
      ),
    );
    if (!r.encrypted.keys.length || client.status !== 'online') return;
    await client.send(xml('message', { type: 'chat', to: jid, id: newOriginId() }, ...buildEncryptedMessageChildren(r.encrypted)));
    deps.heartbeats.answered(
      accountId,
      jid,
      r.encrypted.keys.map((k) => k.rid),
    );
  }

  const usable = (d: OwnDevice, jid: string, ids: readonly number[]) =>
    ids.filter((id) => {
      const t = d.store.getIdentity(jid, id)?.trust;
      return d.device.hasSession(jid, id) && (t === 'trusted' || t === 'verified');
    });

  async function encrypt(accountId: AccountId, peer: string, body: string): Promise<EncryptOutcome> {
    const d = await deps.own(accountId);
    if (!d) {
      const problem = deps.problem(accountId);
      return { ok: false, transient: false, error: { kind: 'omemo-unavailable', ...(problem ? { problem } : {}) } };
    }
    let peerIds: number[];
    let ownIds: number[];
    try {
      peerIds = await deps.deviceIds(accountId, peer);
      if (!peerIds.length) {
        return { ok: false, transient: false, error: { kind: 'no-devices', peer } };
      }
      ownIds = (await deps.deviceIds(accountId, d.jid)).filter((id) => id !== d.deviceId);
      await deps.ensureSessions(d, peer, peerIds);
      await deps.ensureSessions(d, d.jid, ownIds);
    } catch (err) {
      if (err instanceof deps.Unreachable) return { ok: false, transient: true, reason: err.message };
      throw err;
    }
    const theirs = usable(d, peer, peerIds);
    if (!theirs.length) {
      const withKeys = peerIds.filter((id) => d.device.hasSession(peer, id));
      return {
        ok: false,
        transient: false,
        error: withKeys.length
          ? { kind: 'none-trusted', peer }
          : noSessionFailure(
              peer,
              peerIds.map((id) => deps.bundleFailure(accountId, peer, id)),
            ),
      };
    }
    const mine = usable(d, d.jid, ownIds);
    const recipients = [...theirs.map((deviceId) => ({ jid: peer, deviceId })), ...mine.map((deviceId) => ({ jid: d.jid, deviceId }))];
    const r = await deps.exclusive(accountId, () => d.device.encryptFor(recipients, body));
    if (!r.encrypted.keys.some((k) => theirs.includes(k.rid))) {
      const reason = r.skipped[0]?.reason;
      return { ok: false, transient: false, error: { kind: 'encrypt-failed', peer, ...(reason ? { reason } : {}) } };
    }
    deps.heartbeats.answered(accountId, peer, theirs);
    return { ok: true, children: buildEncryptedMessageChildren(r.encrypted) };
  }

  return {
    encrypt,
    onPreKeyUsed: (hook: (accountId: AccountId) => Promise<void>) => void preKeyHooks.push(hook),
  };
}
