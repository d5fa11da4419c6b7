// Integration: room invitations between two real cores on a real Prosody — a direct invitation with the
// room password (accepted: bob is in, and the password never reaches his database), a mediated one
// into a members-only room (the room admits bob because it invited him), a declined one (alice hears
// of it), an invitation that survives bob's restart, and invitations that lie about who sent them.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient } from '../../xmpp/client.js';
import type { AccountView, RoomInvitationView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
const roomJid = (name: string) => `${name}@${server.mucDomain}`;

/** Runs Lua on the room inside Prosody (the test's stand-in for a room's owner configuring it). */
const onRoom = (name: string, lua: string) =>
  server.shell(`>local room = prosody.hosts["${server.mucDomain}"].modules.muc.get_room_from_jid("${roomJid(name)}"); ${lua}`);

/** Every byte bob's profile keeps in its database (and its write-ahead log). */
function databaseBytes(t: TestCore): string {
  return ['vireo.sqlite', 'vireo.sqlite-wal']
    .map((f) => path.join(t.profileDir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
}

const invitationsOf = async (t: TestCore) => t.must('rooms:invitations', {});
const waitInvitation = (t: TestCore, room: string, after?: number) =>
  t
    .waitForEvent('room:invitations', (p) => p.invitations.some((i) => i.room === room), 10_000, after)
    .then((p) => p.invitations.find((i) => i.room === room)!);

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'carol']) await server.register(u, `${u}-pw`);
  alice = await startTestCore();
  bob = await startTestCore();
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  // Bob knows alice by name.
  await bob.must('roster:add', { accountId: bobAcc.id, jid: `alice@${server.domain}`, name: 'Alice Liddell' });
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('room invitations', () => {
  it('direct: bob sees alice invite him, accepts, and is in the password-protected room; the password is not in his database', async () => {
    const room = roomJid('secret');
    await server.shell(
      `>local r = prosody.hosts["${server.mucDomain}"].modules.muc.create_room("${room}"); r:set_persistent(true); r:set_password("hunter2-pw"); r:save(true); return "ok"`,
    );
    await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice', password: 'hunter2-pw' });
    const mark = bob.mark();
    await alice.must('rooms:invite', {
      accountId: aliceAcc.id,
      room,
      invitee: `bob@${server.domain}`,
      reason: 'Secret tea <b>now</b>',
      mode: 'direct',
    });
    const inv = await waitInvitation(bob, room, mark);
    expect(inv).toMatchObject<Partial<RoomInvitationView>>({
      kind: 'direct',
      inviter: `alice@${server.domain}`,
      inviterName: 'Alice Liddell',
      reason: 'Secret tea <b>now</b>',
      hasPassword: true,
    });
    const joined = await bob.must('rooms:accept-invitation', { accountId: bobAcc.id, room });
    expect(joined.state).toBe('joined');
    expect(joined.occupants.map((o) => o.nick)).toEqual(['Alice', 'bob']);
    await bob.waitForEvent('room:invitations', (p) => !p.invitations.some((i) => i.room === room), 10_000, mark);
    expect(await invitationsOf(bob)).toEqual([]);
    expect(databaseBytes(bob)).not.toContain('hunter2-pw');
  });

  it('mediated: through the room, which admits bob to its members-only room because it invited him', async () => {
    const room = roomJid('club');
    await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
    await onRoom('club', 'room:set_members_only(true); return "ok"');
    expect(await bob.call('rooms:join', { accountId: bobAcc.id, room, nick: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'room-members-only' },
    });
    const mark = bob.mark();
    // No mode: alice is in the room and bob is not a member, so the invitation goes through the room.
    await alice.must('rooms:invite', {
      accountId: aliceAcc.id,
      room,
      invitee: `bob@${server.domain}`,
      reason: 'members only, but you are welcome',
    });
    const inv = await waitInvitation(bob, room, mark);
    // The room hides real addresses from non-moderators: it names alice by her nickname in the room.
    expect(inv).toMatchObject({
      kind: 'mediated',
      inviter: `${room}/Alice`,
      inviterName: 'Alice',
      reason: 'members only, but you are welcome',
      hasPassword: false,
    });
    const joined = await bob.must('rooms:accept-invitation', { accountId: bobAcc.id, room });
    expect(joined.state).toBe('joined');
    expect(joined.occupants.find((o) => o.isSelf)?.affiliation).toBe('member');
    // The room's plain-text fallback ("… invited you to the room …") is not a chat message.
    expect((await bob.must('chats:list', {})).some((c) => c.peer === room && c.kind === 'chat')).toBe(false);
    // A mere member may not invite others into this members-only room: bob is told so.
    expect(await bob.call('rooms:invite', { accountId: bobAcc.id, room, invitee: `carol@${server.domain}` })).toMatchObject({
      ok: false,
      error: { code: 'room-forbidden' },
    });
  });

  it('declined: the decline goes through the room and alice hears who declined and why', async () => {
    const room = roomJid('tea');
    await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
    const mark = bob.mark();
    await alice.must('rooms:invite', { accountId: aliceAcc.id, room, invitee: `bob@${server.domain}` });
    expect(await waitInvitation(bob, room, mark)).toMatchObject({ kind: 'mediated', inviterName: 'Alice' });
    const aliceMark = alice.mark();
    await bob.must('rooms:decline-invitation', { accountId: bobAcc.id, room, reason: 'Not today' });
    const declined = await alice.waitForEvent('room:invite-declined', (d) => d.room === room, 10_000, aliceMark);
    expect(declined).toMatchObject({ accountId: aliceAcc.id, decliner: `bob@${server.domain}`, reason: 'Not today' });
    expect((await invitationsOf(bob)).map((i) => i.room)).not.toContain(room);
    expect((await bob.must('rooms:list', {})).some((r) => r.jid === room)).toBe(false);
  });

  it('a pending invitation (with its password) survives a restart of bob, and is accepted after it', async () => {
    const room = roomJid('vault');
    await server.shell(
      `>local r = prosody.hosts["${server.mucDomain}"].modules.muc.create_room("${room}"); r:set_persistent(true); r:set_password("open-sesame"); r:save(true); return "ok"`,
    );
    await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice', password: 'open-sesame' });
    const mark = bob.mark();
    await alice.must('rooms:invite', { accountId: aliceAcc.id, room, invitee: `bob@${server.domain}`, mode: 'direct' });
    await waitInvitation(bob, room, mark);
    const profileDir = bob.profileDir;
    await bob.stop({ keepProfile: true });
    expect(databaseBytes({ profileDir } as TestCore)).not.toContain('open-sesame');
    bob = await startTestCore({ profileDir });
    await bob.waitForEvent('sync:state', (s) => s.accountId === bobAcc.id && s.phase === 'synced', 15_000);
    expect((await invitationsOf(bob)).find((i) => i.room === room)).toMatchObject({
      kind: 'direct',
      inviter: `alice@${server.domain}`,
      hasPassword: true,
    });
    const joined = await bob.must('rooms:accept-invitation', { accountId: bobAcc.id, room });
    expect(joined.state).toBe('joined');
  });

  it('an invitation that only claims to come from alice is not shown as hers', async () => {
    const mallory = createXmppClient({
      jid: `carol@${server.domain}`,
      password: 'carol-pw',
      resource: 'spoof',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    mallory.on('error', () => {});
    await mallory.start();
    const bobBare = `bob@${server.domain}`;
    const claim = (inviteFrom: string) =>
      xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('invite', { from: inviteFrom }, xml('reason', {}, 'trust me')));
    try {
      const mark = bob.mark();
      // 1. A "mediated invitation" from a user's own address, naming alice as the inviter.
      await mallory.send(xml('message', { to: bobBare }, claim(`alice@${server.domain}`)));
      // 2. The same from a bare user JID, as a server can send (a remote server could forge any of its
      //    users' bare JIDs): not a room, whatever it says.
      await server.shell(
        `>local st = require "util.stanza"; prosody.core_post_stanza(prosody.hosts["${server.domain}"], st.message({ from = "carol@${server.domain}", to = "${bobBare}" }):tag("x", { xmlns = "http://jabber.org/protocol/muc#user" }):tag("invite", { from = "alice@${server.domain}" }):up():up()); return "sent"`,
      );
      // 3. A forged carbon wrapping a "room's" invitation (a carbon from carol, not from bob's server).
      await mallory.send(
        xml(
          'message',
          { to: bobBare },
          xml(
            'received',
            { xmlns: 'urn:xmpp:carbons:2' },
            xml(
              'forwarded',
              { xmlns: 'urn:xmpp:forward:0' },
              xml('message', { from: roomJid('tea'), to: bobBare }, claim(`alice@${server.domain}`)),
            ),
          ),
        ),
      );
      // 4. Claims alice in the room part, but carries a direct invitation too: shown as carol's, who sent it.
      await mallory.send(
        xml('message', { to: bobBare }, claim(`alice@${server.domain}`), xml('x', { xmlns: 'jabber:x:conference', jid: roomJid('den') })),
      );
      const shown = await waitInvitation(bob, roomJid('den'), mark);
      expect(shown).toMatchObject({ kind: 'direct', inviter: `carol@${server.domain}` });
      expect(shown.inviterName).toBeUndefined();
      const all = await invitationsOf(bob);
      expect(all.filter((i) => i.inviter?.startsWith('alice@') || i.inviterName === 'Alice Liddell')).toEqual([]);
      expect(all.map((i) => i.room)).toEqual([roomJid('den')]);
      // Nothing of it became a chat message either.
      expect(JSON.stringify(bob.events.slice(mark).filter((e) => e.name === 'message:added'))).not.toContain('trust me');
    } finally {
      await closeClient(mallory);
    }
  });
});
