// libsignal-protocol-typescript 0.0.16 keeps every receiving chain of a session forever. Its
// SessionRecord.removeOldChains trims the list of old ratchets to ten, as libsignal does, but then
// deletes `session[<binary string of the key>]` instead of the chain itself, which lives in
// `session.chains[<base64 of the key>]`. Every ratchet step therefore adds a chain (with any skipped
// message keys) that is never removed: session records grow with the length of the conversation,
// every message costs more to load and store (bench:omemo: 3 ms per message after 200 messages,
// 6 ms after 2,000), and old message keys stay on disk. This replaces the method with what it means
// to do: keep the current receiving chain and the ten most recent old ones, drop the rest.
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record.js';

const OLD_RATCHETS_MAX_LENGTH = 10;
const RECEIVING = 2; // ChainType.RECEIVING in the library

interface Chain { chainType: number }
interface Session {
  currentRatchet: { lastRemoteEphemeralKey?: ArrayBuffer };
  oldRatchetList: { added: number; ephemeralKey: ArrayBuffer }[];
  chains: Record<string, Chain>;
}

const b64 = (key: ArrayBuffer) => Buffer.from(key).toString('base64');

/** Keep the current and the ten newest old receiving chains of a session; remove every other one. */
export function pruneChains(session: Session): void {
  session.oldRatchetList.sort((a, b) => a.added - b.added);
  session.oldRatchetList.splice(0, Math.max(0, session.oldRatchetList.length - OLD_RATCHETS_MAX_LENGTH));
  const current = session.currentRatchet.lastRemoteEphemeralKey;
  const keep = new Set([...(current ? [b64(current)] : []), ...session.oldRatchetList.map((r) => b64(r.ephemeralKey))]);
  for (const [key, chain] of Object.entries(session.chains)) {
    if (chain.chainType === RECEIVING && !keep.has(key)) delete session.chains[key];
  }
}

let installed = false;
/** Once per process, before any session is updated. */
export function installChainPruning(): void {
  if (installed) return;
  installed = true;
  (SessionRecord.prototype as unknown as { removeOldChains(s: Session): void }).removeOldChains = pruneChains;
}
