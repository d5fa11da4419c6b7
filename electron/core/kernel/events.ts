// Main's typed event bus: services emit contract events; the IPC transports forward them.
import type { EventName, Events } from '../../../shared/contract.js';

export type Listener = <K extends EventName>(name: K, payload: Events[K]) => void;

export interface EventBus {
  emit<K extends EventName>(name: K, payload: Events[K]): void;
  /** Listen to every event (the IPC transports forward them all); returns an unsubscribe function. */
  subscribe(listener: Listener): () => void;
  /** Listen to one event, with its payload typed; returns an unsubscribe function. */
  on<K extends EventName>(name: K, cb: (payload: Events[K]) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<Listener>();
  return {
    emit(name, payload) {
      for (const l of listeners) l(name, payload);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    on(name, cb) {
      const listener: Listener = (n, payload) => {
        if ((n as EventName) === name) cb(payload as unknown as Events[typeof name]);
      };
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
