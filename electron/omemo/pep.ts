// XEP-0163 PEP / XEP-0060 Publish-Subscribe, the part OMEMO needs — https://xmpp.org/extensions/xep-0060.html
// Shared by legacy OMEMO (eu.siacs.conversations.axolotl) and OMEMO 2: both publish a device list and
// bundles to PEP nodes that strangers must be able to read.
//
// The peer README (e2e/peers/omemo-python) saw it on the wire: PEP nodes default to access model
// 'presence', so a non-contact gets <forbidden/> fetching our bundle and cannot decrypt even our first
// message. So we publish with publish-options pubsub#access_model=open, and when the node already
// exists with another model the server answers <conflict/> + <precondition-not-met/> (XEP-0060 §7.1.5):
// then we reconfigure the node as its owner (§8.2) and publish again. Pure builders and parsers only;
// sending the IQs is the service's job:
//
//   publish ──error precondition-not-met──▶ configure(open) ──result──▶ publish again (once)
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { buildSubmitForm } from '../xmpp/xep/0004-data-forms.js';
import { buildPepPublish, NS_PUBSUB, NS_PUBSUB_EVENT } from '../xmpp/xep/0163-pep.js';
import { parseStanzaError } from '../xmpp/rfc/6120-stanza-errors.js';

export { NS_PUBSUB, NS_PUBSUB_EVENT };
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

export type AccessModel = 'open' | 'presence' | 'roster' | 'whitelist' | 'authorize';

export interface PublishOptions {
  /** Item id; OMEMO publishes 'current' (a singleton node). */
  itemId?: string;
  /** Sent as publish-options; `undefined` sends none (the server's default, usually 'presence'). */
  accessModel?: AccessModel;
  /** pubsub#max_items ('max' keeps every item). */
  maxItems?: string;
}

/** `<pubsub><publish node><item id>payload</item></publish><publish-options/></pubsub>` for an `<iq type='set'>` to our bare JID. */
export function buildPublish(node: string, payload: Element, opts: PublishOptions = {}): Element {
  return buildPepPublish(node, payload, {
    ...(opts.itemId === undefined ? {} : { itemId: opts.itemId }),
    options: { 'pubsub#access_model': opts.accessModel, 'pubsub#max_items': opts.maxItems },
  });
}

/**
 * True when a publish failed because the node exists with other options (§7.1.5: "<conflict/> …
 * <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/>"). Then: buildConfigureNode, publish again.
 */
export function isPreconditionNotMet(iq: Element): boolean {
  if (!iq.is('iq') || iq.attrs.type !== 'error') return false;
  const error = parseStanzaError(iq);
  if (!error) return false;
  // Prosody and ejabberd send both; either one alone is read the same way.
  return error.condition === 'conflict' || !!error.application?.is('precondition-not-met', NS_PUBSUB_ERRORS);
}

/** §8.2.4 "Form Submission": `<pubsub xmlns='…#owner'><configure node>` setting the access model, for an `<iq type='set'>`. */
export function buildConfigureNode(node: string, accessModel: AccessModel, extra: Record<string, string> = {}): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB_OWNER },
    xml('configure', { node }, buildSubmitForm(`${NS_PUBSUB}#node_config`, { 'pubsub#access_model': accessModel, ...extra })),
  );
}

/** §6.5 "Retrieve Items": `<pubsub><items node [max_items]/></pubsub>` for an `<iq type='get'>` to the owner's bare JID. */
export function buildFetchItems(node: string, maxItems?: number): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', maxItems === undefined ? { node } : { node, max_items: String(maxItems) }));
}

/**
 * The payloads of the items of `node` in an items result (`<pubsub><items>`) or a notification
 * (`<event><items>`), newest last as servers send them. Items without an id are accepted: some
 * clients publish without item id='current' (peer README).
 */
export function parseItemPayloads(stanza: Element, node: string): Element[] {
  const out: Element[] = [];
  const containers = [stanza.getChild('pubsub', NS_PUBSUB), stanza.getChild('event', NS_PUBSUB_EVENT)];
  for (const c of containers) {
    for (const items of c?.getChildren('items') ?? []) {
      if (items.attrs.node !== node) continue;
      for (const item of items.getChildren('item')) {
        const payload = item.getChildElements()[0];
        if (payload) out.push(payload);
      }
    }
  }
  return out;
}
