// Words for states and times. Pure functions, so they are easy to test and reuse.
import type { Timestamp } from '$shared/ids.js';
import type {
  ConnectionStateView,
  ContactView,
  DeliveryState,
  PresenceShow,
  RoomAffiliation,
  RoomRole,
  RoomView,
  SyncStateView,
} from '$shared/views.js';
import { errorText } from './error-text.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** "just now", "5 min ago", "14:05" (today), "yesterday", or a short date. */
export function relativeTime(ts: Timestamp, now: Timestamp): string {
  const diff = now - ts;
  if (diff < MINUTE) return 'just now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  const then = new Date(ts);
  const today = new Date(now);
  if (then.toDateString() === today.toDateString()) return clockTime(ts);
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (then.toDateString() === yesterday.toDateString()) return 'yesterday';
  const sameYear = then.getFullYear() === today.getFullYear();
  return then.toLocaleDateString(undefined, sameYear ? { day: 'numeric', month: 'short' } : { dateStyle: 'medium' });
}

// One formatter each, made on first use: toLocale…String with options builds a new one per call
// (about a millisecond), which a burst of thousands of messages would pay for every one.
let clockFormat: Intl.DateTimeFormat | undefined;
let fullFormat: Intl.DateTimeFormat | undefined;

export function clockTime(ts: Timestamp): string {
  return (clockFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })).format(ts);
}

export function fullDateTime(ts: Timestamp): string {
  return (fullFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })).format(ts);
}

/**
 * Splits "AB:CD:…" (32 pairs) into lines of 8 pairs for reading aloud and comparing. Each line but the
 * last keeps its trailing colon, so the concatenated text is still exactly the fingerprint.
 */
export function groupFingerprint(fp: string, pairsPerLine = 8): string[] {
  const pairs = fp.split(':');
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += pairsPerLine) {
    const last = i + pairsPerLine >= pairs.length;
    lines.push(pairs.slice(i, i + pairsPerLine).join(':') + (last ? '' : ':'));
  }
  return lines;
}

/** The connection state in words, as shown next to the account. */
export function connectionText(state: ConnectionStateView, now: Timestamp): string {
  switch (state.status) {
    case 'online':
      return 'Online';
    case 'connecting':
      return 'Connecting…';
    case 'offline':
      return 'Offline';
    case 'waiting-to-retry': {
      const seconds = Math.max(0, Math.ceil(((state.retryAt ?? now) - now) / 1000));
      return `Waiting to retry in ${seconds} s`;
    }
    case 'error':
      return state.error ? errorText(state.error).title : 'Could not connect.';
  }
}

const PRESENCE_TEXT: Record<PresenceShow, string> = {
  online: 'Online',
  chat: 'Free to chat',
  away: 'Away',
  xa: 'Away for a while',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

export function presenceText(show: PresenceShow): string {
  return PRESENCE_TEXT[show];
}

/** What the subscription means for the person, or undefined when everything is mutual. */
export function subscriptionHint(c: Pick<ContactView, 'subscription' | 'pendingOut'>): string | undefined {
  if (c.pendingOut) return 'Waiting for them to accept';
  switch (c.subscription) {
    case 'both':
      return undefined;
    case 'to':
      return 'They cannot see when you are online';
    case 'from':
      return 'You cannot see when they are online';
    case 'none':
      return 'Not sharing online status';
  }
}

const STATE_TEXT: Record<DeliveryState, string> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  received: '',
};

export function deliveryText(state: DeliveryState): string {
  return STATE_TEXT[state];
}

// Decoration only: the words above always go with it (as text, or as the label for screen readers).
const STATE_TICK: Partial<Record<DeliveryState, string>> = { sent: '✓', delivered: '✓✓', read: '✓✓' };

export function deliveryTick(state: DeliveryState): string {
  return STATE_TICK[state] ?? '';
}

/** Said when a failed message carries no reason of its own. */
export const FAILED_MESSAGE_TEXT = 'This message could not be sent.';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The archive catch-up of one account in words (XEP-0313 progress). */
export function syncText(s: Pick<SyncStateView, 'phase' | 'fetched' | 'detail'>): string {
  switch (s.phase) {
    case 'catching-up':
      return `Catching up… (${plural(s.fetched, 'message', 'messages')})`;
    case 'synced':
      return 'Up to date';
    case 'failed':
      return s.detail ? `Could not fetch history: ${s.detail}` : 'Could not fetch history.';
  }
}

/** Only encrypted WebSockets: the contract refuses anything else, so say why before asking the core. */
export const WSS_REQUIRED_TEXT = 'Vireo only connects over encrypted WebSockets (wss://).';

export function isSecureWebSocketUrl(url: string): boolean {
  return /^wss:\/\/\S+$/.test(url);
}

/** A light check before asking the core, which validates for real. */
export function looksLikeJid(s: string): boolean {
  return /^[^\s@/"&'<>:]+@[^\s@/]+$/u.test(s.trim());
}

/** A room's state in words, as shown in the sidebar and above the room's messages. */
export function roomStateText(room: Pick<RoomView, 'state' | 'error'>): string {
  switch (room.state) {
    case 'joining':
      return 'Joining…';
    case 'joined':
      return 'Joined';
    case 'left':
      return room.error ? errorText(room.error).title : 'You left this room.';
    case 'error':
      return room.error ? errorText(room.error).title : 'Vireo could not enter this room.';
  }
}

const ROLE_TEXT: Record<RoomRole, string> = {
  moderator: 'Moderator',
  participant: 'Participant',
  visitor: 'Visitor',
  none: 'Not present',
};

const AFFILIATION_TEXT: Record<RoomAffiliation, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  outcast: 'Banned',
  none: 'Guest',
};

export const roleText = (role: RoomRole): string => ROLE_TEXT[role];
export const affiliationText = (affiliation: RoomAffiliation): string => AFFILIATION_TEXT[affiliation];

/** The local part of a JID: the nickname a new room member starts with. */
export function localPart(jid: string): string {
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}
