// The incoming side of every Vireo stream (RFC 6120 §4.4 closing, §4.9 stream errors), added to
// @xmpp/client-core's Client (which borrows only the socket, the parser and the framing from the
// transport: transports.ts gives each transport the guarded parser of stream-guard.ts). Upstream, a parse error leaves the parser null while the socket stays
// attached (the next bytes throw from the socket's data handler, an uncaught exception), and a
// `</stream:stream>` from the server leaves the socket open with nobody reading it (the account looks
// online and hears nothing). Here any parse error ends the stream with the stream error it calls for,
// any end of the server's stream closes the socket, and no exception leaves the data handler.
import type { Element } from '@xmpp/xml';
import { buildStreamError, classifyParseError, HandlerFailure, utf8Decoder } from './stream-guard.js';
import { XmppFailure } from './errors.js';
import { jid as parseAddress } from '@xmpp/client';
import { parseJid } from './jid.js';

/**
 * A stanza whose 'from' or 'to' is not an address at all (RFC 6120 §8.1.1, §8.1.2: they are JIDs;
 * RFC 7622 §3: 'a@b@c', '@domain', an empty part, a part over 1023 bytes are not). The stanza router
 * (@xmpp/middleware) parses both and throws on some such values, from inside the XML parser, which
 * could only end the stream (a hostile server could keep the account reconnecting for ever); others it
 * lets through, and the chat code would take '@domain' for the domain and 'a@b@c' for a contact.
 */
function unaddressable(el: Element): boolean {
  if (el.name !== 'message' && el.name !== 'presence' && el.name !== 'iq') return false;
  for (const value of [el.attrs.from, el.attrs.to]) {
    if (typeof value !== 'string' || value === '') continue;
    if (!parseJid(value)) return true;
    try {
      parseAddress(value);
    } catch {
      return true;
    }
  }
  return false;
}

/** A stream error Vireo sent itself (not the server's): the link is fine, a reconnect may start at once. */
export interface RaisedStreamError {
  condition: string;
  at: number;
}

/** What the guard adds to a connection (and so to the client). */
export interface StreamGuard {
  /** Set when Vireo ended the current (or last) stream with a stream error; cleared on connect. */
  raisedStreamError?: RaisedStreamError;
  /**
   * Send a stream error (a ready-made `<stream:error/>` element, or a condition and a text), close the
   * stream and then the socket, reading nothing more from it (RFC 6120 §4.9.1.1).
   */
  raiseStreamError(condition: string, opts?: { text?: string; element?: Element }): void;
}

interface SocketInternals {
  write(data: string, cb?: (err?: Error | null) => void): void;
  end(): void;
  destroy(): void;
  once(event: string, fn: () => void): unknown;
  on(event: string, fn: () => void): unknown;
}

/** The parts of @xmpp/connection's Connection that the guard builds on (it ships no types). */
interface ConnectionInternals {
  status: string;
  _onElement(element: Element): void;
  socket: SocketInternals | null;
  parser: { write(data: string): void } | null;
  _onData(data: Buffer | string): void;
  _attachParser(parser: unknown): void;
  _detachParser(): void;
  _attachSocket(socket: unknown): void;
  _status(status: string, ...args: unknown[]): void;
  connect(service: string): Promise<unknown>;
  send(element: Element, ...rest: unknown[]): Promise<void>;
  sendMany(elements: Element[], ...rest: unknown[]): Promise<void>;
  footer(el: unknown): string;
  footerElement(): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

/** After our closing tag, how long the server may take to close its side before the socket is dropped. */
const CLOSE_GRACE_MS = 500;

/** `Base` (an @xmpp/connection class) whose streams are read and closed as described above. */
export function guardStream<T>(Base: T): T {
  const B = Base as unknown as new (...args: unknown[]) => ConnectionInternals;
  class Guarded extends B implements StreamGuard {
    raisedStreamError?: RaisedStreamError;
    #decode = utf8Decoder();

    override connect(service: string): Promise<unknown> {
      this.raisedStreamError = undefined;
      return super.connect(service);
    }

    /**
     * 'sending' comes before the write, 'send' only after it completed: an acknowledgement can arrive in
     * between (a busy socket), and XEP-0198 must count the stanza as sent by then (stream-management.ts).
     * A write that fails ('unsent') takes it back: it never left.
     */
    override async send(element: Element, ...rest: unknown[]): Promise<void> {
      this.emit('sending', element);
      try {
        await super.send(element, ...rest);
      } catch (err) {
        this.emit('unsent', element);
        throw err;
      }
    }

    override async sendMany(elements: Element[], ...rest: unknown[]): Promise<void> {
      for (const el of elements) this.emit('sending', el);
      try {
        await super.sendMany(elements, ...rest);
      } catch (err) {
        for (const el of elements) this.emit('unsent', el);
        throw err;
      }
    }

    override _onElement(element: Element): void {
      // Dropped here, before anyone routes it; 'dropped-stanza' lets XEP-0198 count it as handled
      // (it was: there is nothing anyone could do with it), so that acknowledgements stay right.
      if (unaddressable(element)) {
        this.emit('dropped-stanza', element);
        return;
      }
      super._onElement(element);
    }

    override _attachSocket(socket: unknown): void {
      super._attachSocket(socket);
      // The WebSocket stopped reading a message far over the limit (transports.ts): it is closing already.
      (socket as SocketInternals).on('oversize', () => this.raiseStreamError('policy-violation', { text: 'a stanza over the size limit' }));
    }

    override _attachParser(parser: unknown): void {
      this.#decode = utf8Decoder(); // a new stream (or a restart after TLS/SASL) starts clean
      super._attachParser(parser);
    }

    override _onData(data: Buffer | string): void {
      // No parser: the stream has ended or failed and the socket is closing; what still arrives is dropped.
      if (!this.parser) return;
      try {
        this.parser.write(this.#decode(data));
      } catch (err) {
        const fault = classifyParseError(err);
        if (fault) {
          // Raised first: a listener of 'error' may drop the socket at once (sign-in gives up on it).
          this.raiseStreamError(fault.condition, { text: fault.message });
          this.#report(new XmppFailure('connection-lost', `the server sent ${fault.message} (${fault.condition})`));
        } else {
          // A listener of a parsed element threw: Vireo's bug. The parse was cut off mid-chunk, so the
          // stream cannot go on; drop it without acknowledging anything more (the server sends again).
          this.#report((err as HandlerFailure).cause);
          this._detachParser();
          this.socket?.destroy();
        }
      }
    }

    override _status(status: string, ...args: unknown[]): void {
      const before = this.status;
      super._status(status, ...args);
      // RFC 6120 §4.4: the server closed its stream (we did not ask): close ours and the connection.
      // Upstream only detaches the parser and leaves the socket open.
      if (status === 'close' && before !== 'closing' && before !== 'disconnecting') this.#closeSocket(this.footer(this.footerElement()));
    }

    raiseStreamError(condition: string, opts: { text?: string; element?: Element } = {}): void {
      if (this.raisedStreamError && !this.parser) return; // already raised on this stream
      this.raisedStreamError = { condition, at: Date.now() };
      this._detachParser();
      const el = opts.element ?? buildStreamError(condition, opts.text);
      // RFC 7395 §3.6: over WebSocket the error and the <close/> are separate messages.
      this.#closeSocket(el.toString(), this.footer(this.footerElement()));
    }

    #closeSocket(...frames: string[]): void {
      const socket = this.socket;
      if (!socket) return;
      this._detachParser();
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      timer.unref?.();
      socket.once('close', () => clearTimeout(timer));
      // Best effort: the error is for the server's log; the socket closes whether the write works or not.
      frames.forEach((frame, i) => socket.write(frame, i === frames.length - 1 ? () => socket.end() : undefined));
    }

    #report(err: unknown): void {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
  }
  return Guarded as unknown as T;
}
