// Stream management session logic, XEP-0198 — https://xmpp.org/extensions/xep-0198.html
// (the wire format is in xep/0198-sm.ts). Vireo's promise "persist, then acknowledge" lives here:
// an inbound stanza counts as handled — and so can be acknowledged to the server — only once every
// handler has finished with it, i.e. after its database transaction committed. Handlers may finish
// out of order; `h` only advances over a contiguous run of finished stanzas.
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import {
  ackedCount,
  buildAck,
  buildEnable,
  buildHandledCountTooHigh,
  buildRequest,
  buildResume,
  isRequest,
  NS_SM,
  parseAck,
  parseEnabled,
  parseFailed,
  parseResumed,
} from './xep/0198-sm.js';
import { buildBind, NS_BIND, parseBound } from './rfc/6120-bind.js';
import { XmppFailure } from './errors.js';
import { NS_CLIENT } from './rfc/6120-streams.js';

/** Thrown by a handler that could not persist a stanza: it must not be acknowledged. */
export class PersistFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersistFailure';
  }
}

const isStanza = (el: Element) =>
  (el.name === 'message' || el.name === 'presence' || el.name === 'iq') && (el.attrs.xmlns === undefined || el.attrs.xmlns === NS_CLIENT);
const mod32 = (n: number) => n % 2 ** 32;

export interface SmEntity extends EventEmitter {
  status: string;
  jid: unknown;
  options: { domain: string };
  send(el: Element): Promise<void>;
  sendMany(els: Element[]): Promise<void>;
  sendReceive(el: Element, timeout?: number): Promise<Element>;
  _jid(jid: string): void;
  _ready(resumed: boolean): void;
  socket?: unknown;
  /** Send a stream error and close the stream (guarded-connection.ts). */
  raiseStreamError?(condition: string, opts: { element: Element }): void;
}

export interface StreamManagement extends EventEmitter {
  /** Enabled on the current stream. */
  readonly enabled: boolean;
  /** A previous session that the server allows us to resume (and how long, ms). */
  readonly resumable: boolean;
  /** Handled inbound stanzas (our `h`). */
  readonly inbound: number;
  /** Outbound stanzas are being counted: an acknowledgement will tell when the server has them. */
  readonly tracking: boolean;
  /** Stanzas sent on this session and not acknowledged yet, oldest first. */
  unacked(): Element[];
  /** Ask the server to acknowledge now. */
  requestAck(): void;
  /** Forget the session (the user signed out, or the account changed). */
  reset(): void;
  // events: 'enabled', 'resumed', 'acked' (Element[]), 'lost' (Element[]) — sent stanzas whose fate is
  // unknown after a failed resume; 'resume-failed'; 'handled-count-too-high' ({ h, sendCount }).
}

interface Options {
  entity: SmEntity;
  /** True once SASL succeeded on the current connection (reset by the caller at every connect). */
  isAuthenticated(): boolean;
  middleware: { use(fn: (ctx: { stanza: Element }, next: () => Promise<unknown>) => unknown): void };
  streamFeatures: {
    use(
      name: string,
      ns: string,
      handler: (ctx: { entity: unknown; stanza: Element }, next: () => unknown, feature: Element) => unknown,
    ): void;
  };
  resource: string;
  /** Debounce for <r/> after sending, ms. */
  requestDelayMs?: number;
  /**
   * Liveness: after an <r/>, the server must say something within this time, or the connection is
   * taken for dead (a silently dropped network never closes a TCP socket by itself).
   */
  answerTimeoutMs?: number;
  /** Ask for an ack after this much inbound silence, to find out whether the link is still there. */
  idlePingMs?: number;
  /**
   * After a resumption, the server must acknowledge our <r/> within this time, or the resumed stream
   * is taken as unable to read us and a new session is started instead (see `resumeStalled`).
   */
  resumeCheckMs?: number;
}

export function setupStreamManagement(opts: Options): StreamManagement {
  const { entity } = opts;
  const sm = new EventEmitter() as StreamManagement;
  let enabled = false;
  let counting = false;
  let id: string | undefined;
  let resume = false;
  let maxSeconds = 300;
  let disconnectedAt: number | undefined;
  let queue: Element[] = [];
  let outboundAcked = 0; // the server's last h
  let arrived = 0;
  let handled = 0;
  const finished = new Set<number>();
  let requestTimer: NodeJS.Timeout | undefined;
  /** Bumped for every stream: a handler that finishes after its stream died must not move `h`. */
  let stream = 0;

  Object.defineProperties(sm, {
    enabled: { get: () => enabled },
    resumable: { get: () => !!id && resume && (disconnectedAt === undefined || Date.now() - disconnectedAt < maxSeconds * 1000) },
    inbound: { get: () => handled },
    tracking: { get: () => counting },
  });
  sm.unacked = () => [...queue];
  // Liveness (XEP-0198 §7 suggests <r/> as a keep-alive): a request that gets no answer at all
  // within answerTimeoutMs means the link is gone; the socket is dropped so that resumption starts.
  let answerTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  /**
   * A resumed stream on which the server answered nothing we sent. Prosody 0.12's mod_smacks moves
   * the new connection into the old session but keeps feeding its bytes to the old session's XML
   * parser (mod_c2s `session.data` closes over the old stream); when the old connection died in the
   * middle of one of our stanzas, that parser is still inside it and silently swallows everything we
   * write from then on, while the server's side of the stream keeps working. Large stanzas (OMEMO)
   * make this common. The only way out is a new session: this flag makes the next connection skip
   * resumption and start one, reporting the unacknowledged stanzas as lost so they are sent again
   * (the archive fills in what the server had queued for us).
   */
  let resumeStalled = false;
  let resumeCheckTimer: NodeJS.Timeout | undefined;
  const answerTimeoutMs = opts.answerTimeoutMs ?? 20_000;
  const idlePingMs = opts.idlePingMs ?? 60_000;
  const armIdle = () => {
    clearTimeout(idleTimer);
    if (enabled) idleTimer = setTimeout(() => sm.requestAck(), idlePingMs);
  };
  entity.on('element', () => {
    clearTimeout(answerTimer);
    answerTimer = undefined;
    armIdle();
  });
  sm.requestAck = () => {
    if (!enabled) return;
    void entity.send(buildRequest()).catch(() => {});
    if (!answerTimer) {
      answerTimer = setTimeout(() => {
        answerTimer = undefined;
        sm.emit('timeout');
        (entity.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
      }, answerTimeoutMs);
    }
  };
  const resetSession = () => {
    resumeStalled = false;
    id = undefined;
    resume = false;
    enabled = false;
    counting = false;
    queue = [];
    outboundAcked = 0;
    arrived = handled = 0;
    finished.clear();
  };
  sm.reset = resetSession;

  /** The server's `h` claims more than we ever sent on this session (XEP-0198 §5, "handled-count-too-high"). */
  const tooHigh = (h: number) => ackedCount(outboundAcked, h) > queue.length;

  /**
   * XEP-0198 §5: "When a remote entity acknowledges that it has handled a number of stanzas that is
   * higher than the amount of stanzas that it was sent …, the local entity SHOULD generate an
   * undefined-condition stream error that includes a <handled-count-too-high/> element … and close the
   * stream." Vireo always does: such a count would mark messages "Sent" that the server never had
   * (a broken server, or someone in the middle). Nothing is taken from it; the stanzas stay unacknowledged
   * and go out again on the next stream.
   */
  function refuseCount(h: number) {
    const sendCount = mod32(outboundAcked + queue.length);
    sm.emit('handled-count-too-high', { h, sendCount });
    enabled = false;
    counting = false;
    const element = buildHandledCountTooHigh(h, sendCount);
    if (entity.raiseStreamError) entity.raiseStreamError('undefined-condition', { element });
    else {
      void entity.send(element).catch(() => {});
      (entity.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
    }
  }

  function onAck(h: number) {
    clearTimeout(resumeCheckTimer);
    resumeCheckTimer = undefined;
    if (tooHigh(h)) return refuseCount(h);
    const n = ackedCount(outboundAcked, h);
    outboundAcked = mod32(h);
    if (n > 0) sm.emit('acked', queue.splice(0, n));
  }

  function markFinished(seq: number) {
    finished.add(seq);
    while (finished.delete(handled + 1)) handled++;
  }

  // A stanza the connection dropped before routing it (guarded-connection.ts: its addresses are not
  // addresses) was received and dealt with: it counts like any other (XEP-0198 §4, "handled").
  entity.on('dropped-stanza', () => {
    if (enabled) markFinished(++arrived);
  });

  entity.on('disconnect', () => {
    clearTimeout(answerTimer);
    clearTimeout(idleTimer);
    clearTimeout(resumeCheckTimer);
    answerTimer = undefined;
    resumeCheckTimer = undefined;
    enabled = false;
    counting = false;
    // Whatever was still being handled is not acknowledged: the server sends it again after `h`.
    stream++;
    arrived = handled;
    finished.clear();
    disconnectedAt = Date.now();
    clearTimeout(requestTimer);
  });

  // Outbound: count every stanza written after <enable/> was sent (XEP-0198 §4). Counted as the write
  // starts ('sending'), not once it completed ('send'): the server's <a/> may come in between, and a
  // stanza it acknowledges must be in the queue by then, or the count would look too high.
  entity.on('sending', (el: Element) => {
    if (!counting || !isStanza(el)) return;
    queue.push(el);
    clearTimeout(requestTimer);
    requestTimer = setTimeout(() => sm.requestAck(), opts.requestDelayMs ?? 50);
  });
  // A write that failed: the stanza never left, so it is not waiting for an acknowledgement either.
  entity.on('unsent', (el: Element) => {
    const i = queue.lastIndexOf(el);
    if (i >= 0) queue.splice(i, 1);
  });

  opts.middleware.use(async (ctx, next) => {
    const el = ctx.stanza;
    if (el.attrs.xmlns === NS_SM) {
      if (isRequest(el)) {
        // Answer with what is persisted, never more.
        if (enabled) await entity.send(buildAck(mod32(handled))).catch(() => {});
      } else if (el.name === 'a') {
        const a = parseAck(el);
        if (a) onAck(a.h);
      } else if (el.name === 'enabled') {
        const e = parseEnabled(el);
        enabled = true;
        id = e.id;
        resume = e.resume;
        if (e.max) maxSeconds = e.max;
        sm.emit('enabled');
      } else if (el.name === 'failed' && counting && !enabled) {
        // <enable/> refused: no stream management on this stream.
        counting = false;
        queue = [];
      }
      return undefined;
    }
    if (!enabled || !isStanza(el)) return next();
    const seq = ++arrived;
    const mine = stream;
    try {
      const r = await next();
      if (mine === stream) markFinished(seq);
      return r;
    } catch (err) {
      if (err instanceof PersistFailure) {
        // Not stored, so not acknowledged: drop the stream without a clean close so that the server
        // keeps the stanza and delivers it again (on resume, or from offline storage / the archive).
        counting = false;
        enabled = false;
        (entity.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
        throw err;
      }
      // A bug while handling one stanza must not block every later acknowledgement.
      if (mine === stream) markFinished(seq);
      throw err;
    }
  });

  // Session establishment: resume instead of binding when possible; otherwise bind, then enable.
  opts.streamFeatures.use('bind', NS_BIND, async ({ stanza: features }) => {
    // RFC 6120 §7.1: binding comes after TLS and SASL. A server (or a machine in the middle) that
    // offers <bind/> on a stream we have not encrypted and authenticated is refused outright.
    if (!(entity as unknown as { isSecure(): boolean }).isSecure() || !opts.isAuthenticated()) {
      throw new XmppFailure('tls-required', 'the server offered a session before encryption and authentication');
    }
    const offered = !!features.getChild('sm', NS_SM);
    if (offered && sm.resumable && resumeStalled) {
      // The last resumed stream never read what we sent: do not resume it again (see resumeStalled).
      const lost = queue;
      resetSession();
      sm.emit('resume-failed');
      if (lost.length) sm.emit('lost', lost);
    } else if (offered && sm.resumable) {
      const reply = await entity.sendReceive(buildResume(id!, mod32(handled)));
      const resumed = parseResumed(reply);
      if (resumed && tooHigh(resumed.h)) {
        // A resumption that claims stanzas we never sent cannot be trusted: refuse it, and start a new
        // session on the next stream (the outbox sends what is still pending there).
        resumeStalled = true;
        refuseCount(resumed.h);
        throw new XmppFailure('connection-lost', 'the server claimed to have received more messages than were sent');
      }
      if (resumed) {
        enabled = true;
        counting = true;
        disconnectedAt = undefined;
        onAck(resumed.h);
        const again = queue;
        queue = [];
        if (again.length) await entity.sendMany(again);
        // Prove that the server reads this stream: it must acknowledge an explicit request.
        void entity.send(buildRequest()).catch(() => {});
        clearTimeout(resumeCheckTimer);
        resumeCheckTimer = setTimeout(() => {
          resumeCheckTimer = undefined;
          resumeStalled = true;
          sm.emit('timeout');
          (entity.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
        }, opts.resumeCheckMs ?? 10_000);
        entity._ready(true);
        sm.emit('resumed');
        return;
      }
      const failed = parseFailed(reply);
      if (failed?.h !== undefined && tooHigh(failed.h)) {
        // The same check as for <a/> (§5: <failed h/> is handled like an acknowledgement): nothing is
        // marked sent from it; the new session on the next stream sends everything pending again.
        const lost = queue;
        refuseCount(failed.h);
        resetSession();
        sm.emit('resume-failed');
        if (lost.length) sm.emit('lost', lost);
        throw new XmppFailure('connection-lost', 'the server claimed to have received more messages than were sent');
      }
      if (failed?.h !== undefined) onAck(failed.h);
      const lost = queue;
      resetSession();
      sm.emit('resume-failed');
      if (lost.length) sm.emit('lost', lost);
    } else if (!offered) {
      resetSession();
    }

    const result = await entity.sendReceive(xml('iq', { type: 'set', id: `bind-${Date.now().toString(36)}` }, buildBind(opts.resource)));
    const jid = result.attrs.type === 'result' ? parseBound(result) : undefined;
    if (!jid) throw new Error(`resource binding failed: ${result.toString().slice(0, 200)}`);
    entity._jid(jid);
    if (offered) {
      resetSession();
      counting = true; // every stanza sent from now on is counted, even before <enabled/> arrives
      await entity.send(buildEnable({ resume: true }));
    }
    entity._ready(false);
  });

  return sm;
}
