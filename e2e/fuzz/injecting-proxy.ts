// A man in the middle for the fuzzer: it terminates Direct TLS (XEP-0368) with the server's own
// certificate (the client pins it, as it would pin the real server's), connects on to the real
// Prosody's Direct TLS port, forwards everything, and can write hostile bytes to the client between
// two of the server's top-level elements — what a malicious server or a machine holding its key can do.
//
// Stream management (XEP-0198 §4) counts stanzas per direction: the client counts the injected
// stanzas too, and Prosody would end the session on an <a h='…'/> larger than what it sent. So the
// proxy keeps, per SM session, the order of real and injected stanzas, and rewrites the client's
// <a h/> and <resume h/> to the number of *real* stanzas among the first h: Prosody sees exactly
// what it sent and nothing more.
import net from 'node:net';
import tls from 'node:tls';
import { createSplitter, toBytes, type Piece } from './xml-splitter.js';

const NS_SM = 'urn:xmpp:sm:3';

export interface InjectingProxy {
  port: number;
  /** Write `data` (a string as UTF-8, or raw bytes: invalid UTF-8 too) to the client of the newest
   *  stream on which stream management is enabled. False when there is none. */
  inject(data: string | Buffer): boolean;
  /** Whether a client stream is ready for injection. */
  ready(): boolean;
  connections(): number;
  /** From now on, the client's top-level elements for which `pred` is true are swallowed, never reaching
   *  the server (a server that does not answer); undefined lets everything through again. */
  holdUp(pred: ((element: string) => boolean) | undefined): void;
  close(): Promise<void>;
}

/** Real (true) or injected (false) stanzas in the order the client received them, as prefix sums. */
interface SmLog {
  realBefore: number[]; // realBefore[i] = real stanzas among the first i
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(['"])(.*?)\\1`).exec(tag);
  return m?.[2];
}
const startTag = (text: string) => text.slice(0, text.indexOf('>') + 1);
const isSmElement = (p: Piece, name: string) => p.kind === 'element' && p.name === name && attr(startTag(p.text), 'xmlns') === NS_SM;
/** As the client counts (electron/xmpp/stream-management.ts): message, presence, iq in jabber:client. */
function countsAsStanza(name: string, text: string): boolean {
  if (name !== 'message' && name !== 'presence' && name !== 'iq') return false;
  const ns = attr(startTag(text), 'xmlns');
  return ns === undefined || ns === 'jabber:client';
}
function mapH(log: SmLog, h: number): number {
  const n = log.realBefore.length - 1;
  return h <= n ? log.realBefore[h]! : log.realBefore[n]! + (h - n);
}
const rewriteH = (text: string, h: number) => text.replace(/(\sh=)(['"])\d+\2/, `$1$2${h}$2`);

export async function startInjectingProxy(opts: { upstreamPort: number; cert: { pem: string; keyPem: string } }): Promise<InjectingProxy> {
  const sessions = new Map<string, SmLog>(); // by SM id
  const sockets = new Set<net.Socket>();
  let total = 0;
  /** The newest stream with SM enabled: where injected bytes go. */
  let current: { client: tls.TLSSocket; log: SmLog } | undefined;
  let held: ((element: string) => boolean) | undefined;

  const server = tls.createServer({ cert: opts.cert.pem, key: opts.cert.keyPem }, (client) => {
    total++;
    sockets.add(client);
    // The test server's self-signed certificate is trusted as its own CA, and its name is checked.
    const upstream = tls.connect({ host: '127.0.0.1', port: opts.upstreamPort, ca: opts.cert.pem, servername: 'example.test' });
    sockets.add(upstream);
    const down = createSplitter();
    const up = createSplitter();
    let log: SmLog | undefined; // this stream's SM session, once enabled or resumed
    let pendingResume: { id: string; h: number } | undefined;
    const me = { client, log: undefined as unknown as SmLog };
    const end = () => {
      client.destroy();
      upstream.destroy();
      if (current?.client === client) current = undefined;
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', () => {
      sockets.delete(client);
      end();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      end();
    });

    upstream.on('data', (chunk: Buffer) => {
      for (const p of down.push(chunk)) {
        if (p.kind === 'element' && log && countsAsStanza(p.name, p.text)) log.realBefore.push(log.realBefore.at(-1)! + 1);
        if (!client.destroyed) client.write(toBytes(p.text));
        if (isSmElement(p, 'enabled')) {
          log = { realBefore: [0] };
          const id = attr(startTag(p.text), 'id');
          if (id) sessions.set(id, log);
        } else if (isSmElement(p, 'resumed') && pendingResume) {
          log = sessions.get(pendingResume.id);
          if (log) log.realBefore.length = Math.min(log.realBefore.length, pendingResume.h + 1);
        }
        if (log && (isSmElement(p, 'enabled') || isSmElement(p, 'resumed'))) {
          me.log = log;
          current = me;
        }
      }
    });
    client.on('data', (chunk: Buffer) => {
      for (const p of up.push(chunk)) {
        let text = p.text;
        const h = p.kind === 'element' ? Number(attr(startTag(text), 'h')) : NaN;
        if (isSmElement(p, 'a') && log && Number.isInteger(h)) text = rewriteH(text, mapH(log, h));
        else if (isSmElement(p, 'resume') && Number.isInteger(h)) {
          const id = attr(startTag(text), 'previd') ?? '';
          pendingResume = { id, h };
          const old = sessions.get(id);
          if (old) text = rewriteH(text, mapH(old, h));
        }
        if (p.kind === 'element' && held?.(Buffer.from(text, 'latin1').toString('utf8'))) continue;
        if (!upstream.destroyed) upstream.write(toBytes(text));
      }
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    ready: () => !!current && !current.client.destroyed,
    inject(data) {
      if (!current || current.client.destroyed) return false;
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      // Counted as the client will count it: a top-level stanza moves its `h`, anything else does not.
      for (const p of createSplitter().push(Buffer.concat([toBytes('<stream:stream>'), bytes]))) {
        if (p.kind === 'element' && countsAsStanza(p.name, p.text)) current.log.realBefore.push(current.log.realBefore.at(-1)!);
      }
      current.client.write(bytes);
      return true;
    },
    connections: () => total,
    holdUp(pred) {
      held = pred;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
