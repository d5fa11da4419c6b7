// A fake of `window.vireo` for component tests: answers commands from handlers, records every call,
// and pushes events on demand. (The real bridge is exercised end to end in Chromium elsewhere.)
import type { CommandInput, CommandName, CommandOutput, EventName, Events } from '$shared/contract.js';
import type { Result } from '$shared/errors.js';
import type { AccountId, BareJid, ConversationId, MessageId } from '$shared/ids.js';
import type {
  AccountView,
  ContactView,
  ConversationView,
  MessageView,
  OccupantView,
  OmemoDeviceView,
  OmemoOwnView,
  RoomView,
} from '$shared/views.js';
import type { Bridge } from '$lib/api.js';

type Answer<K extends CommandName> = Result<CommandOutput<K>> | Promise<Result<CommandOutput<K>>>;
export type Handlers = { [K in CommandName]?: (input: CommandInput<K>) => Answer<K> };

export interface Call {
  name: CommandName;
  input: unknown;
}

/** Unanswered snapshot commands get an empty answer; other commands answer `null` (ok). */
export function createFakeBridge(overrides: Handlers = {}) {
  const handlers: Handlers = {
    'accounts:list': () => ok([]),
    'roster:snapshot': () => ok({ contacts: [], requests: [] }),
    'chats:list': () => ok([]),
    'rooms:list': () => ok([]),
    'rooms:invitations': () => ok([]),
    ...overrides,
  };
  const calls: Call[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge: Bridge = {
    async invoke(name, input) {
      calls.push({ name: name as CommandName, input });
      const h = handlers[name as CommandName] as ((i: unknown) => unknown) | undefined;
      if (!h) return { ok: true, value: null };
      return h(input);
    },
    on(name, cb) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
  };
  return {
    bridge,
    handlers,
    calls,
    callsOf<K extends CommandName>(name: K): CommandInput<K>[] {
      return calls.filter((c) => c.name === name).map((c) => c.input as CommandInput<K>);
    },
    emit<E extends EventName>(name: E, payload: Events[E]): void {
      for (const cb of listeners.get(name) ?? []) cb(payload);
    },
  };
}

export const ok = <T>(value: T) => ({ ok: true as const, value });

export const ACCOUNT_ID = 'acc-1' as AccountId;

export function account(over: Partial<AccountView> = {}): AccountView {
  return {
    id: ACCOUNT_ID,
    jid: 'alice@example.org' as BareJid,
    displayName: 'Alice',
    enabled: true,
    secretBackend: 'keychain',
    connection: { accountId: ACCOUNT_ID, status: 'online' },
    ...over,
  };
}

export function contact(jid: string, over: Partial<ContactView> = {}): ContactView {
  return {
    accountId: ACCOUNT_ID,
    jid: jid as BareJid,
    name: jid.split('@')[0] ?? jid,
    hasCustomName: false,
    groups: [],
    subscription: 'both',
    pendingOut: false,
    presence: 'online',
    ...over,
  };
}

export const convId = (peer: string) => `${ACCOUNT_ID}:${peer}` as ConversationId;

export function conversation(peer: string, over: Partial<ConversationView> = {}): ConversationView {
  return {
    id: convId(peer),
    kind: 'chat',
    accountId: ACCOUNT_ID,
    peer: peer as BareJid,
    title: peer.split('@')[0] ?? peer,
    lastActivity: Date.now(),
    unread: 0,
    ...over,
  };
}

/** A room's conversation, as the core lists it (kind 'room', the room's JID as peer). */
export function roomConversation(room: string, over: Partial<ConversationView> = {}): ConversationView {
  return conversation(room, { kind: 'room', title: room, ...over });
}

export function occupant(nick: string, over: Partial<OccupantView> = {}): OccupantView {
  return { nick, role: 'participant', affiliation: 'none', presence: 'online', isSelf: false, ...over };
}

export function room(jid: string, over: Partial<RoomView> = {}): RoomView {
  return {
    accountId: ACCOUNT_ID,
    jid: jid as BareJid,
    conversationId: convId(jid),
    nick: 'alice',
    state: 'joined',
    occupants: [occupant('alice', { isSelf: true })],
    ...over,
  };
}

let seq = 0;
export function message(peer: string, over: Partial<MessageView> = {}): MessageView {
  seq += 1;
  const timestamp = over.timestamp ?? 1_700_000_000_000 + seq * 1000;
  return {
    id: `m${seq}` as MessageId,
    conversationId: convId(peer),
    accountId: ACCOUNT_ID,
    peer: peer as BareJid,
    direction: 'in',
    body: `hello ${seq}`,
    timestamp,
    // As the core does for a message that happens now: its place is its time.
    order: timestamp,
    state: 'received',
    ...over,
  };
}

/** 64 hex digits, different per seed, as OmemoDeviceView.fingerprint carries them. */
export const fingerprint = (seed: number) =>
  Array.from({ length: 8 }, (_, i) => ((seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0).toString(16).padStart(8, '0')).join('');

export function omemoDevice(jid: string, deviceId: number, over: Partial<OmemoDeviceView> = {}): OmemoDeviceView {
  return {
    accountId: ACCOUNT_ID,
    jid: jid as BareJid,
    deviceId,
    fingerprint: fingerprint(deviceId),
    trust: 'undecided',
    active: true,
    own: false,
    ...over,
  };
}

export function omemoOwn(over: Partial<OmemoOwnView> = {}): OmemoOwnView {
  const deviceId = over.deviceId ?? 4242;
  const fp = over.fingerprint ?? fingerprint(deviceId);
  return {
    accountId: ACCOUNT_ID,
    jid: 'alice@example.org' as BareJid,
    deviceId,
    fingerprint: fp,
    uri: `xmpp:alice@example.org?omemo-sid-${deviceId}=${fp}`,
    ...over,
  };
}
