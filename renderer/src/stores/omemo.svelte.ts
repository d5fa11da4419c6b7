// OMEMO (XEP-0384) devices per (account, JID) and this Vireo's own device per account. Loaded on
// demand ('omemo:devices', 'omemo:own'), then kept current by 'omemo:devices' events, which always carry
// the whole list of one JID, and 'omemo:status' (whether OMEMO works here at all, and why not: a value
// worded by lib/omemo-text.ts). Trust
// decisions are made in main; this store only asks and shows.
import type { Api } from '$lib/api.js';
import type { AccountId, BareJid } from '$shared/ids.js';
import type { Events } from '$shared/contract.js';
import type { Result, VireoError } from '$shared/errors.js';
import type { OmemoDeviceView, OmemoOwnView, OmemoStatusView } from '$shared/views.js';
import type { OmemoProblem } from '$shared/notices.js';

export const deviceListKey = (accountId: AccountId, jid: BareJid): string => `${accountId}\u0000${jid}`;

export interface DeviceList {
  /** undefined until loaded (or pushed). */
  devices?: OmemoDeviceView[];
  loading: boolean;
  error?: VireoError;
}

const EMPTY: DeviceList = { loading: false };

export type SettableTrust = 'trusted' | 'verified' | 'distrusted';

export class OmemoStore {
  #lists = $state.raw<Record<string, DeviceList>>({});
  #own = $state.raw<Record<string, OmemoOwnView>>({});
  #ownErrors = $state.raw<Record<string, VireoError>>({});
  #status = $state.raw<Record<string, OmemoStatusView>>({});
  /** Bumped by every event per list, so a load answered after a newer event does not undo it. */
  #generation = new Map<string, number>();
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  list(accountId: AccountId, jid: BareJid): DeviceList {
    return this.#lists[deviceListKey(accountId, jid)] ?? EMPTY;
  }

  own(accountId: AccountId): OmemoOwnView | undefined {
    return this.#own[accountId];
  }

  ownError(accountId: AccountId): VireoError | undefined {
    return this.#ownErrors[accountId];
  }

  /**
   * Why OMEMO does not work for this account on this device (no safe place for its keys, keys the
   * server did not take); undefined when it works or nothing is known yet. The latest 'omemo:status'
   * wins; before one arrived, what 'omemo:own' answered.
   */
  problem(accountId: AccountId): OmemoProblem | undefined {
    const status = this.#status[accountId];
    if (status) return status.problem;
    const error = this.#ownErrors[accountId];
    return this.#own[accountId]?.problem ?? (error?.code === 'omemo-unavailable' ? error.omemo : undefined);
  }

  /** This device's keys are being opened or made for this account (the latest 'omemo:status' says so). */
  preparing(accountId: AccountId): boolean {
    return this.#status[accountId]?.state === 'preparing';
  }

  /** The 'omemo:status' event. The own device is asked again if it was shown: it may exist now, or be fine. */
  applyStatus(status: OmemoStatusView): void {
    const { accountId } = status;
    const before = this.#status[accountId];
    this.#status = { ...this.#status, [accountId]: status };
    const shown = accountId in this.#own || accountId in this.#ownErrors;
    if (shown && (before?.state !== status.state || JSON.stringify(before.problem) !== JSON.stringify(status.problem)))
      void this.loadOwn(accountId);
  }

  #patch(key: string, patch: Partial<DeviceList>): void {
    this.#lists = { ...this.#lists, [key]: { ...(this.#lists[key] ?? EMPTY), ...patch } };
  }

  /** The 'omemo:devices' event: the whole current list of one JID. */
  apply({ accountId, jid, devices }: Events['omemo:devices']): void {
    const key = deviceListKey(accountId, jid);
    this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
    this.#patch(key, { devices, error: undefined });
  }

  /** Asks main for a JID's devices (main refreshes them from the server when online). */
  async load(accountId: AccountId, jid: BareJid): Promise<VireoError | undefined> {
    const key = deviceListKey(accountId, jid);
    const generation = this.#generation.get(key) ?? 0;
    this.#patch(key, { loading: true, error: undefined });
    const r = await this.#api.call('omemo:devices', { accountId, jid });
    const newer = (this.#generation.get(key) ?? 0) !== generation;
    if (r.ok) this.#patch(key, newer ? { loading: false } : { loading: false, devices: r.value });
    else this.#patch(key, { loading: false, error: r.error });
    return r.ok ? undefined : r.error;
  }

  async loadOwn(accountId: AccountId): Promise<VireoError | undefined> {
    const r = await this.#api.call('omemo:own', { accountId });
    if (r.ok) {
      this.#own = { ...this.#own, [accountId]: r.value };
      const { [accountId]: _gone, ...rest } = this.#ownErrors;
      this.#ownErrors = rest;
      return undefined;
    }
    // A device that stopped working has no fingerprint to show any more.
    const { [accountId]: _stale, ...others } = this.#own;
    this.#own = others;
    this.#ownErrors = { ...this.#ownErrors, [accountId]: r.error };
    return r.error;
  }

  /** Trust, verify or distrust one device; the answer replaces it in its list at once. */
  async setTrust(device: OmemoDeviceView, trust: SettableTrust): Promise<VireoError | undefined> {
    const { accountId, jid, deviceId } = device;
    const r = await this.#api.call('omemo:set-trust', { accountId, jid, deviceId, trust });
    if (!r.ok) return r.error;
    this.#merge([r.value]);
    return undefined;
  }

  /** Takes one of the user's other devices out of the account's device list. */
  async removeDevice(device: OmemoDeviceView): Promise<VireoError | undefined> {
    const r = await this.#api.call('omemo:remove-device', { accountId: device.accountId, deviceId: device.deviceId });
    if (!r.ok) return r.error;
    this.#merge(r.value);
    return undefined;
  }

  /** Verifies the devices named by a contact's link or QR code; answers the devices verified. */
  async verifyUri(accountId: AccountId, uri: string): Promise<Result<OmemoDeviceView[]>> {
    const r = await this.#api.call('omemo:verify-uri', { accountId, uri });
    if (r.ok) this.#merge(r.value);
    return r;
  }

  /** Replaces devices already listed (by id); a device not listed yet waits for the event. */
  #merge(updated: OmemoDeviceView[]): void {
    for (const d of updated) {
      const key = deviceListKey(d.accountId, d.jid);
      const devices = this.#lists[key]?.devices;
      if (devices?.some((x) => x.deviceId === d.deviceId)) {
        this.#patch(key, { devices: devices.map((x) => (x.deviceId === d.deviceId ? d : x)) });
      }
    }
  }
}
