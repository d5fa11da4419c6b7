// The generic XEP-0004 form: every field type is shown with its label and description as text, and
// submitting gives the answers typed by field (text, yes/no, lists). A password already set is left out
// unless retyped; a required field left empty is said in words and nothing is submitted.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { DataFieldView, DataFormView } from '$shared/views.js';
import DataForm from './DataForm.svelte';

const f = (over: Partial<DataFieldView> & Pick<DataFieldView, 'type'>): DataFieldView => ({
  required: false,
  values: [],
  options: [],
  ...over,
});

const FORM: DataFormView = {
  title: 'Configuration for tea@rooms.example.org',
  instructions: 'Complete this form to set up the room.',
  fields: [
    f({ type: 'fixed', values: ['Room information'] }),
    f({ type: 'hidden', var: 'secret-token', values: ['abc'] }),
    f({ var: 'name', type: 'text-single', label: 'Title <b>bold</b>', desc: 'Shown in lists of rooms', values: ['Tea'] }),
    f({ var: 'secret', type: 'text-private', label: 'Password', hasValue: true }),
    f({ var: 'desc', type: 'text-multi', label: 'Description', values: ['line one', 'line two'] }),
    f({ var: 'members', type: 'boolean', label: 'Members only', values: ['false'] }),
    f({ var: 'persistent', type: 'boolean', label: 'Keep the room', values: ['1'] }),
    f({
      var: 'whois',
      type: 'list-single',
      label: 'Who may see real addresses',
      values: ['moderators'],
      options: [
        { label: 'Moderators', value: 'moderators' },
        { label: 'Anyone', value: 'anyone' },
      ],
    }),
    f({
      var: 'broadcast',
      type: 'list-multi',
      label: 'Presence broadcast',
      values: ['moderator'],
      options: [{ label: 'Moderator', value: 'moderator' }, { label: 'Participant', value: 'participant' }, { value: 'visitor' }],
    }),
    f({ var: 'contact', type: 'jid-single', label: 'Contact address', values: [] }),
    f({ var: 'admins', type: 'jid-multi', label: 'Admins', values: ['a@example.org'] }),
  ],
};

const fieldOf = (name: string) => screen.getAllByTestId('data-form-field').find((el) => el.dataset.var === name)!;

function setup(form: DataFormView = FORM) {
  const onsubmit = vi.fn();
  const oncancel = vi.fn();
  render(DataForm, { form, onsubmit, oncancel });
  return { onsubmit, oncancel };
}

describe('DataForm', () => {
  it('shows every field type with the server’s texts as text, and nothing of hidden fields', () => {
    setup();
    expect(screen.getByText('Configuration for tea@rooms.example.org')).toBeTruthy();
    expect(screen.getByText('Complete this form to set up the room.')).toBeTruthy();
    expect(screen.getByTestId('data-form-fixed').textContent).toContain('Room information');
    // A label with markup is shown literally, never interpreted.
    const title = screen.getByLabelText<HTMLInputElement>('Title <b>bold</b>');
    expect(title.value).toBe('Tea');
    expect(document.querySelector('[data-testid="data-form"] b')).toBeNull();
    expect(title.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(title.getAttribute('aria-describedby')!)?.textContent).toBe('Shown in lists of rooms');

    const password = screen.getByLabelText<HTMLInputElement>('Password');
    expect(password.type).toBe('password');
    expect(password.value).toBe('');
    expect(password.placeholder).toContain('Unchanged');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Description').value).toBe('line one\nline two');
    expect(screen.getByLabelText<HTMLInputElement>('Members only').checked).toBe(false);
    expect(screen.getByLabelText<HTMLInputElement>('Keep the room').checked).toBe(true);
    expect(screen.getByLabelText<HTMLSelectElement>('Who may see real addresses').value).toBe('moderators');
    const broadcast = within(fieldOf('broadcast'));
    expect(broadcast.getByLabelText<HTMLInputElement>('Moderator').checked).toBe(true);
    expect(broadcast.getByLabelText<HTMLInputElement>('Participant').checked).toBe(false);
    expect(broadcast.getByLabelText('visitor')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Contact address').value).toBe('');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Admins').value).toBe('a@example.org');
    expect(screen.queryByDisplayValue('abc')).toBeNull();
    expect(screen.getAllByTestId('data-form-field').map((el) => el.dataset.var)).not.toContain('secret-token');
  });

  it('submits the answers typed by field, leaving an unchanged password out', async () => {
    const { onsubmit } = setup();
    await fireEvent.input(screen.getByLabelText('Title <b>bold</b>'), { target: { value: 'Tea room' } });
    await fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'one\ntwo\nthree' } });
    await fireEvent.click(screen.getByLabelText('Members only'));
    await fireEvent.change(screen.getByLabelText('Who may see real addresses'), { target: { value: 'anyone' } });
    await fireEvent.click(within(fieldOf('broadcast')).getByLabelText('Participant'));
    await fireEvent.click(within(fieldOf('broadcast')).getByLabelText('Moderator'));
    await fireEvent.input(screen.getByLabelText('Contact address'), { target: { value: ' tea-admin@example.org ' } });
    await fireEvent.input(screen.getByLabelText('Admins'), { target: { value: 'a@example.org\n\n b@example.org ' } });
    await fireEvent.click(screen.getByTestId('data-form-submit'));

    expect(onsubmit).toHaveBeenCalledTimes(1);
    expect(onsubmit.mock.calls[0]![0]).toEqual({
      name: 'Tea room',
      desc: ['one', 'two', 'three'],
      members: true,
      persistent: true,
      whois: 'anyone',
      broadcast: ['participant'],
      contact: 'tea-admin@example.org',
      admins: ['a@example.org', 'b@example.org'],
    });
  });

  it('sends a password only when one was typed', async () => {
    const { onsubmit } = setup();
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'n3w' } });
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expect(onsubmit.mock.calls[0]![0]).toMatchObject({ secret: 'n3w' });
  });

  it('says which required field is empty, puts the cursor there and submits nothing', async () => {
    const { onsubmit } = setup({ fields: [f({ var: 'nick', type: 'text-single', label: 'Nickname', required: true })] });
    expect(screen.getByText('(required)')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expect(screen.getByTestId('data-form-problem').textContent).toBe('Fill in “Nickname”: it is required.');
    expect(document.activeElement).toBe(screen.getByLabelText(/Nickname/));
    expect(onsubmit).not.toHaveBeenCalled();
    await fireEvent.input(screen.getByLabelText(/Nickname/), { target: { value: 'Al' } });
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expect(onsubmit).toHaveBeenCalledWith({ nick: 'Al' });
  });

  it('leaves out a choice the server left empty and the person did not make', async () => {
    const { onsubmit } = setup({
      fields: [
        f({
          var: 'lang',
          type: 'list-single',
          label: 'Language',
          options: [
            { label: 'English', value: 'en' },
            { label: 'Deutsch', value: 'de' },
          ],
        }),
      ],
    });
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expect(onsubmit).toHaveBeenLastCalledWith({});
    await fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'de' } });
    await fireEvent.click(screen.getByTestId('data-form-submit'));
    expect(onsubmit).toHaveBeenLastCalledWith({ lang: 'de' });
  });

  it('cancels', async () => {
    const { oncancel, onsubmit } = setup();
    await fireEvent.click(screen.getByTestId('data-form-cancel'));
    expect(oncancel).toHaveBeenCalledTimes(1);
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
