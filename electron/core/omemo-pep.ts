// OMEMO over PEP (XEP-0163, XEP-0384 v0.3 §4.3–§4.5): publishing this device's bundle and keeping it in
// our own device list, reading contacts' device lists and bundles, and building sessions from those
// bundles. Apart from ./omemo.ts because it is all the network side of OMEMO, with its two caches:
// how fresh each device list is, and which devices' bundles could not be used.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../shared/ids.js';
import type { DeviceLists } from '../omemo/device-lists.js';
import { buildConfigureNode, buildFetchItems } from '../omemo/pep.js';
import {
  bundleNode, buildBundlePublish, buildDeviceListPublish, NODE_DEVICELIST, parseBundleStanza, parseDeviceListStanza,
} from '../omemo/legacy/wire.js';
import type { XmppClient } from '../xmpp/client.js';
import type { ConnectionService } from './connections.js';
import type { Logger } from './log.js';
import type { OwnDevice } from './omemo.js';

const IQ_TIMEOUT = 15_000;
/**
 * How long a device list read (fetched or pushed) is used without asking again. PEP pushes keep
 * contacts' lists current while we are online; a list is asked for again only when it is older than
 * this, or when the user looks at the devices. Reconnecting does not expire them: a message waiting in
 * the outbox is encrypted at once instead of waiting on a look-up during the resume.
 */
const FRESH_MS = 10 * 60_000;
/** A device whose bundle could not be used (missing, malformed) is not asked again for this long. */
const BROKEN_RETRY_MS = 10 * 60_000;

/** Why a device list or bundle could not be read: the server said so (permanent) or we could not ask (try later). */
export class Unreachable extends Error {}

const conditionOf = (err: unknown) => (err as { condition?: string })?.condition;
const isStanzaError = (err: unknown) => (err as Error)?.name === 'StanzaError';

/** Why a publish failed, briefly, for the sentence the user reads. */
export function publishFailure(err: unknown): string {
  const condition = conditionOf(err);
  if (condition) return `it answered “${condition}”`;
  if (err instanceof Unreachable || /timeout/i.test((err as Error)?.message ?? '')) return 'it did not answer';
  return (err as Error)?.message ?? 'unknown reason';
}

export interface OmemoPepDeps {
  connections: ConnectionService;
  lists: DeviceLists;
  log: Logger;
  /** Runs fn alone for this account (processing a bundle moves the ratchets). */
  exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T>;
  /** A JID's stored device list changed. */
  onListChanged(accountId: AccountId, jid: string): void;
  /** A session was built from a device's bundle: its key is known now. */
  onSession(d: OwnDevice, jid: string, deviceId: number): void;
}

export function createOmemoPep(deps: OmemoPepDeps) {
  const { lists } = deps;
  /** When each device list was last read (fetched or pushed). */
  const fresh = new Map<string, number>();
  /**
   * Devices whose bundle could not be used, and when: not asked again for a while, unless their owner
   * publishes a new device list or the user looks at their devices.
   */
  const broken = new Map<string, number>();
  const k = (accountId: string, jid: string, deviceId?: number) => (deviceId === undefined ? `${accountId}|${jid}` : `${accountId}|${jid}|${deviceId}`);

  async function iq(client: XmppClient, type: 'get' | 'set', to: string | undefined, payload: Element): Promise<Element> {
    return client.iqCaller.request(xml('iq', to ? { type, to } : { type }, payload), IQ_TIMEOUT);
  }

  /**
   * Publish with publish-options access_model=open; when the node exists with another model the server
   * answers conflict / precondition-not-met (XEP-0060 §7.1.5): reconfigure it as its owner (§8.2) and
   * publish again, once (e2e/peers/omemo-python README: strangers must be able to read our keys).
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

  /**
   * Takes one of our other devices out of our published list (a phone given away, a reinstalled
   * app): contacts stop encrypting for it. Read fresh first, so a device added meanwhile elsewhere is
   * kept. A device still in use puts itself back when it next connects, as this one does (ensureListed).
   */
  async function removeListed(d: OwnDevice, client: XmppClient, deviceId: number) {
    const ids = await deviceIds(d.accountId, d.jid, true);
    if (!ids.includes(deviceId)) return;
    const rest = [...ids.filter((id) => id !== deviceId && id !== d.deviceId), d.deviceId];
    await publishOpen(client, NODE_DEVICELIST, buildDeviceListPublish(rest));
    setList(d.accountId, d.jid, rest);
  }

  /** A device list just read (fetched, or pushed by PEP). */
  function setList(accountId: AccountId, jid: string, ids: readonly number[]) {
    fresh.set(k(accountId, jid), Date.now());
    for (const id of ids) broken.delete(k(accountId, jid, id));
    if (lists.replace(accountId, jid, ids)) deps.onListChanged(accountId, jid);
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
      const r = bundle ? await deps.exclusive(d.accountId, () => d.device.processBundle(jid, id, bundle)) : undefined;
      if (!r?.ok) {
        deps.log.warn(`unusable OMEMO bundle of a device: ${r ? r.message : 'missing or malformed'}`);
        broken.set(k(d.accountId, jid, id), Date.now());
        continue;
      }
      deps.onSession(d, jid, id);
    }
  }

  return {
    publishBundle,
    ensureListed,
    removeListed,
    setList,
    deviceIds,
    ensureSessions,
    /** The user is looking at these devices: their bundles are asked for again even if they failed lately. */
    retryBroken(accountId: AccountId, jid: string, ids: readonly number[]) {
      for (const id of ids) broken.delete(k(accountId, jid, id));
    },
    /** Signed out: bundles that failed are asked for again on the next sign-in. */
    forgetBroken(accountId: AccountId) {
      for (const key of [...broken.keys()]) if (key.startsWith(`${accountId}|`)) broken.delete(key);
    },
  };
}
export type OmemoPep = ReturnType<typeof createOmemoPep>;
