// Integration on a real Prosody: @mentions in rooms, which new messages notify (rooms on mentions by
// default, every message or never by choice; one-to-one always; not the conversation on screen; not
// archive catch-up), and private messages with a room occupant (XEP-0045 §7.5) both ways, with a
// forged one dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient } from '../../xmpp/client.js';
import type { AccountView, ConversationView, MessageView, NotificationView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let room: string;
let aliceRoom: RoomView;
let bobRoom: RoomView;
let bobChat: ConversationView;

/** Every notification a core decided on so far. */
const notes = (t: TestCore) => t.events.filter((e) => e.name === 'notify').map((e) => e.payload as NotificationView);
/** Every message a core stored so far (as pushed to the UI). */
const added = (t: TestCore) => t.events.filter((e) => e.name === 'message:added').flatMap((e) => e.payload as MessageView[]);

async function bobSaysInRoom(body: string) {
  await bob.must('chat:send', { conversationId: bobRoom.conversationId, body });
  return alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body)).then((ms) => ms.find((m) => m.body === body)!);
}

beforeAll(async () => {
  // Without offline storage, what was said while Alice was away comes back only from the archives.
  server = await startProsody({ noOfflineStorage: true });
  for (const u of ['alice', 'bob', 'carol']) await server.register(u, `${u}-pw`);
  alice = await startTestCore();
  bob = await startTestCore();
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  room = `tea@${server.mucDomain}`;
  aliceRoom = await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
  bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
  await alice.waitForEvent('room:updated', (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Bob'));
  bobChat = await bob.must('chat:open', { accountId: bobAcc.id, peer: `alice@${server.domain}` });
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('mentions and notifications', () => {
  it('flags a room message that mentions Alice and notifies her; a plain one does neither', async () => {
    const plain = await bobSaysInRoom('such malice in this tea');
    const mention = await bobSaysInRoom('alice: are you there?');
    expect(plain.mentionsMe).toBeUndefined();
    expect(mention.mentionsMe).toBe(true);
    await alice.waitForEvent('notify', (n) => n.body === 'alice: are you there?');
    expect(notes(alice)).toEqual([
      { accountId: aliceAcc.id, conversationId: aliceRoom.conversationId, title: `Bob in ${room}`, body: 'alice: are you there?' },
    ]);
    // The flag is stored: the history says it too.
    const history = await alice.must('chat:history', { conversationId: aliceRoom.conversationId, limit: 10 });
    expect(history.messages.map((m) => [m.body, !!m.mentionsMe])).toEqual([
      ['such malice in this tea', false],
      ['alice: are you there?', true],
    ]);
    // Bob's own copies never count as mentions of anyone, and he is not notified of his own messages.
    expect(notes(bob)).toEqual([]);
  });

  it('notifies every room message once Alice chooses so, and none when she chooses never', async () => {
    await alice.must('rooms:set-notify', { accountId: aliceAcc.id, room, notify: 'all' });
    expect((await alice.must('rooms:list', {})).find((r) => r.jid === room)?.notify).toBe('all');
    await bobSaysInRoom('the kettle is on');
    await alice.waitForEvent('notify', (n) => n.body === 'the kettle is on');

    await alice.must('rooms:set-notify', { accountId: aliceAcc.id, room, notify: 'never' });
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.notify === 'never');
    await bobSaysInRoom('Alice, tea is ready');
    // A one-to-one message always notifies: once it has, the room message before it was decided on.
    await bob.must('chat:send', { conversationId: bobChat.id, body: 'did you see the room?' });
    const note = await alice.waitForEvent('notify', (n) => n.body === 'did you see the room?');
    expect(note.title).toBe(`bob@${server.domain}`);
    expect(notes(alice).map((n) => n.body)).not.toContain('Alice, tea is ready');
    await alice.must('rooms:set-notify', { accountId: aliceAcc.id, room, notify: 'mentions' });
  });

  it('does not notify the conversation Alice is looking at', async () => {
    const chat = notes(alice).find((n) => n.body === 'did you see the room?')!.conversationId;
    await alice.must('app:set-viewing', { conversationId: chat });
    await bob.must('chat:send', { conversationId: bobChat.id, body: 'you are reading this' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'you are reading this'));
    await alice.must('app:set-viewing', { conversationId: null });
    await bob.must('chat:send', { conversationId: bobChat.id, body: 'and now you are away' });
    await alice.waitForEvent('notify', (n) => n.body === 'and now you are away');
    expect(notes(alice).map((n) => n.body)).not.toContain('you are reading this');
  });

  it('does not notify what archive catch-up brings after a restart, but flags the mention', async () => {
    const profileDir = alice.profileDir;
    await alice.stop({ keepProfile: true });
    const mark = bob.mark();
    const sent = [
      await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'alice: missed you' }),
      await bob.must('chat:send', { conversationId: bobChat.id, body: 'while you were out' }),
    ];
    for (const m of sent) await bob.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'sent', 10_000, mark);
    alice = await startTestCore({ profileDir });
    const caught = await Promise.all(
      ['alice: missed you', 'while you were out'].map((body) =>
        alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 20_000).then((ms) => ms.find((m) => m.body === body)!),
      ),
    );
    expect(caught[0]!.mentionsMe).toBe(true);
    // Something live afterwards notifies, so the catch-up was decided on before it.
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joined', 15_000);
    await bob.must('chat:send', { conversationId: bobChat.id, body: 'welcome back' });
    await alice.waitForEvent('notify', (n) => n.body === 'welcome back', 15_000);
    expect(notes(alice).map((n) => n.body)).toEqual(['welcome back']);
  });
});

describe('private messages with a room occupant (XEP-0045 §7.5)', () => {
  let bobPm: ConversationView;

  it('Bob writes privately to Alice in the room; Alice gets a separate private chat, notified, and answers', async () => {
    bobPm = await bob.must('rooms:open-private', { accountId: bobAcc.id, room, nick: 'Alice' });
    expect(bobPm).toMatchObject({ kind: 'pm', peer: `${room}/Alice`, title: `Alice (private, in ${room})` });
    await bob.must('chat:send', { conversationId: bobPm.id, body: 'psst, just between us' });
    const got = await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'psst, just between us'));
    const msg = got.find((m) => m.body === 'psst, just between us')!;
    expect(msg).toMatchObject({ direction: 'in', peer: `${room}/Bob` });
    expect(msg.conversationId).not.toBe(aliceRoom.conversationId);
    const note = await alice.waitForEvent('notify', (n) => n.body === 'psst, just between us');
    expect(note).toMatchObject({ conversationId: msg.conversationId, title: `Bob (private, in ${room})` });
    const pm = (await alice.must('chats:list', {})).find((c) => c.id === msg.conversationId);
    expect(pm).toMatchObject({ kind: 'pm', peer: `${room}/Bob` });
    // Not in the room for everyone to read.
    expect(
      (await alice.must('chat:history', { conversationId: aliceRoom.conversationId, limit: 50 })).messages.map((m) => m.body),
    ).not.toContain('psst, just between us');

    await alice.must('chat:send', { conversationId: msg.conversationId, body: 'my lips are sealed' });
    const back = await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'my lips are sealed'));
    expect(back.find((m) => m.body === 'my lips are sealed')).toMatchObject({ direction: 'in', conversationId: bobPm.id });
    expect(
      (await bob.must('chat:history', { conversationId: bobRoom.conversationId, limit: 50 })).messages.map((m) => m.body),
    ).not.toContain('my lips are sealed');
  });

  it('opens private chats only in rooms the user is in', async () => {
    expect(
      await bob.call('rooms:open-private', { accountId: bobAcc.id, room: `elsewhere@${server.mucDomain}`, nick: 'Alice' }),
    ).toMatchObject({ ok: false, error: { code: 'room-not-found' } });
  });

  it('drops a "private message" that does not come from the room, and keeps ordinary chats', async () => {
    const mallory = createXmppClient({
      jid: `carol@${server.domain}`,
      password: 'carol-pw',
      resource: 'spoof',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    mallory.on('error', () => {});
    await mallory.start();
    try {
      const aliceFull = alice.core.connections.client(aliceAcc.id)!.jid!.toString();
      const pm = (body: string, from?: string) =>
        xml(
          'message',
          { to: aliceFull, type: 'chat', ...(from ? { from } : {}) },
          xml('body', {}, body),
          xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }),
        );
      await mallory.send(pm('I am Bob, really', `${room}/Bob`));
      await mallory.send(pm('private, from a room'));
      await mallory.send(xml('message', { to: aliceFull, type: 'chat' }, xml('body', {}, 'hello, it is carol')));
      await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'hello, it is carol'));
      const bodies = added(alice).map((m) => m.body);
      expect(bodies).not.toContain('I am Bob, really');
      expect(bodies).not.toContain('private, from a room');
      expect(JSON.stringify(alice.events)).not.toContain('I am Bob');
    } finally {
      await closeClient(mallory);
    }
  });
});
