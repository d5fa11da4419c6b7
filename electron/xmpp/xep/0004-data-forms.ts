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

// ---- Forms meant for a human (room configuration, ad-hoc commands): parse, then submit filled in. ----

/** §3.3 "Field Types". */
export const FIELD_TYPES = [
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** §3.1: "form", "submit", "cancel" or "result". */
export type FormType = 'form' | 'submit' | 'cancel' | 'result';

export interface FormOption {
  label?: string;
  value: string;
}

export interface FormField {
  /** Absent only on 'fixed' fields (§3.2: the 'var' attribute "MUST be included unless the type is 'fixed'"). */
  var?: string;
  type: FieldType;
  label?: string;
  desc?: string;
  required: boolean;
  /** As sent; one value at most for the single-value types (extra ones are dropped). */
  values: string[];
  /** For list-single and list-multi. */
  options: FormOption[];
}

export interface ParsedForm {
  type: FormType;
  /** The value of the hidden FORM_TYPE field (XEP-0068), if there is one. */
  formType?: string;
  title?: string;
  instructions?: string;
  /** Every field except FORM_TYPE, in document order. */
  fields: FormField[];
}

const FORM_TYPES: readonly string[] = ['form', 'submit', 'cancel', 'result'];
const MULTI: ReadonlySet<FieldType> = new Set(['jid-multi', 'list-multi', 'text-multi', 'hidden', 'fixed']);
/** Hostile-input bounds: a room form has a few dozen fields; a form beyond these is refused. */
const MAX_FIELDS = 500;
const MAX_VALUES = 1000;

const isFieldType = (t: unknown): t is FieldType => typeof t === 'string' && (FIELD_TYPES as readonly string[]).includes(t);

/**
 * Reads a `<x xmlns='jabber:x:data'/>`; `undefined` if it is not one, has no valid 'type', or is
 * absurdly large. Unknown field types are read as text-single, as §3.3 says for a missing one:
 * "If the 'type' attribute is absent, the default of 'text-single' is to be applied."
 *
 * Fields without a 'var' are kept only when 'fixed' (§3.2). Duplicate 'var's keep the first.
 * Single-value fields keep one value: §3.3 lists boolean, jid-single, list-single, text-private and
 * text-single as holding one value. A boolean's value is normalized to 'true' / 'false' (§3.3: "the
 * allowable values are 0, 1, false, and true").
 */
export function parseForm(x: Element | undefined): ParsedForm | undefined {
  if (!x || !x.is('x', NS_DATA)) return undefined;
  const type = x.attrs.type as string | undefined;
  if (!type || !FORM_TYPES.includes(type)) return undefined;
  const fieldEls = x.getChildren('field');
  if (fieldEls.length > MAX_FIELDS) return undefined;
  const title = x.getChildText('title') || undefined;
  const instructions =
    x
      .getChildren('instructions')
      .map((i) => i.text())
      .filter(Boolean)
      .join('\n') || undefined;
  let formType: string | undefined;
  const fields: FormField[] = [];
  const seen = new Set<string>();
  for (const f of fieldEls) {
    const name = (f.attrs.var as string | undefined) || undefined;
    const rawType = f.attrs.type as string | undefined;
    const fieldType: FieldType = isFieldType(rawType) ? rawType : 'text-single';
    const valueEls = f.getChildren('value');
    if (valueEls.length > MAX_VALUES) return undefined;
    let values = valueEls.map((v) => v.text());
    if (name === 'FORM_TYPE') {
      // XEP-0068 §4.3: "If the FORM_TYPE field is not hidden, it MUST be ignored as a context indicator".
      if (fieldType === 'hidden' && formType === undefined && values[0]) formType = values[0];
      continue;
    }
    if (name === undefined && fieldType !== 'fixed') continue;
    if (name !== undefined) {
      if (seen.has(name)) continue;
      seen.add(name);
    }
    if (!MULTI.has(fieldType)) values = values.slice(0, 1);
    if (fieldType === 'boolean') values = values.map((v) => (v === '1' || v === 'true' ? 'true' : 'false'));
    const options = f
      .getChildren('option')
      .slice(0, MAX_VALUES)
      .map((o) => ({ label: (o.attrs.label as string | undefined) || undefined, value: o.getChildText('value') }))
      .filter((o): o is { label: string | undefined; value: string } => typeof o.value === 'string')
      .map((o) => (o.label !== undefined ? { label: o.label, value: o.value } : { value: o.value }));
    const label = (f.attrs.label as string | undefined) || undefined;
    const desc = f.getChildText('desc') || undefined;
    fields.push({
      ...(name !== undefined ? { var: name } : {}),
      type: fieldType,
      ...(label !== undefined ? { label } : {}),
      ...(desc !== undefined ? { desc } : {}),
      required: f.getChild('required') !== undefined,
      values,
      options,
    });
  }
  return {
    type: type as FormType,
    ...(formType !== undefined ? { formType } : {}),
    ...(title ? { title } : {}),
    ...(instructions ? { instructions } : {}),
    fields,
  };
}

/**
 * The submit form for a filled-in `form` (§3.1 "form-submission"): every field of the form that has a
 * 'var', with the user's answer from `answers` (by var) or else the form's own (default) values.
 * 'fixed' fields are left out (they are labels); 'hidden' fields are returned as received and cannot be
 * overridden (§3.3: the field "is not shown to the form-submitting entity, but instead is returned with
 * the form"). The FORM_TYPE, if the form had one, goes first as a hidden field.
 *
 * Throws a RangeError when an answer does not fit its field: several values for a single-value field,
 * a list-single / list-multi value that is not one of the options, or a required field left empty
 * (§3.2 <required/>: "the field is required in order to submit the form").
 */
export function buildSubmitFromFields(form: ParsedForm, answers: Readonly<Record<string, SubmitValue | undefined>>): Element {
  const children: Element[] = [];
  if (form.formType !== undefined) children.push(xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, form.formType)));
  for (const field of form.fields) {
    if (field.var === undefined || field.type === 'fixed') continue;
    const answer = field.type === 'hidden' ? undefined : answers[field.var];
    let values: string[] =
      answer === undefined
        ? field.values
        : typeof answer === 'boolean'
          ? [String(answer)]
          : typeof answer === 'string'
            ? [answer]
            : [...answer];
    if (field.type === 'boolean') {
      values = values.map((v) =>
        v === '1' || v === 'true' ? 'true' : v === '0' || v === 'false' ? 'false' : bad(field.var!, `is a boolean, got ${v}`),
      );
    }
    if (!MULTI.has(field.type) && values.length > 1) bad(field.var, 'takes one value');
    if ((field.type === 'list-single' || field.type === 'list-multi') && field.options.length > 0) {
      const allowed = new Set(field.options.map((o) => o.value));
      for (const v of values) if (!allowed.has(v)) bad(field.var, `does not offer ${v}`);
    }
    if (field.required && values.every((v) => v === '')) bad(field.var, 'is required');
    children.push(xml('field', { var: field.var }, ...values.map((v) => xml('value', {}, v))));
  }
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, ...children);
}

function bad(name: string, what: string): never {
  throw new RangeError(`Form field ${name} ${what}`);
}

/** §3.1: "form-cancellation" — the reply that declines to fill in a form (e.g. a room configuration). */
export function buildCancelForm(): Element {
  return xml('x', { xmlns: NS_DATA, type: 'cancel' });
}
