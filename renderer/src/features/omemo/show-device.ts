// How a message's lock opens its sender's OMEMO device in the devices panel: the chat view offers it
// through Svelte context (setContext at its start); without it (component tests, other views) the lock
// stays a picture with its words.
import { getContext, setContext } from 'svelte';

const KEY = Symbol('omemo-show-device');

/** Opens the devices panel of the chat shown, on this device of the contact. */
export type ShowDevice = (deviceId: number) => void;

export const provideShowDevice = (fn: ShowDevice): ShowDevice => setContext(KEY, fn);
export const useShowDevice = (): ShowDevice | undefined => getContext<ShowDevice | undefined>(KEY);
