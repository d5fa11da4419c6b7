// Integration: XEP-0410 self-ping on a real Prosody. How the room "silently drops" alice: Prosody's
// admin shell removes her occupant from the room's state without any presence being sent — what a
// room does when its service restarts or loses her session behind a broken server-to-server link.
// Alice's core still shows the room as joined; after the silence (shortened here) its self-ping gets
// "not-acceptable" from the room, it rejoins, and new messages reach her again. Then the room's
// service stops answering pings: the room is shown as unreachable until it answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let room: string;

const muc = () => `prosody.hosts["${server.mucDomain}"]`;

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob']) await server.register(u, `${u}-pw`);
  // A room silent for 1.5 s is pinged; an unanswered ping gives up after 1.5 s and is retried after 1 s.
  alice = await startTestCore({ selfPing: { idleMs: 1500, timeoutMs: 1500, retryMs: 1000 } });
  bob = await startTestCore();
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  room = `echo@${server.mucDomain}`;
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('room self-ping', () => {
  let bobRoom: RoomView;

  it('a room that forgot alice without telling her is noticed, rejoined, and its messages reach her again', async () => {
    await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
    bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
    // Alice has seen Bob come in (room updates are sent once per turn of the event loop).
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Bob'));
    await new Promise((r) => setTimeout(r, 50));
    // Quiet, and still in: pings are answered and nothing changes.
    const quiet = alice.mark();
    await new Promise((r) => setTimeout(r, 3500));
    expect(alice.events.slice(quiet).filter((e) => e.name === 'room:updated' && (e.payload as RoomView).jid === room)).toEqual([]);

    const mark = alice.mark();
    const dropped = await server.shell(
      `>local r = ${muc()}.modules.muc.get_room_from_jid("${room}"); local o = r:get_occupant_by_nick("${room}/Alice"); o.role = nil; r:save_occupant(o); return tostring(r:get_occupant_by_nick("${room}/Alice"))`,
    );
    expect(dropped).toContain('nil');
    // Nothing was sent to alice: her core only finds out by pinging.
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joining', 15_000, mark);
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joined', 15_000, mark);
    const sent = alice.mark();
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'Are you still there, Alice?' });
    await alice.waitForEvent(
      'message:added',
      (ms) => ms.some((m) => m.body === 'Are you still there, Alice?' && m.senderNick === 'Bob'),
      10_000,
      sent,
    );
  });

  it('a room that stops answering is shown as unreachable, and as fine again once it answers', async () => {
    const mark = alice.mark();
    // The room's service swallows pings to occupants (as a service that hangs, or a dead link, would);
    // Prosody's globals are strict, hence rawset/rawget for the handler kept between two shell calls.
    await server.shell(
      `>rawset(_G, "vireo_swallow_ping", function(e) if e.stanza:get_child("ping", "urn:xmpp:ping") then return true end end); ${muc()}.events.add_handler("iq/full", rawget(_G, "vireo_swallow_ping"), 1000); return "swallowing"`,
    );
    try {
      const lost = await alice.waitForEvent('room:updated', (r) => r.jid === room && r.unreachable === true, 15_000, mark);
      expect(lost.state).toBe('joined');
    } finally {
      await server.shell(`>${muc()}.events.remove_handler("iq/full", rawget(_G, "vireo_swallow_ping")); return "answering"`);
    }
    const back = alice.mark();
    const fine = await alice.waitForEvent('room:updated', (r) => r.jid === room && !r.unreachable, 15_000, back);
    expect(fine.state).toBe('joined');
  });
});
