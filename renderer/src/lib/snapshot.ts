// "The renderer asks for a snapshot, then applies pushed events" (ARCHITECTURE.md "Process model"),
// written once. Subscribing only after the snapshot arrived would lose what changed meanwhile, and
// applying those events before the snapshot would let the older snapshot undo them. So: subscribe
// first, hold back the events that come while the snapshot is on its way, apply the snapshot, then
// those events in the order they came, each once; after that, events apply as they come.

/** Hands one pushed event's effect to the follower: held back until the snapshot is in, then run. */
export type Deliver = (apply: () => void) => void;

export interface Following<T> {
  /** The snapshot, once it has been applied together with the events held back meanwhile. */
  loaded: Promise<T>;
  /** Unsubscribes from the events. */
  stop: () => void;
}

/**
 * `subscribe` subscribes to the events (passing each one's effect to `deliver`) and returns the
 * unsubscribe functions; `load` asks for the snapshot, which `applySnapshot` then applies.
 */
export function followSnapshot<T>(
  subscribe: (deliver: Deliver) => Array<() => void>,
  load: () => Promise<T>,
  applySnapshot: (snapshot: T) => void,
): Following<T> {
  let held: Array<() => void> | undefined = [];
  const deliver: Deliver = (apply) => (held ? held.push(apply) : apply());
  const offs = subscribe(deliver);
  const release = () => {
    const pending = held ?? [];
    held = undefined;
    for (const apply of pending) apply();
  };
  const loaded = load().then(
    (snapshot) => {
      try {
        applySnapshot(snapshot);
      } finally {
        release();
      }
      return snapshot;
    },
    (err: unknown) => {
      // No snapshot (a bug: api.call never rejects); the events still count.
      release();
      throw err;
    },
  );
  return { loaded, stop: () => offs.splice(0).forEach((off) => off()) };
}
