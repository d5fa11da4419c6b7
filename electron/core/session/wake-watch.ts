// Noticing that the world changed under us, without Electron: a laptop that slept (timers fire late)
// or a network interface that came or went. Either way every account is nudged: a live session checks
// its link at once (XEP-0198 <r/>, answered or dropped), and one waiting to retry tries now.
import os from 'node:os';

export interface WakeWatch {
  stop(): void;
}

function interfacesSignature(): string {
  return Object.entries(os.networkInterfaces())
    .flatMap(([name, addrs]) => (addrs ?? []).filter((a) => !a.internal).map((a) => `${name}:${a.address}`))
    .sort()
    .join(',');
}

export function startWakeWatch(nudge: (reason: 'wake' | 'network') => void, opts: { everyMs?: number } = {}): WakeWatch {
  const every = opts.everyMs ?? 5000;
  let last = Date.now();
  let signature = interfacesSignature();
  const timer = setInterval(() => {
    const now = Date.now();
    // A tick three times later than due means the process (or the machine) was asleep.
    if (now - last > every * 3) nudge('wake');
    last = now;
    const sig = interfacesSignature();
    if (sig !== signature) {
      signature = sig;
      nudge('network');
    }
  }, every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
