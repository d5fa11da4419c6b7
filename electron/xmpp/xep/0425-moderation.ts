// XEP-0425: Moderated Message Retraction — https://xmpp.org/extensions/xep-0425.html
// A room moderator asks the room to retract someone's message; the room tells every occupant.
// Version 0.3 (urn:xmpp:message-moderate:1 with XEP-0424's urn:xmpp:message-retract:1) and the 0.2
// form that Prosody's mod_muc_moderation in Debian bookworm (prosody-modules 0.0~hg20230223) speaks:
// an <apply-to xmlns='urn:xmpp:fasten:0' id=stanza-id> around <moderate xmlns='urn:xmpp:message-moderate:0'>
// with <retract xmlns='urn:xmpp:message-retract:0'/>; it advertises only the :0 feature, so choose
// the version from the room's disco#info.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { NS_OCCUPANT_ID } from './0045-muc.js';
import { NS_FASTEN, NS_MODERATE, NS_MODERATE_0, NS_RETRACT, NS_RETRACT_0 } from './0424-retraction.js';

export { NS_MODERATE, NS_MODERATE_0 };

export type ModerationVersion = 0 | 1;

/**
 * The payload of an `<iq type='set' to=room>` asking to retract the message with room stanza-id
 * `stanzaId`. 0.3: "An optional <reason/> element may be included inside the <moderate/> element, to
 * provide a human-readable explanation why the message was retracted." 0.2 (Prosody's module): the
 * same inside <apply-to/>; it reads `moderate_tag:get_child_text("reason")`.
 * The id must be the stanza-id whose 'by' is the room (XEP-0359), not the sender's message id.
 * Business Rules: "A moderator MUST NOT send a moderation request for a message with non-messaging
 * payloads."
 */
export function buildModerateRequest(stanzaId: string, reason: string | undefined, version: ModerationVersion = 1): Element {
  if (!stanzaId) throw new RangeError('Moderation needs the room stanza-id of the message');
  const reasonEl = reason ? [xml('reason', {}, reason)] : [];
  if (version === 1) return xml('moderate', { xmlns: NS_MODERATE, id: stanzaId }, xml('retract', { xmlns: NS_RETRACT }), ...reasonEl);
  return xml(
    'apply-to',
    { xmlns: NS_FASTEN, id: stanzaId },
    xml('moderate', { xmlns: NS_MODERATE_0 }, xml('retract', { xmlns: NS_RETRACT_0 }), ...reasonEl),
  );
}

export interface Moderation {
  /** The room stanza-id of the retracted message. */
  stanzaId: string;
  /** The moderator, as the room says: usually their occupant JID (0.3: 'by' is only a SHOULD). */
  by?: string;
  /** XEP-0421 id of the moderator; only meaningful when the room announces occupant ids. */
  byOccupantId?: string;
  reason?: string;
  version: ModerationVersion;
}

const text = (el: Element | undefined, name: string) => el?.getChildText(name) || undefined;

function fromModerated(moderated: Element, stanzaId: string, version: ModerationVersion, reasonIn: Element[]): Moderation {
  const by = moderated.attrs.by as string | undefined;
  const occ = moderated.getChild('occupant-id', NS_OCCUPANT_ID)?.attrs.id as string | undefined;
  const reason = reasonIn.map((e) => text(e, 'reason')).find((r) => r !== undefined);
  return {
    stanzaId,
    ...(by && parseJid(by) ? { by } : {}),
    ...(occ && occ.length <= 128 ? { byOccupantId: occ } : {}),
    ...(reason ? { reason } : {}),
    version,
  };
}

/**
 * A moderation notice broadcast by `roomJid`, or `undefined`. Business Rules: "In MUCs, only
 * moderation messages ... received from the MUC service itself are legitimate, all other such
 * messages MUST be discarded." — 'from' must be exactly the room's bare JID (an occupant's
 * `room/nick` is someone in the room, not the room) and the type 'groupchat'.
 *
 * 0.3: `<retract xmlns=':1' id><moderated xmlns=':1' by><occupant-id/></moderated><reason/></retract>`.
 * 0.2 / Prosody 2023: `<apply-to xmlns='urn:xmpp:fasten:0' id><moderated xmlns=':0' by><retract
 * xmlns='urn:xmpp:message-retract:0'/><reason/></moderated></apply-to>` — Prosody writes the reason
 * inside <moderated/>, so it is looked for there too. The :1 form wins when both are present.
 */
export function parseModeration(message: Element, roomJid: string): Moderation | undefined {
  if (!message.is('message') || message.attrs.type !== 'groupchat') return undefined;
  const room = parseJid(roomJid);
  const from = parseJid(message.attrs.from as string | undefined);
  if (!room || !from || from.resource !== '' || from.bare !== room.bare) return undefined;
  const retracts = message.getChildren('retract', NS_RETRACT);
  if (retracts.length === 1) {
    const r = retracts[0]!;
    const moderated = r.getChild('moderated', NS_MODERATE);
    const id = r.attrs.id as string | undefined;
    if (moderated && id) return fromModerated(moderated, id, 1, [r, moderated]);
  }
  const applyTo = message.getChildren('apply-to', NS_FASTEN);
  if (applyTo.length === 1) {
    const a = applyTo[0]!;
    const moderated = a.getChild('moderated', NS_MODERATE_0);
    const id = a.attrs.id as string | undefined;
    if (moderated && id && moderated.getChild('retract', NS_RETRACT_0)) return fromModerated(moderated, id, 0, [moderated, a]);
  }
  return undefined;
}

export interface ModeratedTombstone {
  by?: string;
  byOccupantId?: string;
  reason?: string;
  retractedAt?: number;
  version: ModerationVersion;
}

/**
 * A tombstone in a room's MAM result ("A XEP-0313 service MAY replace the contents of a message, that
 * was retracted due to moderation, with a 'tombstone'"): the archived message keeps its author's
 * 'from', so pass only messages already verified as results of the room's own archive
 * (`parseMamResult` with the room as archive).
 * 0.3: `<retracted xmlns='…retract:1' stamp><moderated xmlns='…moderate:1' by/><reason/></retracted>`.
 * Prosody 2023: `<moderated xmlns='…moderate:0' by><retracted xmlns='…retract:0' stamp/><reason/></moderated>`.
 */
export function parseModeratedTombstone(archived: Element): ModeratedTombstone | undefined {
  if (!archived.is('message')) return undefined;
  const stampOf = (el: Element | undefined) => {
    const t = Date.parse((el?.attrs.stamp as string | undefined) ?? '');
    return Number.isFinite(t) ? { retractedAt: t } : {};
  };
  const r1 = archived.getChild('retracted', NS_RETRACT);
  const m1 = r1?.getChild('moderated', NS_MODERATE);
  if (r1 && m1) {
    const { stanzaId: _s, ...rest } = fromModerated(m1, '-', 1, [r1, m1]);
    return { ...rest, ...stampOf(r1) };
  }
  const m0 = archived.getChild('moderated', NS_MODERATE_0);
  const r0 = m0?.getChild('retracted', NS_RETRACT_0);
  if (m0 && r0) {
    const { stanzaId: _s, ...rest } = fromModerated(m0, '-', 0, [m0]);
    return { ...rest, ...stampOf(r0) };
  }
  return undefined;
}
