import { describe, it } from 'vitest';
import { buildSubmitForm } from './0004-data-forms.js';
import { expectXmlEqual } from '../test-xml.js';

describe('XEP-0004 submit forms', () => {
  it('puts a hidden FORM_TYPE first, then the fields in order, skipping undefined ones', () => {
    expectXmlEqual(
      buildSubmitForm('urn:example:form', { single: 'a', skipped: undefined, flag: false, multi: ['x', 'y'], none: [] }),
      `<x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>urn:example:form</value></field>
        <field var='single'><value>a</value></field>
        <field var='flag'><value>false</value></field>
        <field var='multi'><value>x</value><value>y</value></field>
        <field var='none'/>
      </x>`,
    );
  });

  it('escapes values and field names', () => {
    expectXmlEqual(
      buildSubmitForm('t', { "a'b": '</value><evil/>' }),
      `<x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>t</value></field>
        <field var="a'b"><value>&lt;/value&gt;&lt;evil/&gt;</value></field>
      </x>`,
    );
  });
});
