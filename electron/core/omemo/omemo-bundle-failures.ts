// Which contacts' devices had a bundle Vireo could not use, why, and when to ask for it again
// (issue #11 §1). Without this memory, every look at a device list fetched a rejected bundle again
// (108 identical warnings in 40 s were seen). In memory only: after a restart, one fetch per device
// tells again what is wrong.

/**
 * Why a device's bundle (XEP-0384 v0.3 §4.4) gave no session, so that the user is told the truth:
 * - `missing`: the device published no bundle (the node or its item does not exist);
 * - `refused`: the contact's server would not let us read it (forbidden, not-authorized…);
 * - `unreadable`: a bundle is there but Vireo could not read it (its XML is not what Vireo expects);
 * - `rejected`: Vireo read it but could not start a session from it (a bad signature, a changed key).
 */
export type BundleFailureReason = 'missing' | 'refused' | 'unreadable' | 'rejected';

export interface BundleFailure {
  reason: BundleFailureReason;
  /** The server's error condition, or what the session builder said. */
  detail?: string;
  /** Failures in a row; each one doubles the wait. */
  count: number;
  /** Epoch ms before which the bundle is not asked for again. */
  retryAt: number;
}

/** The first wait after a failure, and the longest one. */
export const FIRST_RETRY_MS = 60_000;
export const LONGEST_RETRY_MS = 60 * 60_000;

export function createBundleFailures(now: () => number = Date.now) {
  /** Per account, per JID, per device id (nested: a JID may contain any separator). */
  const byAccount = new Map<string, Map<string, Map<number, BundleFailure>>>();
  const devicesOf = (accountId: string, jid: string, create = false) => {
    let jids = byAccount.get(accountId);
    if (!jids && create) byAccount.set(accountId, (jids = new Map()));
    let devices = jids?.get(jid);
    if (jids && !devices && create) jids.set(jid, (devices = new Map()));
    return devices;
  };
  const get = (accountId: string, jid: string, deviceId: number) => devicesOf(accountId, jid)?.get(deviceId);

  return {
    /** Remembers a failed fetch; returns it (with when to retry: 1 min, doubling each time, at most 1 h). */
    failed(accountId: string, jid: string, deviceId: number, reason: BundleFailureReason, detail?: string): BundleFailure {
      const count = (get(accountId, jid, deviceId)?.count ?? 0) + 1;
      const wait = Math.min(FIRST_RETRY_MS * 2 ** Math.min(count - 1, 20), LONGEST_RETRY_MS);
      const f: BundleFailure = { reason, ...(detail ? { detail } : {}), count, retryAt: now() + wait };
      devicesOf(accountId, jid, true)!.set(deviceId, f);
      return f;
    },
    /** The last failure of this device, whether or not it is time to ask again. */
    get,
    /** Not to be asked for now: it failed, and its wait is not over. */
    waiting(accountId: string, jid: string, deviceId: number): boolean {
      const f = get(accountId, jid, deviceId);
      return f !== undefined && now() < f.retryAt;
    },
    /** A session was built, or the device published a new bundle: ask (again) at once next time. */
    clear(accountId: string, jid: string, deviceId: number) {
      devicesOf(accountId, jid)?.delete(deviceId);
    },
    /** Every device of a JID: its device list changed. */
    clearJid(accountId: string, jid: string) {
      byAccount.get(accountId)?.delete(jid);
    },
    /** Every device seen by an account: it was removed. */
    clearAccount(accountId: string) {
      byAccount.delete(accountId);
    },
  };
}
export type BundleFailures = ReturnType<typeof createBundleFailures>;
