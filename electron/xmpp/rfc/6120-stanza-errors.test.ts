import { describe, expect, it } from 'vitest';
import { buildStanzaError, NS_STANZAS, parseErrorElement, parseStanzaError } from './6120-stanza-errors.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('RFC 6120 §8.3 stanza errors', () => {
  it('reads type, condition, text, application condition and by (§8.3.2, example of §8.3.3.11)', () => {
    const iq = xmlOf(
      `<iq type='error' id='p1' from='pubsub.example'><error type='cancel' by='pubsub.example'>` +
        `<conflict xmlns='${NS_STANZAS}'/><text xmlns='${NS_STANZAS}' xml:lang='en'>node exists</text>` +
        `<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>`,
    );
    const e = parseStanzaError(iq);
    expect(e).toMatchObject({ type: 'cancel', condition: 'conflict', text: 'node exists', by: 'pubsub.example' });
    expect(e?.application?.is('precondition-not-met', 'http://jabber.org/protocol/pubsub#errors')).toBe(true);
  });

  it('takes neither the <text/> nor a condition in another namespace for the defined condition', () => {
    const e = parseStanzaError(
      xmlOf(
        `<message type='error' id='m1'><error type='modify'><text xmlns='${NS_STANZAS}'>t</text><gone xmlns='urn:evil'/><item-not-found xmlns='${NS_STANZAS}'/></error></message>`,
      ),
    );
    expect(e?.condition).toBe('item-not-found');
    expect(e?.application?.name).toBe('gone');
  });

  it("says 'undefined-condition' when the error names none, and leaves out an unknown type and empty text", () => {
    const e = parseStanzaError(xmlOf(`<presence type='error'><error type='bogus'><text xmlns='${NS_STANZAS}'/></error></presence>`));
    expect(e).toEqual({ condition: 'undefined-condition' });
  });

  it('is undefined for a stanza without an <error/>', () => {
    expect(parseStanzaError(xmlOf(`<iq type='result' id='1'/>`))).toBeUndefined();
  });

  it("reads an element that carries the conditions directly (XEP-0198's <failed/>)", () => {
    expect(parseErrorElement(xmlOf(`<failed xmlns='urn:xmpp:sm:3' h='3'><item-not-found xmlns='${NS_STANZAS}'/></failed>`)).condition).toBe(
      'item-not-found',
    );
  });

  it('builds the error Vireo answers with, and reads it back', () => {
    const el = buildStanzaError('cancel', 'item-not-found', 'no such node');
    expectXmlEqual(
      el,
      `<error type='cancel'><item-not-found xmlns='${NS_STANZAS}'/><text xmlns='${NS_STANZAS}'>no such node</text></error>`,
    );
    expect(parseErrorElement(el)).toEqual({ type: 'cancel', condition: 'item-not-found', text: 'no such node' });
  });
});
