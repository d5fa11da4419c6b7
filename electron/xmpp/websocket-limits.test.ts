// RFC 7395 frames over the size limit. A real server cannot be made to send one (Prosody refuses big
// stanzas before routing them), so a small fake WebSocket server plays a hostile one: it opens the
// stream and then sends one oversized frame.
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { makeSelfSignedCert, type TestCert } from '../../e2e/fixtures/prosody.js';
import { closeClient, createXmppClient, startClient } from './client.js';
import { MAX_STANZA_BYTES } from './stream-guard.js';

let cert: TestCert;
let server: https.Server;
let wss: WebSocketServer;
let port = 0;
/** What the fake server receives from Vireo, per connection. */
const received: string[][] = [];
let frameSize = 0;

beforeAll(async () => {
  cert = await makeSelfSignedCert(['example.test'], ['127.0.0.1']);
  server = https.createServer({ cert: cert.pem, key: cert.keyPem });
  wss = new WebSocketServer({ server, handleProtocols: () => 'xmpp' });
  wss.on('connection', (ws) => {
    const got: string[] = [];
    received.push(got);
    ws.on('error', () => {});
    ws.on('message', (d) => {
      got.push(d.toString());
      if (!d.toString().startsWith('<open')) return;
      ws.send(`<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.test' id='s1' version='1.0' xml:lang='en'/>`);
      ws.send(`<message xmlns='jabber:client' from='evil@example.test'><body>${'x'.repeat(frameSize)}</body></message>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  await new Promise((r) => server.close(r));
});

async function connectWith(size: number) {
  frameSize = size;
  const client = createXmppClient({
    jid: 'alice@example.test',
    password: 'x',
    resource: 't',
    service: `wss://127.0.0.1:${port}/xmpp-websocket`,
    pinned: cert.fingerprint256,
    timeoutMs: 3000,
  });
  client.on('error', () => {});
  const err = await startClient(client).then(
    () => undefined,
    (e: unknown) => e,
  );
  await closeClient(client);
  return { client, err: err as Error | undefined };
}

describe('WebSocket frames over the limit', () => {
  it('a frame just over 1 MiB is refused by the parser with policy-violation, sent to the server', async () => {
    const { client, err } = await connectWith(MAX_STANZA_BYTES + 32 * 1024);
    expect(err?.message).toMatch(/larger than/);
    expect(client.raisedStreamError?.condition).toBe('policy-violation');
    await expect
      .poll(() => received.at(-1)!.join(''))
      .toMatch(/<stream:error[^>]*><policy-violation xmlns="urn:ietf:params:xml:ns:xmpp-streams"\/>/);
  });

  it('a frame far over it (past what ws will read) ends the stream as policy-violation too, without an exception', async () => {
    const { client, err } = await connectWith(3 * MAX_STANZA_BYTES);
    expect(err).toBeDefined();
    expect(client.raisedStreamError?.condition).toBe('policy-violation');
  });
});
