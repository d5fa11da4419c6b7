// DTOs that cross the IPC boundary. Plain data only: never XML, keys or passwords.
import type { AccountId, BareJid, ConversationId, MessageId, Timestamp } from './ids.js';
import type { VireoError } from './errors.js';

export type TransportKind = 'starttls' | 'direct-tls' | 'websocket';

/** How to reach the server: found by discovery, or set by the user. */
export interface EndpointView {
  transport: TransportKind;
  /** host:port for TCP transports, the URL for WebSocket. */
  address: string;
  /** Where it came from: 'srv-xmpps', 'srv-xmpp', 'host-meta', 'fallback', 'manual'. */
  source: 'srv-xmpps' | 'srv-xmpp' | 'host-meta' | 'fallback' | 'manual';
}

export type ConnectionStatus = 'offline' | 'connecting' | 'online' | 'waiting-to-retry' | 'error';

export interface ConnectionStateView {
  accountId: AccountId;
  status: ConnectionStatus;
  /** The endpoint in use or last used successfully. */
  endpoint?: EndpointView;
  /** Set when status is 'error' or 'waiting-to-retry'. */
  error?: VireoError;
  /** When status is 'waiting-to-retry': the next attempt (epoch ms). */
  retryAt?: Timestamp;
  /** When online: a new session, or the previous one resumed (XEP-0198) with nothing lost. */
  session?: 'new' | 'resumed';
}

export type SecretBackend = 'keychain' | 'safe-storage' | 'plain-file' | 'memory';

export interface AccountView {
  id: AccountId;
  jid: BareJid;
  /** Shown next to the account; defaults to the local part. */
  displayName: string;
  enabled: boolean;
  /** Manual connection settings, if the user set any. */
  manual?: { host?: string; port?: number; transport?: TransportKind; websocketUrl?: string };
  /** Fingerprint of a certificate the user chose to trust for this account. */
  pinnedCertificate?: string;
  /** Where the password is kept. 'memory': not saved; asked again at the next start. */
  secretBackend: SecretBackend;
  connection: ConnectionStateView;
  /** The last archive catch-up state, if one ran since start-up. */
  sync?: SyncStateView;
}

export type Subscription = 'none' | 'to' | 'from' | 'both';
export type PresenceShow = 'online' | 'chat' | 'away' | 'xa' | 'dnd' | 'offline';

export interface ContactView {
  accountId: AccountId;
  jid: BareJid;
  /** The roster name, or the local part when there is none. */
  name: string;
  hasCustomName: boolean;
  groups: string[];
  subscription: Subscription;
  /** We asked to see their presence and they have not answered. */
  pendingOut: boolean;
  /** Best presence over all their resources. */
  presence: PresenceShow;
  status?: string;
}

export interface SubscriptionRequestView {
  accountId: AccountId;
  jid: BareJid;
  /** Optional text the requester sent with it. */
  message?: string;
  receivedAt: Timestamp;
}

export interface RosterSnapshotView {
  contacts: ContactView[];
  requests: SubscriptionRequestView[];
}

export type MessageDirection = 'in' | 'out';
/**
 * Our messages: pending (in the outbox) → sent (the server has it) → delivered (XEP-0184 receipt or
 * XEP-0333 received) → read (XEP-0333 displayed); failed: the server bounced it (the user can retry).
 * Their messages: received.
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface MessageView {
  id: MessageId;
  conversationId: ConversationId;
  accountId: AccountId;
  peer: BareJid;
  direction: MessageDirection;
  /** The text exactly as sent: render as text, never as HTML. */
  body: string;
  timestamp: Timestamp;
  state: DeliveryState;
  /** XEP-0359 origin-id of our own messages / the sender's id for received ones. */
  originId?: string;
  /** Why a 'failed' message bounced, in words. */
  error?: string;
  /** In a room: the nickname of whoever wrote it. */
  senderNick?: string;
  /** End-to-end encrypted with OMEMO (XEP-0384). Absent: sent or received in plain text. */
  encrypted?: boolean;
  /** Received encrypted: how far the sender's device is trusted (OMEMO). */
  senderTrust?: DeviceTrust;
  /**
   * Something the user must know about this message, in words: it could not be decrypted, it came
   * unencrypted into an encrypted chat, it came from a device that is not trusted…
   */
  warning?: string;
}

/**
 * OMEMO trust in one device's key: undecided (new, not yet decided), trusted (blind trust before
 * verification), verified (the user compared fingerprints), distrusted (never encrypt for it).
 */
export type DeviceTrust = 'undecided' | 'trusted' | 'verified' | 'distrusted';

/** One OMEMO device of a contact or of the user. */
export interface OmemoDeviceView {
  accountId: AccountId;
  jid: BareJid;
  deviceId: number;
  /** 64 hex digits (the identity key without its 0x05 type byte), as other clients show it; absent until its keys were fetched. */
  fingerprint?: string;
  trust: DeviceTrust;
  /** Listed in the owner's published device list now (false: removed, kept only for old messages). */
  active: boolean;
  /** This device (the Vireo the user is looking at). */
  own: boolean;
}

/** This Vireo's own OMEMO device for one account. */
export interface OmemoOwnView {
  accountId: AccountId;
  jid: BareJid;
  deviceId: number;
  fingerprint: string;
  /** `xmpp:user@domain?omemo-sid-<id>=<fingerprint>`: what the QR code holds (Conversations' format). */
  uri: string;
}

/** The encryption of a one-to-one chat. */
export interface ChatEncryptionView {
  /** What new messages use: OMEMO, or plain text (only when the user chose it). */
  mode: 'omemo' | 'plain';
  /** The contact has published OMEMO devices (unknown until looked up: then false). */
  available: boolean;
  /** A state the user must act on, in words (a new unverified device, no trusted device…). */
  warning?: string;
}

export interface ConversationView {
  id: ConversationId;
  /** A one-to-one chat or a group room (XEP-0045). */
  kind: 'chat' | 'room';
  accountId: AccountId;
  peer: BareJid;
  /** Contact name if known, else the JID. */
  title: string;
  lastActivity: Timestamp;
  lastMessage?: { body: string; direction: MessageDirection };
  unread: number;
  /** One-to-one chats only. */
  encryption?: ChatEncryptionView;
}

export interface HistoryPageView {
  messages: MessageView[];
  /** There are older messages in the database. */
  hasMore: boolean;
}

export interface AppInfoView {
  version: string;
  /** 'electron' or 'browser-host'. */
  host: 'electron' | 'browser-host';
  /** The most secure secret backend available on this machine, and why the others are not. */
  secrets: { best: SecretBackend; keychainAvailable: boolean; note?: string };
}

export interface SyncStateView {
  accountId: AccountId;
  phase: 'catching-up' | 'synced' | 'failed';
  /** Messages fetched from the archive so far in this catch-up. */
  fetched: number;
  detail?: string;
}

export type RoomRole = 'moderator' | 'participant' | 'visitor' | 'none';
export type RoomAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

export interface OccupantView {
  nick: string;
  role: RoomRole;
  affiliation: RoomAffiliation;
  /** Their real address, when the room shows it (non-anonymous rooms, or to moderators). */
  jid?: BareJid;
  presence: PresenceShow;
  /** This occupant is the user. */
  isSelf: boolean;
}

export interface RoomView {
  accountId: AccountId;
  jid: BareJid;
  conversationId: ConversationId;
  /** The user's nickname in the room. */
  nick: string;
  subject?: string;
  state: 'joining' | 'joined' | 'left' | 'error';
  /** Why joining failed or why the user is out (kicked, banned, room destroyed), in contract codes. */
  error?: VireoError;
  occupants: OccupantView[];
}
