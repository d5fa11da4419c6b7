// Presence and subscriptions, RFC 6121 §3–4 — https://www.rfc-editor.org/rfc/rfc6121#section-3
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';

export type SubscriptionType = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';
export type Show = 'online' | 'chat' | 'away' | 'xa' | 'dnd';

export function buildSubscription(type: SubscriptionType, to: string, status?: string): Element {
  return xml('presence', { type, to }, ...(status ? [xml('status', {}, status)] : []));
}

/** Initial / updated availability (§4.2). */
export function buildAvailability(show?: Exclude<Show, 'online'>, status?: string): Element {
  return xml('presence', {}, ...(show ? [xml('show', {}, show)] : []), ...(status ? [xml('status', {}, status)] : []));
}

export type ParsedPresence =
  | { kind: 'subscription'; type: SubscriptionType; from: string; status?: string }
  | { kind: 'available'; from: string; resource: string; show: Show; status?: string; priority: number }
  | { kind: 'unavailable'; from: string; resource: string }
  | { kind: 'error'; from: string };

const SHOWS = new Set(['chat', 'away', 'xa', 'dnd']);

export function parsePresence(el: Element): ParsedPresence | undefined {
  if (!el.is('presence')) return undefined;
  const from = parseJid(el.attrs.from);
  if (!from) return undefined;
  const type = el.attrs.type as string | undefined;
  const status = el.getChildText('status')?.slice(0, 1000) || undefined;
  switch (type) {
    case 'subscribe':
    case 'subscribed':
    case 'unsubscribe':
    case 'unsubscribed':
      // Subscription stanzas are about bare JIDs (§3.1.2).
      return { kind: 'subscription', type, from: from.bare, ...(status ? { status } : {}) };
    case 'unavailable':
      return { kind: 'unavailable', from: from.bare, resource: from.resource };
    case 'error':
      return { kind: 'error', from: from.bare };
    case undefined: {
      const showText = el.getChildText('show')?.trim() ?? '';
      const show = (SHOWS.has(showText) ? showText : 'online') as Show;
      const priority = Number.parseInt(el.getChildText('priority') ?? '0', 10);
      return {
        kind: 'available',
        from: from.bare,
        resource: from.resource,
        show,
        ...(status ? { status } : {}),
        priority: Number.isFinite(priority) ? priority : 0,
      };
    }
    default:
      return undefined; // probe and unknown types are the server's business
  }
}
