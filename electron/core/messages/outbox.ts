// The send side of the message path, for 1:1 chats, private messages and rooms (ARCHITECTURE.md
// "Data that must never be lost"): a message of ours is an outbox row first, with its XEP-0359
// origin-id; it leaves as soon as it can, and stays 'pending' until the server has acknowledged it
// (XEP-0198), or — without stream management — until a ping (XEP-0199) sent after it is answered.
// A message that cannot leave now is sent at the next session with the same id: never dropped
// silently, never duplicated at the other end. Encrypted messages are encrypted just before they
// leave (the OMEMO service), and never go out as plain text in their place.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { MessageView } from '../../../shared/views.js';
import type { SendFailure } from '../../../shared/notices.js';
import type { ConversationRecord, MessagesRepo } from '../../store/messages-repo.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { buildChatMessage, buildGroupchatMessage } from '../../xmpp/rfc/6121-message.js';
import { newOriginId } from '../../xmpp/xep/0359-stable-ids.js';
import { bareOf } from '../../xmpp/jid.js';
import { NS_MUC_USER } from '../../xmpp/xep/0045-muc.js';
import type { Views } from './views.js';
import { errorMessage } from '../../lib/error-message.js';
import { requestIq } from '../../xmpp/iq.js';
import { buildPing } from '../../xmpp/xep/0199-ping.js';

export type EncryptOutcome =
  | { ok: true; children: Element[] }
  /** Try again later (offline, a timeout): `reason` is for the log. */
  | { ok: false; transient: true; reason: string }
  /** The message fails: why, as a value the window words (shared/notices.ts). */
  | { ok: false; transient: false; error: SendFailure };

/** What sending needs from end-to-end encryption (part of ChatEncryption in chats.ts). */
export interface OutboxEncryption {
  /** The children of an encrypted message (replacing <body/>), or why it cannot be encrypted now. */
  encrypt(accountId: AccountId, peer: string, body: string): Promise<EncryptOutcome>;
}

export interface OutboxDeps {
  repo: MessagesRepo;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** Whether we are in the room now (room messages wait in the outbox until we are). */
  roomJoined?(accountId: AccountId, room: string): boolean;
  /** End-to-end encryption, late-bound. */
  encryption?(): OutboxEncryption | undefined;
}

export function createOutbox(deps: OutboxDeps, views: Views) {
  const { messageView, emitConversation, updated } = views;

  /** Features that add children to our outgoing chat messages. */
  const outgoingExtras: (() => Element)[] = [];

  function markSent(accountId: AccountId, originId: string) {
    const m = deps.repo.outgoingByOriginId(accountId, originId);
    if (!m || m.state !== 'pending') return;
    const updated = deps.repo.setState(m.id, 'sent');
    const conv = deps.repo.conversation(m.conversationId);
    if (updated && conv) deps.events.emit('message:updated', messageView(updated, conv));
  }

  /** Confirm by ack (XEP-0198), and forget what the old stream wrote once a new session starts. */
  function installOn(accountId: AccountId, client: XmppClient) {
    // A new session on this client (not a resume): nothing of the old stream counts as written.
    client.on('online', () => written.delete(client));
    client.sm.on('acked', (stanzas: Element[]) => {
      for (const el of stanzas) if (el.name === 'message' && el.attrs.id) markSent(accountId, el.attrs.id as string);
    });
  }

  /**
   * The outbox, one worker per account: pending messages leave strictly in the order they were
   * written (a message typed during an outage never overtakes an older one), each exactly once per
   * stream. A message stays 'pending' until the server has acknowledged it (XEP-0198), or — on a
   * server without stream management — until a ping sent after it is answered, which on one ordered
   * stream proves the server received the message first.
   */
  const workers = new Map<AccountId, Promise<void>>();
  const rerun = new Set<AccountId>();
  /** Origin-ids written on the current session of each client (a failed resume starts a new one). */
  const written = new WeakMap<XmppClient, Set<string>>();

  function kick(accountId: AccountId): void {
    if (workers.has(accountId)) {
      rerun.add(accountId);
      return;
    }
    const run = (async () => {
      do {
        rerun.delete(accountId);
        const client = deps.connections.client(accountId);
        if (!client) return;
        let ids = written.get(client);
        if (!ids) written.set(client, (ids = new Set(client.sm.unacked().map((el) => el.attrs.id as string))));
        for (const m of deps.repo.pendingOutgoing(accountId)) {
          if (ids.has(m.originId)) continue;
          const conv = deps.repo.conversation(m.conversationId);
          if (!conv || deps.connections.client(accountId) !== client) break;
          if (conv.kind === 'room' && !deps.roomJoined?.(accountId, conv.peer)) continue;
          // A private message to an occupant leaves only while we are in that room (XEP-0045 §7.5).
          const pmRoom = conv.kind === 'chat' && conv.peer.includes('/') ? bareOf(conv.peer) : undefined;
          if (pmRoom && !deps.roomJoined?.(accountId, pmRoom)) continue;
          try {
            let encrypted: Element[] | undefined;
            if (m.encrypted) {
              // Never plain text in its place (ARCHITECTURE.md): it waits, or fails saying why.
              const e2e = deps.encryption?.();
              const out: EncryptOutcome = e2e
                ? await e2e.encrypt(accountId, conv.peer, m.body)
                : { ok: false, transient: true, reason: 'encryption is not available' };
              if (!out.ok) {
                if (out.transient) {
                  deps.log.info(`encrypted send deferred: ${out.reason}`);
                  break;
                }
                updated(deps.repo.setState(m.id, 'failed', out.error));
                continue;
              }
              encrypted = out.children;
            }
            // The same client object reconnects: after an await (encryption above) the stream may be
            // gone, or a new one may be half-way through TLS/SASL. Writing a stanza into that corrupts
            // the stream (Prosody: not-well-formed). It stays pending; flushPending runs once online.
            if (deps.connections.client(accountId) !== client || client.status !== 'online') break;
            await client.send(
              conv.kind === 'room'
                ? buildGroupchatMessage({ to: conv.peer, body: m.body, id: m.originId })
                : encrypted
                  ? buildChatMessage({ to: conv.peer, id: m.originId }, [...encrypted, ...outgoingExtras.map((f) => f())])
                  : buildChatMessage({ to: conv.peer, body: m.body, id: m.originId }, [
                      ...outgoingExtras.map((f) => f()),
                      // XEP-0045 §7.5: a private message carries <x xmlns='…muc#user'/>, so it is treated as one (XEP-0280 does not copy it).
                      ...(pmRoom ? [xml('x', { xmlns: NS_MUC_USER })] : []),
                    ]),
            );
            ids.add(m.originId);
            if (!client.sm.tracking) {
              await requestIq(client, xml('iq', { type: 'get', to: client.options.domain }, buildPing()), { timeoutMs: 30_000 });
              markSent(accountId, m.originId);
            }
          } catch (err) {
            // Still pending in the database: it goes out on the next stream, with the same id.
            deps.log.info(`send deferred: ${errorMessage(err)}`);
            break;
          }
        }
      } while (rerun.has(accountId));
    })().finally(() => workers.delete(accountId));
    workers.set(accountId, run);
  }

  /** After a session starts or resumes: whatever is still pending goes out, in order. */
  async function flushPending(accountId: AccountId) {
    kick(accountId);
    await workers.get(accountId);
  }

  return {
    installOn,
    flushPending,
    kick,
    addOutgoingExtra: (make: () => Element) => void outgoingExtras.push(make),
    /** A new message of ours: stored as pending with a new origin-id, told to the window, then on its way. */
    enqueue(conv: ConversationRecord, body: string, opts: { senderNick?: string; encrypted?: boolean }): MessageView {
      const stored = deps.repo.add(
        conv.accountId,
        conv.peer,
        {
          conversationId: conv.id,
          direction: 'out',
          body,
          timestamp: Date.now(),
          state: 'pending',
          originId: newOriginId(),
          ...(opts.senderNick ? { senderNick: opts.senderNick } : {}),
          ...(opts.encrypted ? { encrypted: true } : {}),
        },
        { kind: conv.kind },
      )!;
      const view = messageView(stored, conv);
      deps.events.emit('message:added', [view]);
      emitConversation(conv.id);
      kick(conv.accountId);
      return view;
    },
    /** Send a failed (or stuck) message of ours again, with the same id. */
    async retry(messageId: string): Promise<Result<MessageView>> {
      const m = deps.repo.get(messageId);
      const conv = m && deps.repo.conversation(m.conversationId);
      if (!m || !conv || m.direction !== 'out') return fail('not-found', 'message');
      if (m.state !== 'failed' && m.state !== 'pending') return ok(messageView(m, conv));
      const again = deps.repo.setState(m.id, 'pending')!;
      updated(again);
      // A failed message was written on this stream before: write it again. A pending one that the
      // server has not acknowledged yet is still on its way: leave it.
      const client = deps.connections.client(conv.accountId);
      const inFlight = client?.sm.unacked().some((el) => el.attrs.id === m.originId);
      if (client && !inFlight && m.originId) written.get(client)?.delete(m.originId);
      kick(conv.accountId);
      return ok(messageView(again, conv));
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
