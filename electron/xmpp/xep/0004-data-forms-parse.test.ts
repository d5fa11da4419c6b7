// parseForm / buildSubmitFromFields (forms meant for a human). A separate file so the existing
// 0004-data-forms.test.ts stays untouched while others edit nearby.
import { describe, expect, it } from 'vitest';
import { buildCancelForm, buildSubmitFromFields, parseForm } from './0004-data-forms.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const form = xmlOf(`<x xmlns='jabber:x:data' type='form'>
  <title>Bot Configuration</title>
  <instructions>Fill out this form</instructions>
  <instructions>to configure your new bot!</instructions>
  <field type='hidden' var='FORM_TYPE'><value>jabber:bot</value></field>
  <field type='fixed'><value>Section 1: Bot Info</value></field>
  <field type='text-single' label='The name of your bot' var='botname'/>
  <field type='text-multi' label='Helpful description' var='description'><value>a</value><value>b</value></field>
  <field type='boolean' label='Public bot?' var='public'><required/><value>0</value></field>
  <field type='text-private' label='Password' var='password'/>
  <field type='list-single' label='Maximum subscribers' var='maxsubs'>
    <value>20</value>
    <option label='10'><value>10</value></option><option label='20'><value>20</value></option><option><value>50</value></option>
  </field>
  <field type='list-multi' label='Features' var='features'>
    <option label='News'><value>news</value></option><option label='Search'><value>search</value></option>
    <value>news</value>
  </field>
  <field type='jid-multi' label='People to invite' var='invitelist'><desc>Tell all your friends.</desc></field>
  <field var='untyped'><value>x</value><value>y</value></field>
  <field type='hidden' var='secret'><value>token</value></field>
</x>`);

describe('XEP-0004 parseForm', () => {
  it('reads title, instructions, FORM_TYPE and every field type', () => {
    const f = parseForm(form)!;
    expect(f).toMatchObject({
      type: 'form',
      formType: 'jabber:bot',
      title: 'Bot Configuration',
      instructions: 'Fill out this form\nto configure your new bot!',
    });
    expect(f.fields.map((x) => [x.var, x.type])).toEqual([
      [undefined, 'fixed'],
      ['botname', 'text-single'],
      ['description', 'text-multi'],
      ['public', 'boolean'],
      ['password', 'text-private'],
      ['maxsubs', 'list-single'],
      ['features', 'list-multi'],
      ['invitelist', 'jid-multi'],
      ['untyped', 'text-single'],
      ['secret', 'hidden'],
    ]);
    expect(f.fields[3]).toEqual({ var: 'public', type: 'boolean', label: 'Public bot?', required: true, values: ['false'], options: [] });
    expect(f.fields[5]!.options).toEqual([{ label: '10', value: '10' }, { label: '20', value: '20' }, { value: '50' }]);
    expect(f.fields[7]!.desc).toBe('Tell all your friends.');
    // §3.3: a field without a type is text-single, which holds one value.
    expect(f.fields[8]!.values).toEqual(['x']);
  });

  it('refuses what is not a form and ignores fields it cannot use', () => {
    expect(parseForm(undefined)).toBeUndefined();
    expect(parseForm(xmlOf(`<x xmlns='jabber:x:oob' type='form'/>`))).toBeUndefined();
    expect(parseForm(xmlOf(`<x xmlns='jabber:x:data'/>`))).toBeUndefined();
    expect(parseForm(xmlOf(`<x xmlns='jabber:x:data' type='evil'/>`))).toBeUndefined();
    const f = parseForm(
      xmlOf(`<x xmlns='jabber:x:data' type='result'>
        <field var='FORM_TYPE'><value>not-hidden</value></field>
        <field type='text-single'><value>no var</value></field>
        <field var='a' type='bogus'><value>1</value></field>
        <field var='a'><value>2</value></field>
        <field var='o' type='list-single'><option label='no value'/></field>
      </x>`),
    )!;
    expect(f.formType).toBeUndefined();
    expect(f.fields).toEqual([
      { var: 'a', type: 'text-single', required: false, values: ['1'], options: [] },
      { var: 'o', type: 'list-single', required: false, values: [], options: [] },
    ]);
  });

  it('refuses absurdly large forms', () => {
    const many = Array.from({ length: 501 }, (_, i) => `<field var='f${i}'/>`).join('');
    expect(parseForm(xmlOf(`<x xmlns='jabber:x:data' type='form'>${many}</x>`))).toBeUndefined();
  });
});

describe('XEP-0004 buildSubmitFromFields', () => {
  it('submits answers and defaults, echoes hidden fields, skips fixed ones', () => {
    const f = parseForm(form)!;
    expectXmlEqual(
      buildSubmitFromFields(f, {
        botname: 'The Jabber Google Bot',
        public: true,
        password: 'p<w>',
        maxsubs: '50',
        features: ['news', 'search'],
        invitelist: ['a@b.c', 'd@e.f'],
        secret: 'overridden?',
      }),
      `<x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>jabber:bot</value></field>
        <field var='botname'><value>The Jabber Google Bot</value></field>
        <field var='description'><value>a</value><value>b</value></field>
        <field var='public'><value>true</value></field>
        <field var='password'><value>p&lt;w&gt;</value></field>
        <field var='maxsubs'><value>50</value></field>
        <field var='features'><value>news</value><value>search</value></field>
        <field var='invitelist'><value>a@b.c</value><value>d@e.f</value></field>
        <field var='untyped'><value>x</value></field>
        <field var='secret'><value>token</value></field>
      </x>`,
    );
  });

  it('refuses answers that do not fit their field', () => {
    const f = parseForm(form)!;
    expect(() => buildSubmitFromFields(f, { maxsubs: '1000' })).toThrow(/does not offer/);
    expect(() => buildSubmitFromFields(f, { botname: ['a', 'b'] })).toThrow(/one value/);
    expect(() => buildSubmitFromFields(f, { public: 'maybe' })).toThrow(/boolean/);
    expect(() => buildSubmitFromFields(f, { features: ['news', 'weather'] })).toThrow(/does not offer/);
    const required = parseForm(xmlOf(`<x xmlns='jabber:x:data' type='form'><field var='r' type='text-single'><required/></field></x>`))!;
    expect(() => buildSubmitFromFields(required, {})).toThrow(/required/);
    expectXmlEqual(
      buildSubmitFromFields(required, { r: 'ok' }),
      `<x xmlns='jabber:x:data' type='submit'><field var='r'><value>ok</value></field></x>`,
    );
  });

  it('cancels', () => {
    expectXmlEqual(buildCancelForm(), `<x xmlns='jabber:x:data' type='cancel'/>`);
  });
});
