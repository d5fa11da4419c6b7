import { describe, expect, it } from 'vitest';
import { createEventBus } from '../core/kernel/events.js';
import type { ConversationId } from '../../shared/ids.js';
import type { NotificationView } from '../../shared/views.js';
import { escapeMarkup, showNotifications, type NotifierDeps, type ShellNotification } from './notifications.js';

function fakeElectron(supported = true) {
  const made: { options: { title?: string; body?: string }; shown: boolean; closed: boolean; fire(e: 'click' | 'close'): void }[] = [];
  class FakeNotification implements ShellNotification {
    static isSupported = () => supported;
    #listeners = new Map<string, () => void>();
    constructor(options: { title?: string; body?: string }) {
      made.push({ options, shown: false, closed: false, fire: (e) => this.#listeners.get(e)?.() });
    }
    on(event: 'click' | 'close', listener: () => void) {
      this.#listeners.set(event, listener);
      return this;
    }
    show() {
      made.at(-1)!.shown = true;
    }
    close() {
      made.find((m) => !m.closed)!.closed = true;
    }
  }
  return { made, Notification: FakeNotification };
}

const note = (over: Partial<NotificationView> = {}): NotificationView =>
  ({ accountId: 'a', conversationId: 'a|bob@x.y', title: 'bob@x.y', body: 'hello', ...over }) as NotificationView;

function setup(platform: NodeJS.Platform = 'linux', supported = true) {
  const events = createEventBus();
  const fake = fakeElectron(supported);
  const calls: string[] = [];
  const deps: NotifierDeps = {
    Notification: fake.Notification,
    events,
    platform,
    showWindow: () => calls.push('show-window'),
    openConversation: (id: ConversationId) => calls.push(`open ${id}`),
  };
  const stop = showNotifications(deps);
  return { events, fake, calls, stop };
}

describe('desktop notifications', () => {
  it('shows each notify event, and a click brings the window up on that conversation', () => {
    const { events, fake, calls } = setup('darwin');
    events.emit('message:added', []);
    events.emit('notify', note());
    expect(fake.made).toEqual([expect.objectContaining({ options: { title: 'bob@x.y', body: 'hello' }, shown: true })]);
    fake.made[0]!.fire('click');
    expect(calls).toEqual(['show-window', 'open a|bob@x.y']);
  });

  it('keeps a message’s text as text where Linux reads notification bodies as markup', () => {
    const { events, fake } = setup('linux');
    events.emit('notify', note({ body: '<a href="https://evil.example">win</a> & <img src=x>' }));
    expect(fake.made[0]!.options.body).toBe('&lt;a href="https://evil.example"&gt;win&lt;/a&gt; &amp; &lt;img src=x&gt;');
    expect(escapeMarkup('a < b')).toBe('a &lt; b');
  });

  it('does nothing where the system has no notifications, and closes what it showed when stopped', () => {
    const none = setup('linux', false);
    none.events.emit('notify', note());
    expect(none.fake.made).toEqual([]);
    const { events, fake, stop } = setup('win32');
    events.emit('notify', note());
    stop();
    expect(fake.made[0]!.closed).toBe(true);
    events.emit('notify', note({ body: 'after stop' }));
    expect(fake.made).toHaveLength(1);
  });
});
