// Transient results ("Invitation sent", "Bob added"): shown at the bottom of the window for a few seconds
// by the Toaster, announced politely. One list for the window; anything may add to it.

export interface Toast {
  id: number;
  text: string;
}

/** How long a toast stays, in ms (long enough to read a short sentence twice). */
export const TOAST_MS = 4000;

export class ToastsStore {
  list = $state.raw<Toast[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  /** Shows `text` for `ms` milliseconds; returns its id. At most three at once: the oldest goes first. */
  show(text: string, ms = TOAST_MS): number {
    const id = this.#next++;
    const kept = this.list.slice(-2);
    for (const t of this.list) if (!kept.includes(t)) this.#clear(t.id);
    this.list = [...kept, { id, text }];
    this.#timers.set(
      id,
      setTimeout(() => this.dismiss(id), ms),
    );
    return id;
  }

  dismiss(id: number): void {
    this.#clear(id);
    this.list = this.list.filter((t) => t.id !== id);
  }

  #clear(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}

/** The window's toasts. */
export const toasts = new ToastsStore();
