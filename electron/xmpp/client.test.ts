// Integration: Vireo's XMPP client against a real Prosody started for this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../e2e/fixtures/prosody.js';
import { closeClient, createXmppClient } from './client.js';
import { CertificateError } from './tls-verify.js';
import { XmppFailure } from './errors.js';

let server: ProsodyServer;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pass');
  await server.register('bob', 'bob-pass', server.badDomain);
});
afterAll(async () => server?.stop());

async function login(opts: { jid?: string; password?: string; service: string; pinned?: string }) {
  const client = createXmppClient({
    jid: opts.jid ?? `alice@${server.domain}`,
    password: opts.password ?? 'alice-pass',
    resource: 'test',
    service: opts.service,
    ...(opts.pinned ? { pinned: opts.pinned } : {}),
    timeoutMs: 5000,
  });
  client.on('error', () => {});
  try {
    await client.start();
    return { jid: client.jid?.toString(), mechanism: client.mechanism, secure: client.isSecure() };
  } finally {
    await closeClient(client);
  }
}

describe('signing in to a real Prosody', () => {
  it('over STARTTLS with SCRAM-SHA-256 once the certificate is pinned', async () => {
    const r = await login({ service: `xmpp://127.0.0.1:${server.c2sPort}`, pinned: server.cert.fingerprint256 });
    expect(r).toEqual({ jid: `alice@${server.domain}/test`, mechanism: 'SCRAM-SHA-256', secure: true });
  });

  it('over Direct TLS (XEP-0368)', async () => {
    const r = await login({ service: `xmpps://127.0.0.1:${server.directTlsPort}`, pinned: server.cert.fingerprint256 });
    expect(r.jid).toBe(`alice@${server.domain}/test`);
  });

  it('over WebSocket (RFC 7395)', async () => {
    const r = await login({ service: server.websocketUrl, pinned: server.cert.fingerprint256 });
    expect(r.jid).toBe(`alice@${server.domain}/test`);
  });

  it('refuses a self-signed certificate that is not pinned, and says why with its fingerprint', async () => {
    for (const service of [`xmpp://127.0.0.1:${server.c2sPort}`, `xmpps://127.0.0.1:${server.directTlsPort}`, server.websocketUrl]) {
      const err = await login({ service }).catch((e: unknown) => e);
      const cert = err instanceof CertificateError ? err : (err as { cause?: unknown })?.cause;
      expect(cert, service).toBeInstanceOf(CertificateError);
      expect((cert as CertificateError).certificate.fingerprint256).toBe(server.cert.fingerprint256);
      expect((cert as CertificateError).certificate.reason).toMatch(/self-signed/);
    }
  });

  it('refuses a certificate issued for another name, then accepts it once pinned', async () => {
    const jid = `bob@${server.badDomain}`;
    const service = `xmpp://127.0.0.1:${server.c2sPort}`;
    const err = await login({ jid, password: 'bob-pass', service }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).certificate.names).toContain('wrong.test');
    const r = await login({ jid, password: 'bob-pass', service, pinned: server.badCert.fingerprint256 });
    expect(r.jid).toBe(`${jid}/test`);
  });

  it('does not accept a pin for a different certificate', async () => {
    const err = await login({ service: `xmpp://127.0.0.1:${server.c2sPort}`, pinned: server.badCert.fingerprint256 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CertificateError);
  });

  it('reports a wrong password as auth-failed', async () => {
    const err = await login({ service: `xmpp://127.0.0.1:${server.c2sPort}`, pinned: server.cert.fingerprint256, password: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(XmppFailure);
    expect((err as XmppFailure).code).toBe('auth-failed');
  });
});

describe('servers that misbehave', () => {
  /** A fake server speaking just enough XMPP to offer the given features, recording what it receives. */
  async function fakeServer(features: string) {
    const net = await import('node:net');
    let received = '';
    const srv = net.createServer((sock) => {
      sock.on('data', (d) => {
        received += d.toString();
        if (d.toString().includes('<stream:stream')) {
          sock.write(
            `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' from='example.test' version='1.0'><stream:features>${features}</stream:features>`,
          );
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { port: (srv.address() as { port: number }).port, received: () => received, close: () => new Promise((r) => srv.close(r)) };
  }

  it('refuses a session offered without encryption, and never sends the password', async () => {
    for (const features of [
      `<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>`,
      `<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>`,
    ]) {
      const fake = await fakeServer(features);
      try {
        const err = await login({ service: `xmpp://127.0.0.1:${fake.port}` }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(XmppFailure);
        expect((err as XmppFailure).code).toBe('tls-required');
        expect(fake.received()).not.toMatch(/<auth|<iq/);
      } finally {
        await fake.close();
      }
    }
  });

  it('gives up on a server that accepts the connection but never completes TLS', async () => {
    const net = await import('node:net');
    const accepted: import('node:net').Socket[] = [];
    const silent = net.createServer((sock) => {
      accepted.push(sock);
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const client = createXmppClient({
      jid: `alice@${server.domain}`,
      password: 'x',
      resource: 't',
      service: `xmpps://127.0.0.1:${port}`,
      timeoutMs: 300,
    });
    client.on('error', () => {});
    const started = Date.now();
    const err = await client.start().catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ETIMEDOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    await closeClient(client);
    for (const sock of accepted) sock.destroy();
    await new Promise((r) => silent.close(r));
  });
});

describe('IQ errors', () => {
  it('an immediate error reply is delivered to the caller and is never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    const client = createXmppClient({
      jid: `alice@${server.domain}`,
      password: 'alice-pass',
      resource: 'iq',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    client.on('error', () => {});
    await client.start();
    try {
      const { xml } = await import('@xmpp/client');
      // A write whose completion is reported late (a busy socket): the reply is in before it.
      const entity = client as unknown as { write(s: string): Promise<void> };
      const write = entity.write.bind(entity);
      entity.write = async (str: string) => {
        await write(str);
        await new Promise((r) => setTimeout(r, 50));
      };
      for (let i = 0; i < 5; i++) {
        // A pubsub node that does not exist: the server answers item-not-found at once.
        const err = await client.iqCaller
          .request(
            xml('iq', { type: 'get' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('items', { node: `nope-${i}` }))),
            5000,
          )
          .catch((e: unknown) => e);
        expect((err as { condition?: string }).condition).toBe('item-not-found');
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await closeClient(client);
    }
  });
});

describe('text across TCP segments', () => {
  it('keeps a character split between two segments intact (no U+FFFD)', async () => {
    const tls = await import('node:tls');
    const { SecureSocket } = await import('./transports.js');
    const text = 'b→a ✓ 日本';
    const bytes = Buffer.from(text, 'utf8');
    const cut = bytes.indexOf(Buffer.from('→')) + 1; // inside the 3-byte arrow
    const srv = tls.createServer({ cert: server.cert.pem, key: server.cert.keyPem }, (sock) => {
      sock.write(bytes.subarray(0, cut));
      setTimeout(() => sock.end(bytes.subarray(cut)), 50);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { utf8Decoder } = await import('./stream-guard.js');
    const socket = new SecureSocket({ servername: server.domain, pinned: server.cert.fingerprint256 });
    // The socket hands over bytes; the client decodes them with this decoder, chunk after chunk.
    const decode = utf8Decoder();
    let got = '';
    let chunks = 0;
    socket.on('data', (d: Buffer) => {
      chunks++;
      got += decode(d);
    });
    const closed = new Promise((r) => socket.on('close', r));
    socket.connect({ host: '127.0.0.1', port: (srv.address() as { port: number }).port });
    await closed;
    srv.close();
    expect(chunks).toBeGreaterThan(1);
    expect(got).toBe(text);
  });
});
