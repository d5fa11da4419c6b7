// A desktop notification's title names who wrote (a nickname, a contact's name, an address): the
// network's words, isolated (shared/bidi.ts), so that a right-to-left name or a U+202E in it cannot turn
// the title's own words around on the desktop (issue #11 §6). The decisions themselves are tested on a
// real Prosody in notifications.test.ts; here the service runs on stand-ins.
import { describe, expect, it } from 'vitest';
import { createNotificationService } from './notifications.js';
import type { IncomingCtx } from './chats.js';
import type { NotificationView } from '../../../shared/views.js';

const [FSI, PDI, RLO, PDF] = ['\u2068', '\u2069', '\u202E', '\u202C'];

function service(contactName?: string) {
  const shown: NotificationView[] = [];
  let stored: ((ctx: IncomingCtx) => void) | undefined;
  createNotificationService({
    settings: { notifyMode: () => 'all' } as never,
    repo: {} as never,
    chats: {
      onStored: (cb: (ctx: IncomingCtx) => void) => {
        stored = cb;
      },
    } as never,
    events: { emit: (_name: string, n: NotificationView) => shown.push(n) } as never,
    roomNick: () => 'me',
    announceRoom: () => {},
    contactName: () => contactName,
  });
  return (msg: Partial<NonNullable<IncomingCtx['msg']>> & { peer: string }) => {
    stored!({
      accountId: 'acc',
      source: 'live',
      stored: { conversationId: `acc:${msg.peer}` },
      msg: { direction: 'in', body: 'hello', timestamp: 1, ...msg },
    } as unknown as IncomingCtx);
    return shown.at(-1)?.title;
  };
}

describe('notification titles', () => {
  it('isolate a room nickname, a private chat’s nickname and a contact’s name', () => {
    expect(service()({ kind: 'room', peer: 'tea@muc.example.org', senderNick: 'שרה' })).toBe(`${FSI}שרה${PDI} in tea@muc.example.org`);
    expect(service()({ peer: 'tea@muc.example.org/שרה' })).toBe(`${FSI}שרה${PDI} (private, in tea@muc.example.org)`);
    expect(service(`Bob${RLO}`)({ peer: 'bob@example.org' })).toBe(`${FSI}Bob${RLO}${PDF}${PDI}`);
  });

  it('leave left-to-right names as they are', () => {
    expect(service()({ kind: 'room', peer: 'tea@muc.example.org', senderNick: 'Bob' })).toBe('Bob in tea@muc.example.org');
    expect(service('Bob')({ peer: 'bob@example.org' })).toBe('Bob');
  });
});
