// The renderer's state in one place: load a snapshot, then apply pushed events (ARCHITECTURE.md "State
// flows one way"). Created by App.svelte and handed to components through Svelte context, so tests
// can build one over a fake bridge. Nothing runs at import time.
import { getContext, setContext } from 'svelte';
import type { Api } from '$lib/api.js';
import type { AccountId, BareJid, ConversationId, MessageId } from '$shared/ids.js';
import type { Result, VireoError } from '$shared/errors.js';
import type { AccountView, ConversationView, RosterSnapshotView, RoomView } from '$shared/views.js';
import { followSnapshot } from '$lib/snapshot.js';
import { AccountsStore } from './accounts.svelte.js';
import { RosterStore } from './roster.svelte.js';
import { ConversationsStore } from './conversations.svelte.js';
import { MessagesStore } from './messages.svelte.js';
import { SyncStore } from './sync.svelte.js';
import { RoomsStore } from './rooms.svelte.js';
import { OmemoStore } from './omemo.svelte.js';

export type LoadStatus = 'loading' | 'ready' | 'failed';

export class AppState {
  readonly accounts: AccountsStore;
  readonly roster: RosterStore;
  readonly conversations = new ConversationsStore();
  readonly sync = new SyncStore();
  readonly rooms: RoomsStore;
  readonly messages: MessagesStore;
  readonly omemo: OmemoStore;

  status = $state<LoadStatus>('loading');
  loadError = $state<VireoError | undefined>(undefined);
  /** The conversation shown in the main pane. */
  selected = $state<ConversationId | undefined>(undefined);

  /** Only the stores reach the core: components call their functions, never the api. */
  readonly #api: Api;
  #offs: Array<() => void> = [];

  constructor(api: Api) {
    this.#api = api;
    this.accounts = new AccountsStore(api);
    this.roster = new RosterStore(api);
    this.rooms = new RoomsStore(api);
    this.messages = new MessagesStore(api);
    this.omemo = new OmemoStore(api);
  }

  /** Subscribes first and holds events back until the snapshot is in, so nothing falls in between. */
  async start(): Promise<void> {
    const api = this.#api;
    const following = followSnapshot(
      (deliver) => [
        api.on('accounts:changed', (list) => deliver(() => this.accounts.setAll(list))),
        api.on('connection:state', (s) => deliver(() => this.accounts.applyConnection(s))),
        api.on('roster:changed', (p) => deliver(() => this.roster.applyChanged(p))),
        api.on('roster:requests', (p) => deliver(() => this.roster.applyRequests(p))),
        api.on('message:added', (list) => deliver(() => this.messages.add(list))),
        api.on('message:updated', (m) => deliver(() => this.messages.update(m))),
        api.on('conversation:updated', (c) => deliver(() => this.conversations.upsert(c))),
        api.on('sync:state', (s) => deliver(() => this.sync.apply(s))),
        api.on('room:updated', (r) => deliver(() => this.rooms.upsert(r))),
        api.on('omemo:devices', (p) => deliver(() => this.omemo.apply(p))),
        api.on('omemo:status', (p) => deliver(() => this.omemo.applyStatus(p))),
      ],
      () =>
        Promise.all([
          api.call('accounts:list', {}),
          api.call('roster:snapshot', {}),
          api.call('chats:list', {}),
          api.call('rooms:list', {}),
        ]),
      (snapshot) => this.#applySnapshot(...snapshot),
    );
    this.#offs.push(following.stop);
    const [accounts, roster, chats, rooms] = await following.loaded;
    const failed = [accounts, roster, chats, rooms].find((r) => !r.ok);
    if (failed && !failed.ok) {
      this.loadError = failed.error;
      this.status = accounts.ok ? 'ready' : 'failed';
    } else {
      this.status = 'ready';
    }
  }

  #applySnapshot(
    accounts: Result<AccountView[]>,
    roster: Result<RosterSnapshotView>,
    chats: Result<ConversationView[]>,
    rooms: Result<RoomView[]>,
  ): void {
    if (accounts.ok) {
      this.accounts.setAll(accounts.value);
      // A catch-up that finished before this window opened is still worth showing.
      for (const a of accounts.value) if (a.sync && !this.sync.get(a.id)) this.sync.apply(a.sync);
    }
    if (roster.ok) this.roster.setSnapshot(roster.value);
    if (chats.ok) this.conversations.setAll(chats.value);
    if (rooms.ok) this.rooms.setAll(rooms.value);
  }

  stop(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  /** Opens (or creates) the chat with a contact and shows it. */
  async openChat(accountId: AccountId, peer: BareJid): Promise<VireoError | undefined> {
    const r = await this.#api.call('chat:open', { accountId, peer });
    if (!r.ok) return r.error;
    this.conversations.upsert(r.value);
    this.selected = r.value.id;
    return undefined;
  }

  select(c: ConversationView): void {
    this.selected = c.id;
  }

  /**
   * A conversation by id. A room just joined may be shown before the core's 'conversation:updated'
   * for it arrives; until then its conversation is made up from the room.
   */
  conversation(id: ConversationId): ConversationView | undefined {
    const known = this.conversations.get(id);
    if (known) return known;
    const room = this.rooms.byConversation(id);
    return room ? roomConversation(room) : undefined;
  }

  /** Joins (or creates) a room and shows it; resolves once the room let us in or said why not. */
  async joinRoom(accountId: AccountId, room: BareJid, nick: string, password?: string): Promise<VireoError | undefined> {
    const input = password ? { accountId, room, nick, password } : { accountId, room, nick };
    const r = await this.#api.call('rooms:join', input);
    if (!r.ok) return r.error;
    this.rooms.upsert(r.value);
    this.selected = r.value.conversationId;
    return undefined;
  }

  openRoom(room: RoomView): void {
    this.selected = room.conversationId;
  }

  /** Opens (or creates) the private chat with someone in a room (XEP-0045 §7.5) and shows it. */
  async openPrivateChat(room: RoomView, nick: string): Promise<VireoError | undefined> {
    const r = await this.#api.call('rooms:open-private', { accountId: room.accountId, room: room.jid, nick });
    if (!r.ok) return r.error;
    this.conversations.upsert(r.value);
    this.select(r.value);
    return undefined;
  }

  /** Leaves a room; its conversation (and history) stays, marked as left. */
  async leaveRoom(room: RoomView): Promise<VireoError | undefined> {
    const r = await this.#api.call('rooms:leave', { accountId: room.accountId, room: room.jid });
    if (!r.ok) return r.error;
    // The core follows with 'room:updated'; say "left" at once rather than wait for it.
    const current = this.rooms.get(room.accountId, room.jid);
    if (current && current.state !== 'left') this.rooms.upsert({ ...current, state: 'left', occupants: [] });
    return undefined;
  }

  async send(conversationId: ConversationId, body: string): Promise<VireoError | undefined> {
    const r = await this.#api.call('chat:send', { conversationId, body });
    if (!r.ok) return r.error;
    this.messages.applyAnswer(r.value);
    return undefined;
  }

  /** Sends a failed message again; it comes back 'pending', and 'message:updated' tells the rest. */
  async retry(messageId: MessageId): Promise<VireoError | undefined> {
    const r = await this.#api.call('chat:retry', { messageId });
    if (!r.ok) return r.error;
    this.messages.applyAnswer(r.value);
    return undefined;
  }

  /** Deletes one of the user's own messages for everyone (XEP-0424); it comes back as a tombstone. */
  async retract(messageId: MessageId): Promise<VireoError | undefined> {
    const r = await this.#api.call('chat:retract', { messageId });
    if (!r.ok) return r.error;
    this.messages.update(r.value);
    return undefined;
  }

  /** As a room moderator, removes someone's message for everyone (XEP-0425), with an optional reason. */
  async moderate(messageId: MessageId, reason?: string): Promise<VireoError | undefined> {
    const r = await this.#api.call('rooms:moderate', reason ? { messageId, reason } : { messageId });
    if (!r.ok) return r.error;
    this.messages.update(r.value);
    return undefined;
  }

  /** A catch-up that failed starts again with a fresh session: disconnect, then connect. */
  async resync(accountId: AccountId): Promise<VireoError | undefined> {
    const off = await this.accounts.disconnect(accountId);
    if (!off.ok) return off.error;
    const on = await this.accounts.connect(accountId);
    return on.ok ? undefined : on.error;
  }

  /** Encrypts new messages of a one-to-one chat with OMEMO, or sends them in plain text. */
  async setEncryption(conversationId: ConversationId, mode: 'omemo' | 'plain'): Promise<VireoError | undefined> {
    const r = await this.#api.call('chat:set-encryption', { conversationId, mode });
    if (!r.ok) return r.error;
    this.conversations.upsert(r.value);
    return undefined;
  }

  /** Shows the folder of Vireo's log file (the desktop app opens it; the browser host answers its path). */
  openLogFolder() {
    return this.#api.call('app:open-log-folder', {});
  }

  /** Tells the core which conversation the user is looking at (none: null), so it does not notify of it. */
  setViewing(conversationId: ConversationId | null): void {
    void this.#api.call('app:set-viewing', { conversationId });
  }

  /** Shows the conversation a clicked notification asks for ('conversation:show'); returns the unsubscribe. */
  followShowRequests(): () => void {
    return this.#api.on('conversation:show', ({ conversationId }) => {
      this.selected = conversationId;
    });
  }

  /** Conversations with a 'chat:mark-read' on its way: true when another is wanted after it. */
  #marking = new Map<ConversationId, boolean>();

  async markRead(conversationId: ConversationId): Promise<void> {
    this.conversations.clearUnread(conversationId);
    // The core stores it and publishes the read state to the server (a round trip). Messages that come
    // meanwhile ask for one more after it: a burst of thousands sends a few, not one per message.
    if (this.#marking.has(conversationId)) {
      this.#marking.set(conversationId, true);
      return;
    }
    try {
      do {
        this.#marking.set(conversationId, false);
        await this.#api.call('chat:mark-read', { conversationId });
      } while (this.#marking.get(conversationId));
    } finally {
      this.#marking.delete(conversationId);
    }
  }
}

function roomConversation(room: RoomView): ConversationView {
  return {
    id: room.conversationId,
    kind: 'room',
    accountId: room.accountId,
    peer: room.jid,
    title: room.jid,
    lastActivity: Date.now(),
    unread: 0,
  };
}

const KEY = Symbol('vireo.app');

export function setAppState(app: AppState): void {
  setContext(KEY, app);
}

export function getAppState(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('AppState missing: render inside <App> or pass it as context');
  return app;
}

/** For tests: the context map that `render(..., { context })` expects. */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[KEY, app]]);
}
