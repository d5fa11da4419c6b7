// Remote text cannot reorder the window (issue #11 §6), for contacts: a contact's name, status message,
// address and the words of a contact request each sit in their own isolate, Vireo's words outside it.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { isolate } from '$lib/bidi.js';
import { expectIsolated, expectNoLeak, hostile } from '../../test/bidi.js';
import { ACCOUNT_ID, contact } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import ContactItem from './ContactItem.svelte';
import RequestList from './RequestList.svelte';

describe('remote text of contacts', () => {
  it('a contact’s name and status message: isolated, presence in words outside; the address isolated in the tooltip', async () => {
    const name = hostile('Bob ');
    const status = hostile('out ');
    const jid = hostile('bob@example.org');
    const { container } = render(ContactItem, {
      props: { contact: contact(jid, { name, status, presence: 'away' }), onopen: () => {}, onrename: async () => true, onremove: async () => true },
    });
    const item = screen.getByTestId('contact-item');
    expectIsolated(item.querySelector('.name')!, name);
    expectIsolated(item.querySelector('.meta')!, status, 'Away — ');
    expect(item.querySelector('button.open')?.getAttribute('title')).toBe(`Chat with ${isolate(jid)}`);
    await fireEvent.click(screen.getByTestId('contact-remove'));
    expectIsolated(screen.getByRole('alertdialog'), name, ' from your contacts? You will stop sharing your online status.');
    expectNoLeak(container);
  });

  it('a contact request: the address and their words isolated, the sentence outside', () => {
    const jid = 'eve@example.org';
    const words = hostile('hi ');
    const { container } = render(RequestList, {
      props: { requests: [{ accountId: ACCOUNT_ID, jid: jid as BareJid, message: words, receivedAt: 1 }], onanswer: async () => {} },
    });
    const item = screen.getByTestId('request-item');
    expectIsolated(item.querySelector('.who')!, jid, ' wants to add you as a contact.');
    expectIsolated(item.querySelector('.message')!, words, '“');
    expectNoLeak(container);
  });
});
