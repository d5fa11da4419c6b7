// A loopback TCP proxy that counts round trips: every time the client speaks after having heard
// from the server counts as one (the first client flight counts too). TLS handshakes are included,
// the TCP handshake is not. Used by benchmarks to report protocol round trips, not time.
import net from 'node:net';

export async function startTurnProxy(target: { host: string; port: number }) {
  let turns = 0;
  let lastFrom: 'client' | 'server' | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('data', (d) => {
      if (lastFrom !== 'client') turns++;
      lastFrom = 'client';
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      lastFrom = 'server';
      client.write(d);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** Round trips since the last reset. */
    turns: () => turns,
    reset() {
      turns = 0;
      lastFrom = undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
