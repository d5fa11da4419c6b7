// One-to-one chat messages, RFC 6121 §5 — https://www.rfc-editor.org/rfc/rfc6121#section-5
// with XEP-0359 origin-id for de-duplication and XEP-0203 delay for timestamps of stored messages.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { parseStanzaError } from './6120-stanza-errors.js';
import { buildOriginId, parseOriginId, parseStanzaId } from '../xep/0359-stable-ids.js';

export interface OutgoingChat {
  to: string;
  /** Absent when `extra` carries the text another way (an OMEMO <encrypted/> with its own fallback body). */
  body?: string;
  /** Used as both the stanza id and the origin-id, as Conversations does. */
  id: string;
}

/** `extra` carries what features add: a receipt request, a markable hint, encryption… */
export function buildChatMessage(m: OutgoingChat, extra: Element[] = []): Element {
  return xml(
    'message',
    { type: 'chat', to: m.to, id: m.id },
    ...(m.body === undefined ? [] : [xml('body', {}, m.body)]),
    buildOriginId(m.id),
    ...extra,
  );
}

/** A message to a group room (XEP-0045 §7.4): type groupchat to the room's bare JID, with an origin-id
 *  so that the room's reflection of it is recognised as ours (XEP-0359). */
export function buildGroupchatMessage(m: OutgoingChat): Element {
  return xml('message', { type: 'groupchat', to: m.to, id: m.id }, xml('body', {}, m.body ?? ''), buildOriginId(m.id));
}

/** RFC 6120 §8.3: a bounced message carries our id and an error condition. */
export function parseMessageError(el: Element): { id: string; from: string; condition: string; text?: string } | undefined {
  if (!el.is('message') || el.attrs.type !== 'error' || !el.attrs.id) return undefined;
  const from = parseJid(el.attrs.from);
  const error = parseStanzaError(el);
  if (!from || !error) return undefined;
  return { id: el.attrs.id as string, from: from.bare, condition: error.condition, ...(error.text ? { text: error.text } : {}) };
}

export interface IncomingChat {
  from: string;
  fromResource: string;
  to?: string;
  body: string;
  id?: string;
  originId?: string;
  stanzaId?: string;
  /** XEP-0203 delay stamp, if any (epoch ms). */
  delayedAt?: number;
}

/** XEP-0203: `<delay xmlns='urn:xmpp:delay' stamp='…'/>`. */
export function parseDelay(el: Element): number | undefined {
  const stamp = el.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp;
  const t = stamp ? Date.parse(stamp) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * A chat (or normal) message with a body, as received on the stream. Error and groupchat messages are
 * not chats. `ownBare` is needed to know which stanza-ids to trust (added by our own server).
 */
export function parseChatMessage(el: Element, ownBare: string, override?: { body: string }): IncomingChat | undefined {
  if (!el.is('message')) return undefined;
  const type = (el.attrs.type as string | undefined) ?? 'normal';
  if (type !== 'chat' && type !== 'normal') return undefined;
  // `override`: the text was carried another way (decrypted from OMEMO; '' when it could not be read).
  const body = override ? override.body : el.getChildText('body');
  if (body === null || body === undefined || (body.length === 0 && !override)) return undefined;
  const from = parseJid(el.attrs.from);
  if (!from) return undefined;
  const originId = parseOriginId(el);
  const stanzaId = parseStanzaId(el, ownBare);
  const delayedAt = parseDelay(el);
  return {
    from: from.bare,
    fromResource: from.resource,
    ...(el.attrs.to ? { to: el.attrs.to as string } : {}),
    body,
    ...(el.attrs.id ? { id: el.attrs.id as string } : {}),
    ...(originId ? { originId } : {}),
    ...(stanzaId ? { stanzaId } : {}),
    ...(delayedAt !== undefined ? { delayedAt } : {}),
  };
}
