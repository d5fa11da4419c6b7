// Remote text cannot reorder the window (issue #11 §6): RemoteText itself, and the texts a server
// writes — a form's title, instructions, labels, options and descriptions, an error's detail, the names in
// a refused certificate — each isolated, with Vireo's words outside.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { isolate } from '$lib/bidi.js';
import { RLO, expectIsolated, expectNoLeak, hostile } from '../test/bidi.js';
import type { DataFormView } from '$shared/views.js';
import RemoteText from './RemoteText.svelte';
import DataForm from './DataForm.svelte';
import ErrorNotice from './ErrorNotice.svelte';
import CertificateDialog from '../features/account/CertificateDialog.svelte';

describe('RemoteText', () => {
  it('holds the text in <bdi dir="auto">, as text, with an override it leaves open closed inside it', () => {
    const { container } = render(RemoteText, { props: { text: `<b>x</b>${RLO}gnp.exe`, testid: 't' } });
    const el = screen.getByTestId('t');
    expect(el.tagName).toBe('BDI');
    expect(el.getAttribute('dir')).toBe('auto');
    expect(el.textContent).toBe(`<b>x</b>${RLO}gnp.exe\u202C`);
    expect(container.querySelector('b')).toBeNull();
  });
});

describe('a server’s texts', () => {
  it('a form: title, instructions, labels, options, descriptions and the sentence naming a missing field', async () => {
    const t = (s: string) => hostile(`${s} `);
    const form: DataFormView = {
      title: t('Title'),
      instructions: t('Fill'),
      fields: [
        { type: 'fixed', label: t('Heading'), values: [t('Note')], required: false, options: [] },
        { var: 'name', type: 'text-single', label: t('Name'), desc: t('Shown'), values: [], required: true, options: [] },
        { var: 'open', type: 'boolean', label: t('Open'), values: [], required: false, options: [] },
        { var: 'who', type: 'list-single', label: t('Who'), values: ['a'], required: false, options: [{ value: 'a', label: t('Anyone') }] },
        {
          var: 'lang',
          type: 'list-multi',
          label: t('Langs'),
          values: [],
          required: false,
          options: [{ value: 'en', label: t('English') }],
        },
      ],
    };
    const { container } = render(DataForm, { props: { form, onsubmit: () => {} } });
    expectIsolated(container.querySelector('.title')!, t('Title'));
    expectIsolated(container.querySelector('.instructions')!, t('Fill'));
    expectIsolated(screen.getByTestId('data-form-fixed'), t('Heading'));
    expectIsolated(screen.getByTestId('data-form-fixed'), t('Note'));
    const name = container.querySelector('[data-var="name"]')!;
    expectIsolated(name.querySelector('label')!, t('Name'), ' (required)');
    expectIsolated(name.querySelector('.desc')!, t('Shown'));
    expectIsolated(container.querySelector('[data-var="open"]')!, t('Open'));
    expectIsolated(container.querySelector('[data-var="lang"] legend')!, t('Langs'));
    expectIsolated(container.querySelector('[data-var="lang"] label')!, t('English'));
    // An <option> holds only text: the label is wrapped in FSI … PDI.
    expect(container.querySelector('[data-var="who"] option[value="a"]')?.textContent).toBe(isolate(t('Anyone')));
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expectIsolated(screen.getByTestId('data-form-problem'), t('Name'), '”: it is required.');
    expectNoLeak(container);
  });

  it('an error’s technical detail is isolated', () => {
    const detail = hostile('stanza error ');
    const { container } = render(ErrorNotice, { props: { error: { code: 'server-unreachable', detail } } });
    expectIsolated(container.querySelector('.detail')!, detail);
    expectNoLeak(container);
  });

  it('a refused certificate: who it was issued to and by, and its names, isolated', () => {
    const subject = hostile('CN=example.org ');
    const issuer = hostile('CN=Evil CA ');
    const { container } = render(CertificateDialog, {
      props: {
        certificate: {
          subject,
          issuer,
          names: [hostile('example.org')],
          validFrom: 'then',
          validTo: 'later',
          fingerprint256: 'AB:CD',
          reason: 'issued by someone nobody trusts',
        },
        ontrust: () => {},
        oncancel: () => {},
      },
    });
    expectIsolated(screen.getByTestId('cert-dialog'), subject);
    expectIsolated(screen.getByTestId('cert-dialog'), issuer);
    expectIsolated(container.querySelector('.names')!, hostile('example.org'));
    expectNoLeak(container);
  });
});
