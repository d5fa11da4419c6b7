// Remote text cannot reorder the window (issue #11 §6), for contacts: a contact's name, status message,
// address and the words of a contact request each sit in their own isolate, Vireo's words outside it.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { isolate } from '$lib/bidi.js';
import { expectIsolated, expectNoLeak, hostile } from '../../test/bidi.js';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, contact, createFakeBridge, ok } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import ContactsDialog from '../new/ContactsDialog.svelte';
import RequestList from './RequestList.svelte';

describe('remote text of contacts', () => {
  it('a contact’s name and status message: isolated, presence in words outside; the address isolated in the tooltip', async () => {
    const name = hostile('Bob ');
    const status = hostile('out ');
    const jid = hostile('bob@example.org');
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'roster:snapshot': () => ok({ contacts: [contact(jid, { name, status, presence: 'away' })], requests: [] }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    render(ContactsDialog, { props: { open: true }, context: appContext(app) });
    const item = screen.getByTestId('contact-item');
    expectIsolated(item.querySelector('.name')!, name);
    expectIsolated(item.querySelector('.line')!, status, 'Away — ');
    expect(item.querySelector('button.main')?.getAttribute('title')).toBe(`Chat with ${isolate(jid)}`);
    await fireEvent.click(within(item).getByTestId('contact-menu'));
    await fireEvent.click(screen.getByTestId('contact-remove'));
    expectIsolated(screen.getByTestId('contact-remove-dialog'), name, ' from your contacts? You will stop sharing your');
    expectNoLeak(document.body);
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
