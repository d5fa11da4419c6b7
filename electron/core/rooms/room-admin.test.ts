// Integration: creating rooms with their configuration, administering and moderating them, on a real
// Prosody MUC with three real cores — alice (the owner), bob and carol. What each person would notice:
// a new room nobody else can enter until alice has set it up (and its name, as everyone in it sees it),
// password and members-only rooms, kicks and bans explained in words, the ban list, voice, the subject,
// and refusals of what a person may not do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, DataFormValue, DataFormView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let carol: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let carolAcc: AccountView;
let tea: string;
let club: string;

const field = (form: DataFormView, name: string) => form.fields.find((f) => f.var === name);
/** Every answer as the settings form in the UI sends it when the person changed nothing (DataForm.svelte). */
function untouched(form: DataFormView): Record<string, DataFormValue> {
  const out: Record<string, DataFormValue> = {};
  for (const f of form.fields) {
    if (!f.var || f.type === 'fixed' || f.type === 'hidden' || f.type === 'text-private') continue;
    if (f.type === 'boolean') out[f.var] = f.values[0] === 'true' || f.values[0] === '1';
    else if (f.type.endsWith('-multi')) out[f.var] = [...f.values];
    else if (f.type !== 'list-single' || f.values[0]) out[f.var] = f.values[0] ?? '';
  }
  return out;
}
const inRoom = (jid: string, nick: string) => (r: RoomView) => r.jid === jid && r.occupants.some((o) => o.nick === nick);
const self = (r: RoomView) => r.occupants.find((o) => o.isSelf);

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'carol']) await server.register(u, `${u}-pw`);
  [alice, bob, carol] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  carolAcc = await addSyncedAccount(carol, server, 'carol', 'carol-pw');
  tea = `tea@${server.mucDomain}`;
  club = `club@${server.mucDomain}`;
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await carol?.stop();
  await server?.stop();
});

describe('creating a room with its configuration', () => {
  it('keeps a new room locked until alice submits its form, with a name and a password', async () => {
    const created = await alice.must('rooms:create', { accountId: aliceAcc.id, room: tea, nick: 'Alice' });
    expect(created.room).toMatchObject({ state: 'joined', locked: true });
    expect(self(created.room)).toMatchObject({ nick: 'Alice', affiliation: 'owner' });
    const form = created.form!;
    expect(field(form, 'muc#roomconfig_roomname')).toMatchObject({ type: 'text-single' });
    expect(field(form, 'muc#roomconfig_roomsecret')).toMatchObject({ type: 'text-private', values: [] });
    expect(field(form, 'muc#roomconfig_membersonly')?.type).toBe('boolean');

    // Nobody else gets in while it is being set up (§10.1.3).
    expect(await bob.call('rooms:join', { accountId: bobAcc.id, room: tea, nick: 'Bob' })).toMatchObject({
      ok: false,
      error: { code: 'room-not-found' },
    });

    const configured = await alice.must('rooms:configure', {
      accountId: aliceAcc.id,
      room: tea,
      values: { 'muc#roomconfig_roomname': 'Tea room', 'muc#roomconfig_roomsecret': 's3cret' },
    });
    expect(configured.state).toBe('joined');
    expect(configured.locked).toBeUndefined();
    expect(configured.name).toBe('Tea room');

    // Reopened later as "Room settings" (§10.2): the name is there; the password is set but not shown.
    const again = await alice.must('rooms:get-config', { accountId: aliceAcc.id, room: tea });
    expect(field(again, 'muc#roomconfig_roomname')?.values).toEqual(['Tea room']);
    expect(field(again, 'muc#roomconfig_roomsecret')).toMatchObject({ values: [], hasValue: true });
    expect(JSON.stringify(again)).not.toContain('s3cret');
  });

  it('refuses bob without the password and with a wrong one, and lets him in with the right one', async () => {
    expect(await bob.call('rooms:join', { accountId: bobAcc.id, room: tea, nick: 'Bob' })).toMatchObject({
      ok: false,
      error: { code: 'room-password-required' },
    });
    expect(await bob.call('rooms:join', { accountId: bobAcc.id, room: tea, nick: 'Bob', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'room-password-required' },
    });
    const joined = await bob.must('rooms:join', { accountId: bobAcc.id, room: tea, nick: 'Bob', password: 's3cret' });
    expect(joined).toMatchObject({ state: 'joined', name: 'Tea room' });
    // Changing settings later, the whole form as the UI sends it, keeps the password alice did not retype.
    const form = await alice.must('rooms:get-config', { accountId: aliceAcc.id, room: tea });
    await alice.must('rooms:configure', {
      accountId: aliceAcc.id,
      room: tea,
      values: { ...untouched(form), 'muc#roomconfig_roomdesc': 'Tea and biscuits' },
    });
    expect(field(await alice.must('rooms:get-config', { accountId: aliceAcc.id, room: tea }), 'muc#roomconfig_roomdesc')?.values).toEqual([
      'Tea and biscuits',
    ]);
    expect(await carol.call('rooms:join', { accountId: carolAcc.id, room: tea, nick: 'Carol' })).toMatchObject({
      ok: false,
      error: { code: 'room-password-required' },
    });
    await carol.must('rooms:join', { accountId: carolAcc.id, room: tea, nick: 'Carol', password: 's3cret' });
  });

  it('a members-only room refuses carol until alice makes her a member', async () => {
    const created = await alice.must('rooms:create', { accountId: aliceAcc.id, room: club, nick: 'Alice' });
    expect(created.form).toBeDefined();
    await alice.must('rooms:configure', { accountId: aliceAcc.id, room: club, values: { 'muc#roomconfig_membersonly': true } });

    expect(await carol.call('rooms:join', { accountId: carolAcc.id, room: club, nick: 'Carol' })).toMatchObject({
      ok: false,
      error: { code: 'room-members-only' },
    });
    await alice.must('rooms:set-affiliation', { accountId: aliceAcc.id, room: club, jid: `carol@${server.domain}`, affiliation: 'member' });
    expect(
      (await alice.must('rooms:list-affiliation', { accountId: aliceAcc.id, room: club, affiliation: 'member' })).map((m) => m.jid),
    ).toEqual([`carol@${server.domain}`]);
    const joined = await carol.must('rooms:join', { accountId: carolAcc.id, room: club, nick: 'Carol' });
    expect(self(joined)).toMatchObject({ affiliation: 'member' });
  });

  it('an existing room is simply joined by rooms:create, with no form', async () => {
    const res = await bob.must('rooms:create', { accountId: bobAcc.id, room: tea, nick: 'Bob', password: 's3cret' });
    expect(res.form).toBeUndefined();
    expect(res.room.state).toBe('joined');
    expect(self(res.room)?.affiliation).toBe('none');
  });

  it('a new name alice gives the room reaches those in it (status 104: the configuration changed)', async () => {
    const [bobMark, carolMark] = [bob.mark(), carol.mark()];
    const form = await alice.must('rooms:get-config', { accountId: aliceAcc.id, room: tea });
    const renamed = await alice.must('rooms:configure', {
      accountId: aliceAcc.id,
      room: tea,
      values: { ...untouched(form), 'muc#roomconfig_roomname': 'The tea room' },
    });
    expect(renamed.name).toBe('The tea room');
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && r.name === 'The tea room', 10_000, bobMark);
    await carol.waitForEvent('room:updated', (r) => r.jid === tea && r.name === 'The tea room', 10_000, carolMark);
    // The chat list titles the room by its new name too, not by its address.
    await bob.waitForEvent('conversation:updated', (c) => c.peer === tea && c.title === 'The tea room', 10_000, bobMark);
    expect((await carol.must('chats:list', {})).find((c) => c.peer === tea)?.title).toBe('The tea room');
  });

  it('cancelling the form of a new room destroys it: the next one to join creates it afresh', async () => {
    const scratch = `scratch@${server.mucDomain}`;
    const created = await alice.must('rooms:create', { accountId: aliceAcc.id, room: scratch, nick: 'Alice' });
    expect(created.form).toBeDefined();
    await alice.must('rooms:cancel-config', { accountId: aliceAcc.id, room: scratch });
    expect((await alice.must('rooms:list', {})).find((r) => r.jid === scratch)?.state).toBe('left');
    const bobs = await bob.must('rooms:join', { accountId: bobAcc.id, room: scratch, nick: 'Bob' });
    expect(self(bobs)).toMatchObject({ affiliation: 'owner' });
    expect(bobs.occupants.map((o) => o.nick)).toEqual(['Bob']);
    await bob.must('rooms:leave', { accountId: bobAcc.id, room: scratch });
  });
});

describe('moderation', () => {
  it('a participant may not kick: the refusal comes back in words, and carol stays', async () => {
    await bob.waitForEvent('room:updated', inRoom(tea, 'Carol'));
    const res = await bob.call('rooms:set-role', { accountId: bobAcc.id, room: tea, nick: 'Carol', role: 'none', reason: 'Go away' });
    expect(res).toMatchObject({ ok: false, error: { code: 'room-forbidden' } });
    expect((await carol.must('rooms:list', {})).find((r) => r.jid === tea)?.state).toBe('joined');
  });

  it('kick: carol is told why in words and may join again; bob sees her go', async () => {
    await alice.waitForEvent('room:updated', inRoom(tea, 'Carol'));
    const [carolMark, bobMark] = [carol.mark(), bob.mark()];
    await alice.must('rooms:set-role', { accountId: aliceAcc.id, room: tea, nick: 'Carol', role: 'none', reason: 'Too loud' });
    const out = await carol.waitForEvent('room:updated', (r) => r.jid === tea && r.state === 'error', 10_000, carolMark);
    expect(out).toMatchObject({ error: { code: 'room-kicked' }, removalReason: 'Too loud', occupants: [] });
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && !r.occupants.some((o) => o.nick === 'Carol'), 10_000, bobMark);
    // Bob's room history says what happened, with the moderator's reason: a notice, not a message,
    // and not one more unread.
    const [notice] = await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.notice), 10_000, bobMark);
    const kicked = { kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice', reason: 'Too loud' };
    expect(notice).toMatchObject({ notice: kicked, direction: 'in', body: '' });
    expect(notice!.senderNick).toBeUndefined();
    const bobsRoom = (await bob.must('chats:list', {})).find((c) => c.peer === tea)!;
    const history = await bob.must('chat:history', { conversationId: bobsRoom.id, limit: 5 });
    expect(history.messages.at(-1)).toMatchObject({ notice: kicked });
    expect(bobsRoom.unread).toBe(0);
    expect((await carol.must('rooms:join', { accountId: carolAcc.id, room: tea, nick: 'Carol', password: 's3cret' })).state).toBe('joined');
  });

  it('ban by real address: carol cannot come back until alice lifts it from the ban list', async () => {
    const seen = await alice.waitForEvent('room:updated', inRoom(tea, 'Carol'));
    // Moderators see real addresses in this (semi-anonymous) room: what a ban needs (§9.1).
    const carolJid = seen.occupants.find((o) => o.nick === 'Carol')?.jid;
    expect(carolJid).toBe(`carol@${server.domain}`);
    const [mark, bobMark] = [carol.mark(), bob.mark()];
    await alice.must('rooms:set-affiliation', {
      accountId: aliceAcc.id,
      room: tea,
      jid: carolJid!,
      affiliation: 'outcast',
      reason: 'Spam',
    });
    const out = await carol.waitForEvent('room:updated', (r) => r.jid === tea && r.state === 'error', 10_000, mark);
    expect(out).toMatchObject({ error: { code: 'room-banned' }, removalReason: 'Spam' });
    const [banNotice] = await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.notice), 10_000, bobMark);
    expect(banNotice?.notice).toEqual({ kind: 'removed', nick: 'Carol', cause: 'banned', actor: 'Alice', reason: 'Spam' });

    expect(await carol.call('rooms:join', { accountId: carolAcc.id, room: tea, nick: 'Carol', password: 's3cret' })).toMatchObject({
      ok: false,
      error: { code: 'room-banned' },
    });
    const banned = await alice.must('rooms:list-affiliation', { accountId: aliceAcc.id, room: tea, affiliation: 'outcast' });
    expect(banned.map((b) => b.jid)).toEqual([`carol@${server.domain}`]);

    await alice.must('rooms:set-affiliation', { accountId: aliceAcc.id, room: tea, jid: banned[0]!.jid, affiliation: 'none' });
    expect(await alice.must('rooms:list-affiliation', { accountId: aliceAcc.id, room: tea, affiliation: 'outcast' })).toEqual([]);
    expect((await carol.must('rooms:join', { accountId: carolAcc.id, room: tea, nick: 'Carol', password: 's3cret' })).state).toBe('joined');
  });

  it('without voice, bob’s message is refused by the room and marked failed with why; with voice again it arrives', async () => {
    const bobRoom = (await bob.must('rooms:list', {})).find((r) => r.jid === tea)!;
    let mark = bob.mark();
    await alice.must('rooms:set-role', { accountId: aliceAcc.id, room: tea, nick: 'Bob', role: 'visitor' });
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && self(r)?.role === 'visitor', 10_000, mark);

    const refused = await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'May I speak?' });
    const failed = await bob.waitForEvent('message:updated', (m) => m.id === refused.id && m.state === 'failed', 10_000, mark);
    expect(failed.error).toMatchObject({ kind: 'bounced', condition: expect.stringMatching(/^(forbidden|not-allowed)$/) });

    mark = bob.mark();
    await alice.must('rooms:set-role', { accountId: aliceAcc.id, room: tea, nick: 'Bob', role: 'participant' });
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && self(r)?.role === 'participant', 10_000, mark);
    // Both changes are lines in the history, for Bob as his own (the window says "You"), for the others with his nick.
    const bobsNotices = (await bob.must('chat:history', { conversationId: bobRoom.conversationId, limit: 20 })).messages
      .filter((m) => m.notice)
      .map((m) => m.notice);
    expect(bobsNotices.slice(-2)).toEqual([
      { kind: 'role', change: 'voice-taken' },
      { kind: 'role', change: 'voice-given' },
    ]);
    const carolsRoom = (await carol.must('rooms:list', {})).find((r) => r.jid === tea)!;
    await expect
      .poll(async () =>
        (await carol.must('chat:history', { conversationId: carolsRoom.conversationId, limit: 20 })).messages
          .filter((m) => m.notice)
          .map((m) => m.notice)
          .slice(-2),
      )
      .toEqual([
        { kind: 'role', nick: 'Bob', change: 'voice-taken' },
        { kind: 'role', nick: 'Bob', change: 'voice-given' },
      ]);
    const aliceMark = alice.mark();
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'Thank you' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'Thank you' && m.senderNick === 'Bob'), 10_000, aliceMark);
    const aliceRoom = (await alice.must('rooms:list', {})).find((r) => r.jid === tea)!;
    const bodies = (await alice.must('chat:history', { conversationId: aliceRoom.conversationId, limit: 50 })).messages.map((m) => m.body);
    expect(bodies).not.toContain('May I speak?');
  });

  it('the subject alice sets is seen by the others; bob, a participant, may not change it', async () => {
    const [bobMark, carolMark] = [bob.mark(), carol.mark()];
    await alice.must('rooms:set-subject', { accountId: aliceAcc.id, room: tea, subject: 'Biscuits today' });
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && r.subject === 'Biscuits today', 10_000, bobMark);
    await carol.waitForEvent('room:updated', (r) => r.jid === tea && r.subject === 'Biscuits today', 10_000, carolMark);

    expect(await bob.call('rooms:set-subject', { accountId: bobAcc.id, room: tea, subject: 'Cake' })).toMatchObject({
      ok: false,
      error: { code: 'room-forbidden' },
    });
    expect((await alice.must('rooms:list', {})).find((r) => r.jid === tea)?.subject).toBe('Biscuits today');
  });

  it('a moderator made by alice may kick; only the owner sees the room settings', async () => {
    const mark = bob.mark();
    await alice.must('rooms:set-role', { accountId: aliceAcc.id, room: tea, nick: 'Bob', role: 'moderator' });
    await bob.waitForEvent('room:updated', (r) => r.jid === tea && self(r)?.role === 'moderator', 10_000, mark);
    expect(await bob.call('rooms:get-config', { accountId: bobAcc.id, room: tea })).toMatchObject({
      ok: false,
      error: { code: 'room-forbidden' },
    });
    const carolMark = carol.mark();
    await bob.must('rooms:set-role', { accountId: bobAcc.id, room: tea, nick: 'Carol', role: 'none' });
    const out = await carol.waitForEvent('room:updated', (r) => r.jid === tea && r.state === 'error', 10_000, carolMark);
    expect(out.error?.code).toBe('room-kicked');
    expect(out.removalReason).toBeUndefined();
  });
});
