// XEP-0359: Unique and Stable Stanza IDs — https://xmpp.org/extensions/xep-0359.html
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';
import { bareOf } from '../jid.js';

export const NS_SID = 'urn:xmpp:sid:0';

export const newOriginId = (): string => randomUUID();

export function buildOriginId(id: string): Element {
  return xml('origin-id', { xmlns: NS_SID, id });
}

export function parseOriginId(message: Element): string | undefined {
  return message.getChild('origin-id', NS_SID)?.attrs.id || undefined;
}

/**
 * §3: a <stanza-id/> is only to be trusted when its `by` is an entity that is known to add them
 * (the user's own bare JID for 1:1 archives, the room for MUC); others can be forged by the sender.
 */
export function parseStanzaId(message: Element, trustedBy: string): string | undefined {
  for (const el of message.getChildren('stanza-id', NS_SID)) {
    if (bareOf(el.attrs.by) === trustedBy && el.attrs.id) return el.attrs.id as string;
  }
  return undefined;
}
