// XEP-0249: Direct MUC Invitations — https://xmpp.org/extensions/xep-0249.html
// An invitation sent straight to the invitee, not through the room (cf. XEP-0045 §7.8.2 mediated ones).
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';

export const NS_CONFERENCE = 'jabber:x:conference';

export interface DirectInvite {
  /** The room's bare JID (§2: "The 'jid' attribute, which is REQUIRED, specifies the address of the groupchat room."). */
  roomJid: string;
  password?: string;
  reason?: string;
  /** 'continue' and 'thread' (version 1.1): the invitation continues this one-to-one chat thread. */
  continueThread?: string | true;
}

/**
 * The `<x/>` to put in a `<message to=invitee>` (§2 "How It Works": a message "containing only" this
 * element). The 'password' attribute (version 1.1) is for password-protected rooms.
 */
export function buildDirectInvite(invite: DirectInvite): Element {
  const room = parseJid(invite.roomJid);
  if (!room || !room.local || room.resource) throw new RangeError(`Not a room JID: ${invite.roomJid}`);
  const attrs: Record<string, string> = { xmlns: NS_CONFERENCE, jid: room.bare };
  if (invite.password !== undefined) attrs.password = invite.password;
  if (invite.reason) attrs.reason = invite.reason;
  if (invite.continueThread !== undefined) {
    attrs.continue = 'true';
    if (invite.continueThread !== true) attrs.thread = invite.continueThread;
  }
  return xml('x', attrs);
}

export interface ReceivedDirectInvite extends DirectInvite {
  /** The sender of the message: who invites. */
  inviter: string;
}

/**
 * The invitation in a message, or `undefined`.
 *
 * The spec's Security Considerations say "There are no known security concerns", but anyone can send
 * one, naming any room, with any reason (spam, or luring someone into a room that logs real JIDs): the
 * caller must show who invites (`inviter`, the message's 'from', which the server stamps) next to the
 * room, and never join on its own. §2: "the contact's client SHOULD present the invitation to the
 * contact so that the contact can accept it or decline it ... If the contact declines the invitation,
 * it shall silently discard the invitation." §4: "If a client receives an invitation to a room in
 * which the user is already an occupant, the client SHOULD silently discard the invitation", and of a
 * mediated and a direct one to the same room it "SHOULD present only one".
 */
export function parseDirectInvite(message: Element): ReceivedDirectInvite | undefined {
  if (!message.is('message') || message.attrs.type === 'error' || message.attrs.type === 'groupchat') return undefined;
  const inviter = parseJid(message.attrs.from as string | undefined);
  if (!inviter) return undefined;
  const xs = message.getChildren('x', NS_CONFERENCE);
  if (xs.length !== 1) return undefined;
  const x = xs[0]!;
  const room = parseJid(x.attrs.jid as string | undefined);
  if (!room || !room.local || room.resource) return undefined;
  const password = x.attrs.password as string | undefined;
  const reason = (x.attrs.reason as string | undefined) || undefined;
  const cont = x.attrs.continue === 'true' || x.attrs.continue === '1';
  const thread = (x.attrs.thread as string | undefined) || undefined;
  return {
    inviter: message.attrs.from as string,
    roomJid: room.bare,
    ...(password ? { password } : {}),
    ...(reason ? { reason } : {}),
    ...(cont ? { continueThread: thread ?? true } : {}),
  };
}
