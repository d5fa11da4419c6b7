// XEP-0004: Data Forms — https://xmpp.org/extensions/xep-0004.html
// with the FORM_TYPE convention of XEP-0068 — https://xmpp.org/extensions/xep-0068.html
// Only what Vireo sends: submit forms for protocols that define their fields (MAM queries, pubsub
// publish-options). Forms meant for a human (type='form' with labels and options) are not handled here.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_DATA = 'jabber:x:data';

/** A field value: one string, several (for *-multi fields) or a boolean ('true' / 'false'). */
export type SubmitValue = string | boolean | readonly string[];

/**
 * `<x xmlns='jabber:x:data' type='submit'>` with a hidden FORM_TYPE and the given fields, in order.
 * Fields whose value is `undefined` are left out.
 *
 * XEP-0068 §4.3: "If the FORM_TYPE field is not hidden, it MUST be ignored as a context indicator" —
 * so it always carries type='hidden'. XEP-0004 §3.2: for forms of type "submit" "the receiving entity
 * can infer the 'type' attribute value from context", so the other fields carry no type.
 */
export function buildSubmitForm(formType: string, fields: Readonly<Record<string, SubmitValue | undefined>>): Element {
  const children = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType))];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const values = typeof value === 'boolean' ? [String(value)] : typeof value === 'string' ? [value] : [...value];
    children.push(xml('field', { var: name }, ...values.map((v) => xml('value', {}, v))));
  }
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, ...children);
}
