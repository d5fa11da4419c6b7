// A service that one built before it needs: the service graph has cycles (accounts ↔ connections,
// chats ↔ rooms and OMEMO, rooms ↔ notifications). The composition root declares each such service
// before anything is built and provides it once it is, so the cycle is written down where it is closed,
// and a use before that fails with its name instead of a temporal-dead-zone ReferenceError.
export interface Late<T> {
  /** The service, once provided. */
  (): T;
  provide(service: T): T;
}

export function late<T>(name: string): Late<T> {
  let bound: { service: T } | undefined;
  const get = (() => {
    if (!bound) throw new Error(`${name} is used before it is built`);
    return bound.service;
  }) as Late<T>;
  get.provide = (service: T) => {
    if (bound) throw new Error(`${name} is provided twice`);
    bound = { service };
    return service;
  };
  return get;
}
