// Integration: finding rooms on a real Prosody MUC — the service is found from the user's server,
// public rooms are listed with their names (a hidden one is not), a room tells its name, description,
// occupants and features before anyone joins it, and the errors say what went wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView } from '../../../shared/views.js';
import type { SubmitValue } from '../../xmpp/xep/0004-data-forms.js';
import { buildSubmitFromFields } from '../../xmpp/xep/0004-data-forms.js';
import { buildConfigRequest, buildConfigSubmit, parseConfigForm } from '../../xmpp/xep/0045-muc-admin.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;

/** Alice creates a room by joining it, then configures it as its owner (XEP-0045 §10.2). Prosody's rooms are hidden unless made public. */
async function createRoom(room: string, answers: Record<string, SubmitValue>) {
  await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
  const client = alice.core.connections.client(aliceAcc.id)!;
  const form = parseConfigForm(await client.iqCaller.request(xml('iq', { type: 'get', to: room }, buildConfigRequest()), 10_000));
  if (!form) throw new Error(`no configuration form for ${room}`);
  await client.iqCaller.request(xml('iq', { type: 'set', to: room }, buildConfigSubmit(buildSubmitFromFields(form, answers))), 10_000);
}

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob']) await server.register(u, `${u}-pw`);
  alice = await startTestCore();
  bob = await startTestCore();
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  await createRoom(`lounge@${server.mucDomain}`, {
    'muc#roomconfig_roomname': 'The Lounge',
    'muc#roomconfig_publicroom': true,
    'muc#roomconfig_roomdesc': 'Sofas <and> tea',
    'muc#roomconfig_persistentroom': true,
    'muc#roomconfig_whois': 'anyone',
  });
  await createRoom(`kitchen@${server.mucDomain}`, {
    'muc#roomconfig_roomname': 'Kitchen',
    'muc#roomconfig_publicroom': true,
    'muc#roomconfig_passwordprotectedroom': true,
    'muc#roomconfig_roomsecret': 'crumbs',
    'muc#roomconfig_membersonly': true,
    'muc#roomconfig_moderatedroom': true,
  });
  await createRoom(`attic@${server.mucDomain}`, { 'muc#roomconfig_roomname': 'Attic', 'muc#roomconfig_publicroom': false });
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('finding rooms', () => {
  it('finds the server’s group-chat service and lists its public rooms by name', async () => {
    const dir = await bob.must('rooms:browse', { accountId: bobAcc.id });
    expect(dir.service).toBe(server.mucDomain);
    expect(dir.services).toEqual([server.mucDomain]);
    expect(dir.rooms).toEqual([
      { jid: `kitchen@${server.mucDomain}`, name: 'Kitchen' },
      { jid: `lounge@${server.mucDomain}`, name: 'The Lounge' },
    ]);
    // The same list when the service is named (as a user would type it).
    expect((await bob.must('rooms:browse', { accountId: bobAcc.id, service: server.mucDomain.toUpperCase() })).rooms).toHaveLength(2);
  });

  it('tells what a room is before joining: name, description, who is in it, features', async () => {
    const lounge = await bob.must('rooms:info', { accountId: bobAcc.id, room: `lounge@${server.mucDomain}` });
    expect(lounge).toMatchObject({
      jid: `lounge@${server.mucDomain}`,
      name: 'The Lounge',
      description: 'Sofas <and> tea',
      occupants: 1,
      nonAnonymous: true,
      persistent: true,
      passwordProtected: false,
      membersOnly: false,
      public: true,
    });
    const kitchen = await bob.must('rooms:info', { accountId: bobAcc.id, room: `kitchen@${server.mucDomain}` });
    expect(kitchen).toMatchObject({
      name: 'Kitchen',
      passwordProtected: true,
      membersOnly: true,
      moderated: true,
      nonAnonymous: false,
      persistent: false,
    });
    expect(kitchen.archived).toBe(lounge.archived);
  });

  it('says so in contract codes when there is no such room or no such service', async () => {
    expect(await bob.call('rooms:info', { accountId: bobAcc.id, room: `nowhere@${server.mucDomain}` })).toMatchObject({
      ok: false,
      error: { code: 'room-not-found' },
    });
    // The user's own server is not a group-chat service.
    expect(await bob.call('rooms:browse', { accountId: bobAcc.id, service: server.domain })).toMatchObject({
      ok: false,
      error: { code: 'rooms-no-service' },
    });
    expect(await bob.call('rooms:browse', { accountId: bobAcc.id, service: 'not a domain' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('needs a connection', async () => {
    await bob.must('accounts:disconnect', { accountId: bobAcc.id });
    expect(await bob.call('rooms:browse', { accountId: bobAcc.id })).toMatchObject({ ok: false, error: { code: 'not-connected' } });
  });
});
