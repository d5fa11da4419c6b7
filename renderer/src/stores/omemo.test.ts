// The OMEMO store: loads on demand, follows 'omemo:devices' (wired by AppState), and never lets a slow
// answer undo a newer event.
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState } from './app.svelte.js';
import { ACCOUNT_ID, account, createFakeBridge, ok, omemoDevice, omemoOwn, type Handlers } from '../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import type { OmemoDeviceView } from '$shared/views.js';

const BOB = 'bob@example.org' as BareJid;

async function setup(handlers: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), ...handlers });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  return { fake, app, omemo: app.omemo };
}

describe('OmemoStore', () => {
  it('loads a contact’s devices, then follows omemo:devices events for that JID', async () => {
    const { fake, omemo } = await setup({ 'omemo:devices': () => ok([omemoDevice(BOB, 1)]) });
    expect(omemo.list(ACCOUNT_ID, BOB).devices).toBeUndefined();
    expect(await omemo.load(ACCOUNT_ID, BOB)).toBeUndefined();
    expect(fake.callsOf('omemo:devices')).toEqual([{ accountId: ACCOUNT_ID, jid: BOB }]);
    expect(omemo.list(ACCOUNT_ID, BOB).devices?.map((d) => d.deviceId)).toEqual([1]);

    fake.emit('omemo:devices', { accountId: ACCOUNT_ID, jid: BOB, devices: [omemoDevice(BOB, 1), omemoDevice(BOB, 2)] });
    expect(omemo.list(ACCOUNT_ID, BOB).devices?.map((d) => d.deviceId)).toEqual([1, 2]);
  });

  it('keeps a newer event over the answer of a load that started before it', async () => {
    let answer: (v: ReturnType<typeof ok<OmemoDeviceView[]>>) => void = () => {};
    const { fake, omemo } = await setup({ 'omemo:devices': () => new Promise((resolve) => (answer = resolve)) });
    const loading = omemo.load(ACCOUNT_ID, BOB);
    expect(omemo.list(ACCOUNT_ID, BOB).loading).toBe(true);
    fake.emit('omemo:devices', { accountId: ACCOUNT_ID, jid: BOB, devices: [omemoDevice(BOB, 7, { trust: 'verified' })] });
    answer(ok([omemoDevice(BOB, 7)]));
    await loading;
    expect(omemo.list(ACCOUNT_ID, BOB)).toMatchObject({ loading: false, devices: [{ deviceId: 7, trust: 'verified' }] });
  });

  it('keeps the error of a failed load', async () => {
    const { omemo } = await setup({ 'omemo:devices': () => ({ ok: false, error: { code: 'omemo-unavailable' } }) });
    expect(await omemo.load(ACCOUNT_ID, BOB)).toEqual({ code: 'omemo-unavailable' });
    expect(omemo.list(ACCOUNT_ID, BOB)).toMatchObject({ loading: false, error: { code: 'omemo-unavailable' } });
  });

  it('replaces a device with the answer to set-trust and verify-uri', async () => {
    const { fake, omemo } = await setup({
      'omemo:devices': () => ok([omemoDevice(BOB, 1), omemoDevice(BOB, 2)]),
      'omemo:set-trust': (input) => ok(omemoDevice(BOB, input.deviceId, { trust: input.trust })),
      'omemo:verify-uri': () => ok([omemoDevice(BOB, 2, { trust: 'verified' })]),
    });
    await omemo.load(ACCOUNT_ID, BOB);
    const [one] = omemo.list(ACCOUNT_ID, BOB).devices!;
    expect(await omemo.setTrust(one!, 'distrusted')).toBeUndefined();
    expect(fake.callsOf('omemo:set-trust')).toEqual([{ accountId: ACCOUNT_ID, jid: BOB, deviceId: 1, trust: 'distrusted' }]);
    const r = await omemo.verifyUri(ACCOUNT_ID, 'xmpp:bob@example.org?omemo-sid-2=00');
    expect(r.ok).toBe(true);
    expect(omemo.list(ACCOUNT_ID, BOB).devices?.map((d) => d.trust)).toEqual(['distrusted', 'verified']);
  });

  it('loads this device’s own fingerprint, or keeps why it could not', async () => {
    const { fake, omemo } = await setup({ 'omemo:own': () => ({ ok: false, error: { code: 'omemo-unavailable' } }) });
    await omemo.loadOwn(ACCOUNT_ID);
    expect(omemo.own(ACCOUNT_ID)).toBeUndefined();
    expect(omemo.ownError(ACCOUNT_ID)?.code).toBe('omemo-unavailable');
    fake.handlers['omemo:own'] = () => ok(omemoOwn());
    await omemo.loadOwn(ACCOUNT_ID);
    expect(omemo.own(ACCOUNT_ID)?.deviceId).toBe(4242);
    expect(omemo.ownError(ACCOUNT_ID)).toBeUndefined();
  });

  it('says why OMEMO does not work here: from omemo:own first, then from each omemo:status, asking for the own device again', async () => {
    const noKeys = { kind: 'no-key-store' } as const;
    const { fake, omemo } = await setup({ 'omemo:own': () => ({ ok: false, error: { code: 'omemo-unavailable', omemo: noKeys } }) });
    expect(omemo.problem(ACCOUNT_ID)).toBeUndefined();
    // Not shown yet: an event is kept, nothing is asked.
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'ready' });
    expect(omemo.problem(ACCOUNT_ID)).toBeUndefined();
    expect(fake.callsOf('omemo:own')).toEqual([]);

    await omemo.loadOwn(ACCOUNT_ID);
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'unavailable', problem: noKeys });
    expect(omemo.problem(ACCOUNT_ID)).toEqual(noKeys);
    await vi.waitFor(() => expect(fake.callsOf('omemo:own')).toHaveLength(2));
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'unavailable', problem: { kind: 'no-key-store' } }); // the same again: not asked again
    expect(fake.callsOf('omemo:own')).toHaveLength(2);

    fake.handlers['omemo:own'] = () => ok(omemoOwn());
    fake.emit('omemo:status', { accountId: ACCOUNT_ID, state: 'ready' });
    expect(omemo.problem(ACCOUNT_ID)).toBeUndefined();
    await vi.waitFor(() => expect(omemo.own(ACCOUNT_ID)?.deviceId).toBe(4242));
  });

  it('before any omemo:status, takes the problem from what omemo:own answered', async () => {
    const refused = { kind: 'unpublished', reason: 'forbidden' } as const;
    const { fake, omemo } = await setup({ 'omemo:own': () => ok(omemoOwn({ problem: refused })) });
    await omemo.loadOwn(ACCOUNT_ID);
    expect(omemo.problem(ACCOUNT_ID)).toEqual(refused);
    fake.handlers['omemo:own'] = () => ({ ok: false, error: { code: 'omemo-unavailable' } });
    await omemo.loadOwn(ACCOUNT_ID);
    expect(omemo.problem(ACCOUNT_ID)).toBeUndefined(); // no reason from main: the generic error is shown instead
  });
});
