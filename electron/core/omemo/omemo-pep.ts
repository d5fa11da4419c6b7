// OMEMO over PEP (XEP-0163, XEP-0384 v0.3 §4.3–§4.5): publishing this device's bundle and keeping it in
// our own device list, reading contacts' device lists and bundles, and building sessions from those
// bundles. Apart from ./omemo.ts because it is all the network side of OMEMO, with its two caches:
// how fresh each device list is, and which devices' bundles could not be used (./omemo-bundle-failures.ts).
import { xml } from '@xmpp/client';
import { isStanzaError, requestIq } from '../../xmpp/iq.js';
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../../shared/ids.js';
import type { DeviceLists } from '../../omemo/device-lists.js';
import { buildConfigureNode, buildFetchItems, parseItemPayloads } from '../../omemo/pep.js';
import {
  bundleNode,
  buildBundlePublish,
  buildDeviceListPublish,
  NODE_DEVICELIST,
  NS_AXOLOTL,
  parseBundleStanza,
  parseDeviceListStanza,
} from '../../omemo/legacy/wire.js';
import type { XmppClient } from '../../xmpp/client.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { OwnDevice } from './types.js';
import { createBundleFailures, type BundleFailure, type BundleFailureReason } from './omemo-bundle-failures.js';
import { accountKey } from '../../lib/account-key.js';
import { errorMessage } from '../../lib/error-message.js';

/**
 * How long a device list read (fetched or pushed) is used without asking again. PEP pushes keep
 * contacts' lists current while we are online; a list is asked for again only when it is older than
 * this, or when the user looks at the devices. Reconnecting does not expire them: a message waiting in
 * the outbox is encrypted at once instead of waiting on a look-up during the resume.
 */
const FRESH_MS = 10 * 60_000;

/** Why a device list or bundle could not be read: the server said so (permanent) or we could not ask (try later). */
export class Unreachable extends Error {}

const conditionOf = (err: unknown) => (err as { condition?: string })?.condition;

/** Why a publish failed, briefly, for the sentence the user reads. */
export function publishFailure(err: unknown): string {
  const condition = conditionOf(err);
  if (condition) return `it answered “${condition}”`;
  if (err instanceof Unreachable || /timeout/i.test(errorMessage(err))) return 'it did not answer';
  return errorMessage(err);
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
  /** The clock of the bundle retry waits (tests). */
  now?: () => number;
}

export function createOmemoPep(deps: OmemoPepDeps) {
  const { lists } = deps;
  /** When each device list was last read (fetched or pushed). */
  const fresh = new Map<string, number>();
  /**
   * Devices whose bundle could not be used, why, and when to ask again: after 1 min, doubling up to
   * 1 h, or at once when the device publishes a new bundle or its owner a different device list.
   * Looking at the devices does not ask again before that.
   */
  const failures = createBundleFailures(deps.now);

  async function iq(client: XmppClient, type: 'get' | 'set', to: string | undefined, payload: Element): Promise<Element> {
    return requestIq(client, xml('iq', to ? { type, to } : { type }, payload));
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
    fresh.set(accountKey(accountId, jid), Date.now());
    if (!lists.replace(accountId, jid, ids)) return;
    // A bundle that failed is asked for again at once when its device publishes a new one
    // (bundleChanged). We are told of that only if the server pushes that node to us, and PEP pushes
    // a node only to those who put "<node>+notify" in their caps (XEP-0163 §4.3): one feature per node
    // name, and bundle nodes are named per device (§4.4 "…bundles:<device id>"), so a client cannot
    // ask for all of a contact's bundles that way. A different device list is the sign we do get:
    // clients publish their bundle before they list a new device or when they come back, so every
    // failed device of this JID is asked again at once.
    failures.clearJid(accountId, jid);
    deps.onListChanged(accountId, jid);
  }

  /** The JID's published device ids: this session's copy, else asked; throws Unreachable when we cannot ask. */
  async function deviceIds(accountId: AccountId, jid: string, refresh = false): Promise<number[]> {
    const readAt = fresh.get(accountKey(accountId, jid));
    if (!refresh && readAt !== undefined && Date.now() - readAt < FRESH_MS) return lists.activeIds(accountId, jid);
    const client = deps.connections.client(accountId);
    if (!client) throw new Unreachable('not connected');
    try {
      const res = await iq(client, 'get', jid, buildFetchItems(NODE_DEVICELIST));
      setList(accountId, jid, parseDeviceListStanza(res) ?? []);
    } catch (err) {
      // item-not-found: no OMEMO. forbidden etc.: keys not readable for us, which is the same for sending.
      if (!isStanzaError(err)) throw new Unreachable(errorMessage(err));
      deps.log.info(`device list of a contact not readable: ${conditionOf(err)}`);
      setList(accountId, jid, []);
    }
    return lists.activeIds(accountId, jid);
  }

  /** Remembers why a device's bundle gave no session, and says so once in the log (no JID: logs name no one). */
  function failed(accountId: AccountId, jid: string, id: number, reason: BundleFailureReason, detail?: string) {
    const f = failures.failed(accountId, jid, id, reason, detail);
    const retry = `asked again in ${Math.round((f.retryAt - (deps.now ?? Date.now)()) / 60_000)} min`;
    const line = `OMEMO bundle of a device not usable (${reason}${detail ? `: ${detail}` : ''}); ${retry}`;
    // Vireo's own trouble is a warning; a contact's device without (readable-to-us) keys is not.
    if (reason === 'unreadable' || reason === 'rejected') deps.log.warn(line);
    else deps.log.info(line);
  }

  /**
   * Sessions with these devices, built from their bundles where missing (or anew: `rebuild`, to repair
   * a broken session). A device whose bundle failed is skipped until its wait is over (failures).
   */
  async function ensureSessions(d: OwnDevice, jid: string, ids: readonly number[], rebuild = false) {
    const client = deps.connections.client(d.accountId);
    for (const id of ids) {
      if ((!rebuild && d.device.hasSession(jid, id)) || failures.waiting(d.accountId, jid, id)) continue;
      if (!client) throw new Unreachable('not connected');
      let res: Element;
      try {
        res = await iq(client, 'get', jid, buildFetchItems(bundleNode(id), 1));
      } catch (err) {
        if (!isStanzaError(err)) throw new Unreachable(errorMessage(err));
        // XEP-0060 §6.5.9.11: item-not-found is a node that does not exist; anything else is a refusal.
        const condition = conditionOf(err);
        if (condition === 'item-not-found') failed(d.accountId, jid, id, 'missing');
        else failed(d.accountId, jid, id, 'refused', condition);
        continue;
      }
      if (!parseItemPayloads(res, bundleNode(id)).some((p) => p.is('bundle', NS_AXOLOTL))) {
        failed(d.accountId, jid, id, 'missing');
        continue;
      }
      const bundle = parseBundleStanza(res, id);
      if (!bundle) {
        failed(d.accountId, jid, id, 'unreadable');
        continue;
      }
      const r = await deps.exclusive(d.accountId, () => d.device.processBundle(jid, id, bundle));
      if (!r.ok) {
        failed(d.accountId, jid, id, 'rejected', r.message);
        continue;
      }
      failures.clear(d.accountId, jid, id);
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
    /** Why this device's bundle gave no session, if it failed (whether or not its wait is over). */
    bundleFailure: (accountId: AccountId, jid: string, deviceId: number): BundleFailure | undefined =>
      failures.get(accountId, jid, deviceId),
    /** The device published a new bundle (a PEP notification of its node): asked for again at once. */
    bundleChanged(accountId: AccountId, jid: string, deviceId: number) {
      failures.clear(accountId, jid, deviceId);
    },
    /** The account was removed: nothing of it is remembered. */
    forgetFailures(accountId: AccountId) {
      failures.clearAccount(accountId);
    },
  };
}
export type OmemoPep = ReturnType<typeof createOmemoPep>;
