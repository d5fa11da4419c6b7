// DTOs that cross the IPC boundary. Plain data only: never XML, keys or passwords.
import type { AccountId, BareJid, ConversationId, MessageId, Timestamp } from './ids.js';
import type { VireoError } from './errors.js';
import type { MessageWarning, OmemoProblem, PeerWarning, RoomNotice, SendFailure } from './notices.js';

export type TransportKind = 'starttls' | 'direct-tls' | 'websocket';

/** How to reach the server: found by discovery, or set by the user. */
export interface EndpointView {
  transport: TransportKind;
  /** host:port for TCP transports, the URL for WebSocket. */
  address: string;
  /** Where it came from: 'srv-xmpps', 'srv-xmpp', 'host-meta', 'fallback', 'manual'. */
  source: 'srv-xmpps' | 'srv-xmpp' | 'host-meta' | 'fallback' | 'manual';
  /** host:port of the HTTP proxy the connection goes through, if any. */
  proxy?: string;
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
  /**
   * The message's place in its conversation, as the core orders it: the order the archive returned
   * messages in, never the stamp alone (stamps are often whole seconds, and clocks differ). Sort by
   * this, not by `timestamp`; it never changes for a message, so an update does not move it.
   */
  order: number;
  state: DeliveryState;
  /** XEP-0359 origin-id of our own messages / the sender's id for received ones. */
  originId?: string;
  /** Why a 'failed' message was not sent: a value the window words. */
  error?: SendFailure;
  /** In a room: the nickname of whoever wrote it. */
  senderNick?: string;
  /** End-to-end encrypted with OMEMO (XEP-0384). Absent: sent or received in plain text. */
  encrypted?: boolean;
  /** Received encrypted: how far the sender's device is trusted (OMEMO). */
  senderTrust?: DeviceTrust;
  /** Received encrypted: the OMEMO device id of the sender's device that encrypted it. */
  senderDevice?: number;
  /**
   * Something the user must know about this message: it could not be decrypted, it came unencrypted
   * into an encrypted chat, it came from a device that is not trusted… A value; the window words it.
   */
  warning?: MessageWarning;
  /** A room message that mentions the user's nickname in that room (highlighted, and it notifies). */
  mentionsMe?: boolean;
  /** Not a message but what happened in the room (someone removed or banned, and why): a value the window words; the body is ''. */
  notice?: RoomNotice;
  /**
   * Deleted for everyone: by its author (XEP-0424) or by a room moderator (XEP-0425). The body is
   * gone (''); show a tombstone. `reason` is the moderator's own words: render as text.
   */
  retracted?: { by: 'sender' | 'moderator'; at: Timestamp; reason?: string };
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
  /** The keys exist but the server has not taken them (contacts cannot encrypt for this device yet): a value the window words. */
  problem?: OmemoProblem & { kind: 'unpublished' };
}

/** Whether OMEMO works for an account on this Vireo, and if not, why (pushed as 'omemo:status'). */
export interface OmemoStatusView {
  accountId: AccountId;
  /**
   * preparing: the keys are being opened, or made the first time (the storage key from the keychain,
   * an identity key, a signed prekey and 100 prekeys); encrypted messages wait until they are open.
   * ready: the keys are open (and published once signed in); unpublished: the keys are open but the
   * server did not take them, so contacts cannot encrypt for this device; unavailable: no keys (no safe
   * place to keep them, or they could not be made): nothing can be encrypted or decrypted here.
   */
  state: 'preparing' | 'ready' | 'unpublished' | 'unavailable';
  /** Why, as a value the window words (with what happens next); absent when preparing or ready. */
  problem?: OmemoProblem;
}

/** The encryption of a one-to-one chat. */
export interface ChatEncryptionView {
  /** What new messages use: OMEMO, or plain text (only when the user chose it). */
  mode: 'omemo' | 'plain';
  /** The contact has published OMEMO devices (unknown until looked up: then false). */
  available: boolean;
  /**
   * A state the user must act on: this device's own problem in an encrypted chat (it comes first), else
   * the contact's (a new unverified device, no device that can receive…). A value the window words.
   */
  warning?: OmemoProblem | PeerWarning;
  /** This account's OMEMO does not work on this device (see OmemoStatusView); absent when it does. */
  notReady?: OmemoProblem;
  /** This device's encryption keys are being prepared (OmemoStatusView 'preparing'): encrypted messages wait. */
  preparing?: true;
}

export interface ConversationView {
  id: ConversationId;
  /**
   * A one-to-one chat, a group room (XEP-0045), or a private chat with one occupant of a room
   * (XEP-0045 §7.5: 'pm', peer = `room@service/nick`).
   */
  kind: 'chat' | 'room' | 'pm';
  accountId: AccountId;
  peer: BareJid;
  /** Contact name if known, else the JID. */
  title: string;
  lastActivity: Timestamp;
  /** The newest message for the row's preview; in a room, `senderNick` is who wrote it (render as text). */
  lastMessage?: { body: string; direction: MessageDirection; senderNick?: string };
  unread: number;
  /** One-to-one chats only. */
  encryption?: ChatEncryptionView;
}

export interface HistoryPageView {
  messages: MessageView[];
  /** There are older messages, in the database or in the server's archive (not yet fetched). */
  hasMore: boolean;
  /** Nothing older can be fetched: the room keeps no history on the server (it offers no archive). */
  noServerHistory?: true;
}

export interface AppInfoView {
  version: string;
  /** 'electron' or 'browser-host'. */
  host: 'electron' | 'browser-host';
  /** The most secure secret backend available on this machine, and why the others are not. */
  secrets: { best: SecretBackend; keychainAvailable: boolean; note?: string };
}

/** Where Vireo's log file is (issue #12 §6), and whether the system's file manager was asked to show it. */
export interface LogFolderView {
  path: string;
  /** False under the browser host (a browser cannot open a folder): the window shows the path instead. */
  opened: boolean;
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
  /**
   * XEP-0421 occupant id: the same person across nickname changes and rejoins. Only set when the room
   * announces occupant ids (otherwise anyone could claim one).
   */
  occupantId?: string;
}

export interface RoomView {
  accountId: AccountId;
  jid: BareJid;
  conversationId: ConversationId;
  /** The user's nickname in the room. */
  nick: string;
  /** The room's name as its owners configured it (XEP-0045 §6.4 disco#info), when it has one: render as text. */
  name?: string;
  subject?: string;
  state: 'joining' | 'joined' | 'left' | 'error';
  /** Why joining failed or why the user is out (kicked, banned, room destroyed), in contract codes. */
  error?: VireoError;
  /** A moderator's reason for removing the user (kick or ban, XEP-0045 §8.2/§9.1), as written: render as text. */
  removalReason?: string;
  /** The user just created this room and it waits for its configuration: nobody else can enter yet (XEP-0045 §10.1). */
  locked?: boolean;
  occupants: OccupantView[];
  /** When this room's messages notify; absent means 'mentions' (the default). */
  notify?: RoomNotifyMode;
  /** Joined, but the room did not answer a self-ping (XEP-0410): the connection to it is lost; Vireo keeps retrying. */
  unreachable?: boolean;
}

/** A pending invitation to a room (XEP-0249 direct, or XEP-0045 §7.8.2 mediated through the room). */
export interface RoomInvitationView {
  accountId: AccountId;
  room: BareJid;
  kind: 'direct' | 'mediated';
  /**
   * Who invites: the sender's bare JID for a direct invitation; for a mediated one what the room says
   * (a bare JID, or `room@service/nick` in rooms that hide real addresses). Absent if the room did not say.
   */
  inviter?: string;
  /** The inviter's name in the roster, or their nickname in the room. User-controlled: render as text. */
  inviterName?: string;
  /** The inviter's words, as written: render as text. */
  reason?: string;
  /** A room password came with the invitation (it stays in main and is used on Accept). */
  hasPassword: boolean;
  receivedAt: Timestamp;
}

/** Someone declined the user's mediated invitation (XEP-0045 §7.8.2), as the room reports it. */
export interface RoomDeclineView {
  accountId: AccountId;
  room: BareJid;
  /** Who declined (a JID as the room gives it), if the room said. */
  decliner?: string;
  declinerName?: string;
  reason?: string;
}

/** When a room's messages notify (the user's choice per room): on mentions of the user, every message, or never. */
export type RoomNotifyMode = 'mentions' | 'all' | 'never';

/** One room listed by a group-chat service (XEP-0045 §6.3). */
export interface RoomListingView {
  jid: BareJid;
  /** The room's name as the service lists it: render as text. */
  name?: string;
}

/** The public rooms of one group-chat service. */
export interface RoomDirectoryView {
  accountId: AccountId;
  /** The service's address, e.g. conference.example.org. */
  service: string;
  /** Every group-chat service found on the user's server (XEP-0045 §6.1), to browse another one. */
  services: string[];
  rooms: RoomListingView[];
}

/** What a room says about itself (XEP-0045 §6.4), before joining or in its header. Texts are the room's own: render as text. */
export interface RoomInfoView {
  accountId: AccountId;
  jid: BareJid;
  name?: string;
  description?: string;
  subject?: string;
  /** How many people are in it, when the room says. */
  occupants?: number;
  language?: string;
  passwordProtected: boolean;
  membersOnly: boolean;
  /** Anyone in the room can see everyone's real address. */
  nonAnonymous: boolean;
  moderated: boolean;
  persistent: boolean;
  /** Listed in the service's directory. */
  public: boolean;
  /** Its messages are kept in an archive (XEP-0313). */
  archived: boolean;
}

/** A desktop notification the core decided on (a new message); the body is plain text. */
export interface NotificationView {
  accountId: AccountId;
  conversationId: ConversationId;
  title: string;
  body: string;
}

// ---- Room creation with configuration, administration and moderation (XEP-0045 §8–§10, XEP-0004) ----

/** XEP-0004 §3.3 field types. */
export type DataFieldType =
  | 'boolean'
  | 'fixed'
  | 'hidden'
  | 'jid-multi'
  | 'jid-single'
  | 'list-multi'
  | 'list-single'
  | 'text-multi'
  | 'text-private'
  | 'text-single';

/** One field of a form meant for a person (a room's configuration). Labels and texts come from the server: render as text. */
export interface DataFieldView {
  /** The field's name; absent only on 'fixed' fields (section headings and notes). */
  var?: string;
  type: DataFieldType;
  label?: string;
  desc?: string;
  required: boolean;
  /** The current values. Never filled for 'text-private' (a password stays in main): see `hasValue`. */
  values: string[];
  /** 'text-private' only: the field has a value now (left unchanged unless the user types a new one). */
  hasValue?: boolean;
  /** For list-single and list-multi. */
  options: { label?: string; value: string }[];
}

export interface DataFormView {
  title?: string;
  instructions?: string;
  fields: DataFieldView[];
}

/** A filled-in field: text, a yes/no, or several values (the *-multi fields). */
export type DataFormValue = string | boolean | string[];

/** The room the user asked to create, and its configuration form when the user did create it (it is locked until submitted). */
export interface RoomCreateView {
  room: RoomView;
  /** Absent when the room already existed: the user simply joined it. */
  form?: DataFormView;
}

/** One entry of a room's member, admin, owner or ban list (XEP-0045 §9.2, §9.5, §10.5, §10.8). */
export interface RoomAffiliationView {
  jid: BareJid;
  affiliation: RoomAffiliation;
  /** The nickname reserved for them in the room, if the room says. */
  nick?: string;
  reason?: string;
}
