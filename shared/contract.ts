// The one IPC contract between the renderer and main (ARCHITECTURE.md "Process model").
// Commands: name → input schema (validated in main before any service sees it) + output type.
// Events: name → payload type, pushed from main. Handlers are typed from this object, so a command
// without a handler, or a handler with the wrong output, does not compile.
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './limits.js';
import type { AccountId, BareJid, ConversationId } from './ids.js';
import type {
  AccountView,
  AppInfoView,
  ConnectionStateView,
  ContactView,
  ConversationView,
  HistoryPageView,
  MessageView,
  OmemoDeviceView,
  OmemoOwnView,
  OmemoStatusView,
  RoomView,
  RosterSnapshotView,
  SubscriptionRequestView,
  SyncStateView,
} from './views.js';
import type { DataFormView, RoomAffiliationView, RoomCreateView } from './views.js';
import type { NotificationView, RoomDirectoryView, RoomInfoView } from './views.js';
import type { RoomDeclineView, RoomInvitationView } from './views.js';
import type { LogFolderView } from './views.js';

// RFC 7622 §3: each part of a JID is at most 1023 bytes; Vireo accepts the common `local@domain` form.
const JID_RE = /^[^\s@/"&'<>:]+@[^\s@/]+\.?[^\s@/]*$/u;
export const bareJidSchema = z
  .string()
  .trim()
  .min(3)
  .max(2047)
  .regex(JID_RE, 'expected user@domain')
  .transform((s) => normalizeBareJid(s) as BareJid);

/** Lower-case the domain and local part; resources are never part of a bare JID. */
export function normalizeBareJid(jid: string): string {
  return jid.trim().toLowerCase();
}

const accountId = z
  .string()
  .min(1)
  .max(200)
  .transform((s) => s as AccountId);
const conversationId = z
  .string()
  .min(1)
  .max(2300)
  .transform((s) => s as ConversationId);
const fingerprint256 = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'expected a SHA-256 fingerprint');
const transport = z.enum(['starttls', 'direct-tls', 'websocket']);
const manualSchema = z.strictObject({
  host: z.string().trim().min(1).max(253).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  transport: transport.optional(),
  // Only wss://: Vireo never signs in over an unencrypted connection.
  websocketUrl: z
    .string()
    .trim()
    .regex(/^wss:\/\/\S+$/, 'expected a wss:// URL (an encrypted WebSocket)')
    .max(2000)
    .optional(),
});
const empty = z.strictObject({});
/** A moderator's optional reason (kick, ban, voice), shown to the people concerned. */
const roomReason = z.string().trim().max(1000);
/** Answers to a data form (XEP-0004) by field name: text, yes/no, or several values. */
const dataFormValues = z
  .record(z.string().min(1).max(256), z.union([z.string().max(10_000), z.boolean(), z.array(z.string().max(10_000)).max(1000)]))
  .refine((v) => Object.keys(v).length <= 500, 'too many fields');

/** Declares a command: its input schema now, its output type as the type parameter. */
const command =
  <Out>() =>
  <S extends z.ZodType>(input: S) => ({ input, output: null as unknown as Out });

export const commands = {
  'app:info': command<AppInfoView>()(empty),

  'accounts:list': command<AccountView[]>()(empty),
  /** Signs in once to check the credentials and the server, then saves the account. */
  'accounts:add': command<AccountView>()(
    z.strictObject({
      jid: bareJidSchema,
      password: z.string().min(1).max(1024),
      displayName: z.string().trim().max(100).optional(),
      manual: manualSchema.optional(),
      /** The user looked at this certificate and chose to trust it for this account. */
      pinnedCertificate: fingerprint256.optional(),
      /** Where to keep the password when no keychain exists: the user's explicit choice. */
      secretFallback: z.enum(['plain-file', 'memory']).optional(),
    }),
  ),
  'accounts:remove': command<null>()(z.strictObject({ accountId })),
  'accounts:connect': command<null>()(z.strictObject({ accountId, password: z.string().min(1).max(1024).optional() })),
  'accounts:disconnect': command<null>()(z.strictObject({ accountId })),
  'accounts:trust-certificate': command<null>()(z.strictObject({ accountId, fingerprint256 })),
  /** A new password for a saved account (it changed, or was never saved): stored, then used to connect. */
  'accounts:set-password': command<null>()(z.strictObject({ accountId, password: z.string().min(1).max(1024) })),
  /** The server now offers only a weaker sign-in than before ('sasl-downgrade'): the user accepts it for this server. */
  'accounts:accept-weaker-sign-in': command<null>()(z.strictObject({ accountId })),

  'roster:snapshot': command<RosterSnapshotView>()(empty),
  'roster:add': command<null>()(z.strictObject({ accountId, jid: bareJidSchema, name: z.string().trim().max(200).optional() })),
  'roster:rename': command<null>()(z.strictObject({ accountId, jid: bareJidSchema, name: z.string().trim().max(200) })),
  'roster:remove': command<null>()(z.strictObject({ accountId, jid: bareJidSchema })),
  'roster:accept': command<null>()(z.strictObject({ accountId, jid: bareJidSchema })),
  'roster:refuse': command<null>()(z.strictObject({ accountId, jid: bareJidSchema })),

  'chats:list': command<ConversationView[]>()(empty),
  'chat:open': command<ConversationView>()(z.strictObject({ accountId, peer: bareJidSchema })),
  'chat:history': command<HistoryPageView>()(
    z.strictObject({
      conversationId,
      /** Messages strictly older than this stored message (by its position); omit for the newest. */
      beforeId: z.string().max(200).optional(),
      /** Messages strictly newer than this stored message, the oldest first; then `hasMore` says newer ones exist. */
      afterId: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(500).default(50),
    }),
  ),
  'chat:send': command<MessageView>()(z.strictObject({ conversationId, body: z.string().min(1).max(MAX_MESSAGE_LENGTH) })),
  'chat:mark-read': command<null>()(z.strictObject({ conversationId })),
  'rooms:list': command<RoomView[]>()(empty),
  /** Join (or create) a group room; resolves once the room accepted or refused us. */
  'rooms:join': command<RoomView>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      nick: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(1024).optional(),
    }),
  ),
  'rooms:leave': command<null>()(z.strictObject({ accountId, room: bareJidSchema })),
  // ---- Room invitations (XEP-0249 direct, XEP-0045 §7.8.2 mediated) ----
  /**
   * Invite someone to a room. Without `mode`: through the room (mediated, which also lets a members-only
   * room admit them), or directly when they already belong to the room, as Conversations does.
   */
  'rooms:invite': command<null>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      invitee: bareJidSchema,
      reason: z.string().trim().max(1000).optional(),
      mode: z.enum(['direct', 'mediated']).optional(),
    }),
  ),
  /** The pending invitations of every account. */
  'rooms:invitations': command<RoomInvitationView[]>()(empty),
  /** Accept: join the room (with the password that came with the invitation, or the one given here). */
  'rooms:accept-invitation': command<RoomView>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      nick: z.string().trim().min(1).max(100).optional(),
      password: z.string().min(1).max(1024).optional(),
    }),
  ),
  /** Decline: a mediated invitation is declined through the room (the inviter is told); a direct one is dismissed. */
  'rooms:decline-invitation': command<null>()(
    z.strictObject({ accountId, room: bareJidSchema, reason: z.string().trim().max(1000).optional() }),
  ),
  // ---- Room creation with configuration, administration and moderation (XEP-0045 §8–§10) ----
  /**
   * Joins a room, and when that creates it, keeps it locked and returns its configuration form
   * (§10.1.3): the user submits it ('rooms:configure') or cancels ('rooms:cancel-config', the room is
   * then destroyed). An existing room is simply joined. 'rooms:join' creates instant rooms instead.
   */
  'rooms:create': command<RoomCreateView>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      nick: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(1024).optional(),
    }),
  ),
  /** The room's configuration form, for its owners (§10.2). */
  'rooms:get-config': command<DataFormView>()(z.strictObject({ accountId, room: bareJidSchema })),
  /** Submits the configuration form fetched last, with the user's answers by field name (§10.1.3, §10.2). */
  'rooms:configure': command<RoomView>()(z.strictObject({ accountId, room: bareJidSchema, values: dataFormValues })),
  /** Leaves the configuration unchanged; a room just created and still locked is destroyed (§10.1.3). */
  'rooms:cancel-config': command<null>()(z.strictObject({ accountId, room: bareJidSchema })),
  /** Kick ('none'), voice ('participant' / 'visitor') and moderator status, by nickname (§8.2–§8.5, §9.6–§9.7). */
  'rooms:set-role': command<null>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      nick: z.string().min(1).max(1023),
      role: z.enum(['moderator', 'participant', 'visitor', 'none']),
      reason: roomReason.optional(),
    }),
  ),
  /** Ban ('outcast'), membership, admin and owner status, by the person's address (§9.1–§9.4, §10.3–§10.7). */
  'rooms:set-affiliation': command<null>()(
    z.strictObject({
      accountId,
      room: bareJidSchema,
      jid: bareJidSchema,
      affiliation: z.enum(['owner', 'admin', 'member', 'outcast', 'none']),
      reason: roomReason.optional(),
    }),
  ),
  /** The room's owner, admin, member or ban list (§9.2, §9.5, §10.5, §10.8). */
  'rooms:list-affiliation': command<RoomAffiliationView[]>()(
    z.strictObject({ accountId, room: bareJidSchema, affiliation: z.enum(['owner', 'admin', 'member', 'outcast']) }),
  ),
  /** Changes the room's subject (§8.1); resolves once the room took it or refused. */
  'rooms:set-subject': command<null>()(z.strictObject({ accountId, room: bareJidSchema, subject: z.string().max(1000) })),
  // ---- Deleting messages for everyone: retraction (XEP-0424) and room moderation (XEP-0425) ----
  /** Delete one of the user's own messages for everyone (chat or room); here it becomes "You deleted this message". */
  'chat:retract': command<MessageView>()(z.strictObject({ messageId: z.string().min(1).max(200) })),
  /** A room moderator removes someone's message for everyone, with an optional reason shown in its place. */
  'rooms:moderate': command<MessageView>()(
    z.strictObject({ messageId: z.string().min(1).max(200), reason: z.string().trim().max(1000).optional() }),
  ),
  // ---- Finding rooms, room info, notifications, private messages with occupants (XEP-0045 §6, §7.5) ----
  /** The public rooms of a group-chat service (§6.3); without `service`, of the account's own server's service. */
  'rooms:browse': command<RoomDirectoryView>()(
    z.strictObject({
      accountId,
      // A domain such as conference.example.org (RFC 7622 §3.2: at most 1023 bytes).
      service: z
        .string()
        .trim()
        .toLowerCase()
        .min(1)
        .max(1023)
        .regex(/^[^\s@/"&'<>:]+$/u, 'expected a domain like conference.example.org')
        .optional(),
    }),
  ),
  /** What a room says about itself (§6.4): name, description, how many are in it, its features. */
  'rooms:info': command<RoomInfoView>()(z.strictObject({ accountId, room: bareJidSchema })),
  /** When this room's messages notify: on mentions of the user (the default), every message, or never. */
  'rooms:set-notify': command<null>()(z.strictObject({ accountId, room: bareJidSchema, notify: z.enum(['mentions', 'all', 'never']) })),
  /** Opens (or creates) the private chat with one occupant of a room the user is in (§7.5). */
  'rooms:open-private': command<ConversationView>()(
    z.strictObject({ accountId, room: bareJidSchema, nick: z.string().trim().min(1).max(100) }),
  ),
  /** The conversation the user is looking at (window shown and focused), or null: it gets no notification. */
  'app:set-viewing': command<null>()(z.strictObject({ conversationId: conversationId.nullable() })),
  /** Send a failed message again (same id, so the other side never shows it twice). */
  'chat:retry': command<MessageView>()(z.strictObject({ messageId: z.string().min(1).max(200) })),
  /** The window is shown or hidden: tells servers to hold unimportant traffic (XEP-0352). */
  'app:set-active': command<null>()(z.strictObject({ active: z.boolean() })),
  /** Shows the folder of Vireo's log file (to attach it to a report); under the browser host, only says where it is. */
  'app:open-log-folder': command<LogFolderView>()(empty),

  /** Encrypt new messages of a one-to-one chat with OMEMO, or send them in plain text (the user's explicit choice). */
  'chat:set-encryption': command<ConversationView>()(z.strictObject({ conversationId, mode: z.enum(['omemo', 'plain']) })),
  /** This device's OMEMO fingerprint and verification link (for the QR code). */
  'omemo:own': command<OmemoOwnView>()(z.strictObject({ accountId })),
  /** The OMEMO devices of a contact (or of the user's own account), refreshed from the server when online. */
  'omemo:devices': command<OmemoDeviceView[]>()(z.strictObject({ accountId, jid: bareJidSchema })),
  /** Trust, verify or distrust one device's key. */
  'omemo:set-trust': command<OmemoDeviceView>()(
    z.strictObject({
      accountId,
      jid: bareJidSchema,
      deviceId: z.number().int().min(1).max(0xffffffff),
      trust: z.enum(['trusted', 'verified', 'distrusted']),
    }),
  ),
  /** Verify devices from the other side's link or QR code (`xmpp:jid?omemo-sid-<id>=<fingerprint>;…`); returns the devices verified. */
  'omemo:verify-uri': command<OmemoDeviceView[]>()(z.strictObject({ accountId, uri: z.string().trim().min(6).max(4000) })),
  /** Take one of the user's other OMEMO devices out of the account's device list; returns the user's devices. */
  'omemo:remove-device': command<OmemoDeviceView[]>()(z.strictObject({ accountId, deviceId: z.number().int().min(1).max(0xffffffff) })),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What the renderer passes (before defaults are applied). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** What a handler receives (after validation and defaults). */
export type CommandArgs<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = Commands[K]['output'];
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

export interface Events {
  'connection:state': ConnectionStateView;
  'accounts:changed': AccountView[];
  /** Upserted contacts and removed JIDs for one account, batched per roster page or push. */
  'roster:changed': { accountId: AccountId; contacts: ContactView[]; removed: BareJid[] };
  /** The full list of pending subscription requests for one account. */
  'roster:requests': { accountId: AccountId; requests: SubscriptionRequestView[] };
  /** New messages, batched (one event per archive page or per received stanza). */
  'message:added': MessageView[];
  'message:updated': MessageView;
  'conversation:updated': ConversationView;
  /** A room's state, subject or occupants changed. */
  'room:updated': RoomView;
  /** Archive catch-up of one account (XEP-0313): progress, then synced (or failed, with the reason). */
  'sync:state': SyncStateView;
  /** A contact's (or the user's own) OMEMO devices or their trust changed. */
  'omemo:devices': { accountId: AccountId; jid: BareJid; devices: OmemoDeviceView[] };
  /** Whether OMEMO works for an account here changed (keys not storable, not published, or fine again). */
  'omemo:status': OmemoStatusView;
  /** A new message the user should be told about (the desktop shell shows it; the body is plain text). */
  notify: NotificationView;
  /** Show this conversation (the user clicked its notification). */
  'conversation:show': { conversationId: ConversationId };
  /** The full list of pending room invitations of one account. */
  'room:invitations': { accountId: AccountId; invitations: RoomInvitationView[] };
  /** Someone declined the user's invitation to a room. */
  'room:invite-declined': RoomDeclineView;
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = [
  'connection:state',
  'accounts:changed',
  'roster:changed',
  'roster:requests',
  'message:added',
  'message:updated',
  'conversation:updated',
  'sync:state',
  'room:updated',
  'omemo:devices',
  'omemo:status',
  'notify',
  'conversation:show',
  'room:invitations',
  'room:invite-declined',
];
