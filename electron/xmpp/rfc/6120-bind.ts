// Resource binding, RFC 6120 §7 — https://www.rfc-editor.org/rfc/rfc6120#section-7
// Vireo binds itself (instead of @xmpp/resource-binding) so that stream management can be resumed
// *instead of* binding, and enabled right after binding but before the session is announced as
// online — nothing is sent between bind and <enable/>, so the counts can never disagree.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';

export function buildBind(resource?: string): Element {
  return xml('bind', { xmlns: NS_BIND }, ...(resource ? [xml('resource', {}, resource)] : []));
}

/** The full JID the server assigned (it may differ from the resource we asked for, §7.6.2.2). */
export function parseBound(iqResult: Element): string | undefined {
  return iqResult.getChild('bind', NS_BIND)?.getChildText('jid') ?? undefined;
}
