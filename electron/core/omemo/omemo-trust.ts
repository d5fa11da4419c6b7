// OMEMO trust and what the user sees of devices: blind trust before verification, the device lists
// shown in the devices panel ('omemo:devices'), a one-to-one chat's lock (ChatEncryptionView), and the
// commands that set trust or verify with a contact's link. Apart from ./omemo.ts because these are the
// user's decisions and views, not keys or network.
// Trust is "blind trust before verification" (BTBV, as Conversations): a contact's new device is
// trusted until the user verifies one of that contact's devices; from then on new devices wait for the
// user's decision and are not encrypted for.
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { ChatEncryptionView, DeviceTrust, OmemoDeviceView } from '../../../shared/views.js';
import type { PeerWarning } from '../../../shared/notices.js';
import { conversationIdOf, type ConversationRecord, type MessagesRepo } from '../../store/messages-repo.js';
import type { DeviceLists } from '../../omemo/device-lists.js';
import { fingerprintHex } from '../../omemo/fingerprint.js';
import type { ChatService } from '../messages/index.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { OwnDevice } from './types.js';
import { Unreachable, type OmemoPep } from './omemo-pep.js';
import type { OmemoStatus } from './omemo-status.js';
import { errorMessage } from '../../lib/error-message.js';

export interface OmemoTrustDeps {
  repo: MessagesRepo;
  chats: ChatService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  lists: DeviceLists;
  status: OmemoStatus;
  pep: Pick<OmemoPep, 'deviceIds' | 'ensureSessions' | 'removeListed'>;
  jidOf(accountId: AccountId): string | undefined;
  /** This account's device, once its keys are open (undefined when they cannot be). */
  own(accountId: AccountId): Promise<OwnDevice | undefined>;
  /** The same, only if already open (synchronous look-ups while building a conversation view). */
  loaded(accountId: AccountId): OwnDevice | undefined;
  /** A chat of this account is shown: its keys start opening, unless that was tried already. */
  openOnce(accountId: AccountId): void;
}

export function createOmemoTrust(deps: OmemoTrustDeps) {
  const { lists, pep } = deps;

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

  function devicesOf(d: OwnDevice | undefined, accountId: AccountId, jid: string): OmemoDeviceView[] {
    const listed = new Map(lists.devices(accountId, jid).map((x) => [x.deviceId, x.active]));
    const identities = new Map((d?.store.listIdentities(jid) ?? []).map((i) => [i.deviceId, i]));
    const ids = [...new Set([...listed.keys(), ...identities.keys()])].sort((a, b) => a - b);
    return ids.map((id) => {
      const i = identities.get(id);
      const own = jid === d?.jid && id === d.deviceId;
      return {
        accountId,
        jid: jid as BareJid,
        deviceId: id,
        ...(i ? { fingerprint: fingerprintHex(i.identityKey) } : own && d ? { fingerprint: d.fingerprint } : {}),
        trust: own ? 'verified' : (i?.trust ?? 'undecided'),
        active: listed.get(id) ?? false,
        own,
      };
    });
  }

  function emitDevices(accountId: AccountId, jid: string) {
    void deps
      .own(accountId)
      .then((d) => deps.events.emit('omemo:devices', { accountId, jid: jid as BareJid, devices: devicesOf(d, accountId, jid) }));
  }
  function emitConversation(accountId: AccountId, jid: string) {
    if (deps.repo.conversation(conversationIdOf(accountId, jid))) deps.chats.emitConversation(conversationIdOf(accountId, jid));
  }

  function chatView(conv: ConversationRecord): ChatEncryptionView {
    // The first chat shown opens the keys, so a device that cannot work says so before anything is sent.
    deps.openOnce(conv.accountId);
    const known = lists.seenAt(conv.accountId, conv.peer) !== undefined;
    const available = lists.activeIds(conv.accountId, conv.peer).length > 0;
    const mode = conv.encryption ?? (available || !known ? 'omemo' : 'plain');
    const now = deps.status.get(conv.accountId);
    const notReady = now?.problem;
    // Not a warning: nothing for the user to do, the keys are on their way (messages wait for them).
    // Said only once preparing has lasted a while (omemo-status.ts), not for the few ms of every start.
    const preparing = deps.status.lock(conv.accountId) === 'preparing';
    // This device's own trouble comes first in an encrypted chat: it is what stops it working.
    const warning = (mode === 'omemo' ? notReady : undefined) ?? peerWarning(conv, mode, known, available);
    return {
      mode,
      available,
      ...(warning ? { warning } : {}),
      ...(notReady ? { notReady } : {}),
      ...(preparing ? { preparing: true as const } : {}),
    };
  }

  function peerWarning(conv: ConversationRecord, mode: 'omemo' | 'plain', known: boolean, available: boolean): PeerWarning | undefined {
    if (mode !== 'omemo') return undefined;
    const peer = conv.peer;
    if (known && !available) return { kind: 'no-devices', peer };
    if (!available) return undefined;
    const active = devicesOf(deps.loaded(conv.accountId), conv.accountId, conv.peer).filter((x) => x.active);
    if (active.some((x) => x.trust === 'undecided' && x.fingerprint)) return { kind: 'unverified-device', peer };
    if (active.length > 0 && active.every((x) => x.trust === 'distrusted')) return { kind: 'all-distrusted', peer };
    return undefined;
  }

  // ---- commands ----
  async function devices(accountId: AccountId, jid: string): Promise<Result<OmemoDeviceView[]>> {
    const d = await deps.own(accountId);
    if (!d) return fail('omemo-unavailable');
    if (deps.connections.client(accountId)) {
      try {
        const ids = await pep.deviceIds(accountId, jid, true);
        // A device whose bundle failed lately is not asked again because the user looks (each look
        // fetched it again before): it waits its turn (omemo-pep.ts).
        await pep.ensureSessions(
          d,
          jid,
          ids.filter((id) => !(jid === d.jid && id === d.deviceId)),
        );
      } catch (err) {
        deps.log.info(`device refresh incomplete: ${errorMessage(err)}`);
      }
    }
    return ok(devicesOf(d, accountId, jid));
  }

  async function setTrust(
    accountId: AccountId,
    jid: string,
    deviceId: number,
    trust: 'trusted' | 'verified' | 'distrusted',
  ): Promise<Result<OmemoDeviceView>> {
    const d = await deps.own(accountId);
    if (!d) return fail('omemo-unavailable');
    if (!d.store.getIdentity(jid, deviceId)) return fail('not-found', 'device');
    d.store.setTrust(jid, deviceId, trust);
    emitDevices(accountId, jid);
    emitConversation(accountId, jid);
    if (trust !== 'distrusted') deps.chats.kick(accountId);
    return ok(devicesOf(d, accountId, jid).find((x) => x.deviceId === deviceId)!);
  }

  /**
   * Removes one of the user's other devices from the account's device list (as Conversations' and
   * Gajim's "clean up"/"delete device"); it stays shown, as removed, for the messages it sent.
   * Not this device: it would put itself back at once.
   */
  async function removeOwnDevice(accountId: AccountId, deviceId: number): Promise<Result<OmemoDeviceView[]>> {
    const d = await deps.own(accountId);
    const problem = deps.status.get(accountId)?.problem;
    if (!d) return fail('omemo-unavailable', undefined, problem ? { omemo: problem } : {});
    if (deviceId === d.deviceId) return fail('invalid-input', 'This is the device you are using; it cannot be removed from here.');
    const client = deps.connections.client(accountId);
    if (!client || client.status !== 'online') return fail('not-connected');
    try {
      await pep.removeListed(d, client, deviceId);
    } catch (err) {
      // The server said no (a stanza error), or could not be asked (the connection went, no answer);
      // anything else is a bug and goes up as one.
      const condition = (err as { condition?: string }).condition;
      if (condition) return fail('server-error', condition);
      if (err instanceof Unreachable) return fail('not-connected', err.message);
      if ((err as Error)?.name === 'TimeoutError') return fail('timeout', errorMessage(err));
      throw err;
    }
    emitDevices(accountId, d.jid);
    return ok(devicesOf(d, accountId, d.jid));
  }

  /** `xmpp:jid?omemo-sid-<id>=<fingerprint>;omemo-sid-…` (Conversations' QR code; other query keys ignored). */
  async function verifyUri(accountId: AccountId, uri: string): Promise<Result<OmemoDeviceView[]>> {
    const m = /^xmpp:([^?#\s]+)\?(.*)$/i.exec(uri.trim());
    const jid = m ? decodeURIComponent(m[1]!).toLowerCase() : undefined;
    const pairs = m
      ? [...m[2]!.matchAll(/omemo-sid-(\d{1,10})=([0-9a-f]{64})/gi)].map((p) => ({ id: Number(p[1]), fp: p[2]!.toLowerCase() }))
      : [];
    if (!jid || !jid.includes('@') || pairs.length === 0) return fail('omemo-bad-uri');
    const listed = await devices(accountId, jid);
    if (!listed.ok) return listed;
    const d = (await deps.own(accountId))!;
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
    blindTrust,
    chatView,
    emitConversation,
    /** A JID's device list changed: its devices panel, and a contact's chat lock, follow. */
    listChanged(accountId: AccountId, jid: string) {
      emitDevices(accountId, jid);
      if (jid !== deps.jidOf(accountId)) emitConversation(accountId, jid);
    },
    devices,
    setTrust,
    verifyUri,
    removeOwnDevice,
  };
}
export type OmemoTrust = ReturnType<typeof createOmemoTrust>;
