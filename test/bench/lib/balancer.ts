/**
 * A TCP load balancer for the benchmark: each new client connection goes to the next backend in
 * turn (round robin), as a layer-4 balancer in front of several server processes would do. Keep-alive
 * connections stay on their backend; changing the backends (between measures) closes every open
 * connection, so the clients' next requests are spread over the new backends.
 */
import net from 'node:net';

export interface Balancer {
  /** http://127.0.0.1:PORT + the backends' path (e.g. /api). */
  baseUrl: string;
  use(backendUrls: string[]): void;
  /** Connections sent to each backend since the last `use`. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startBalancer(backendUrls: string[]): Promise<Balancer> {
  let backends: URL[] = [];
  let sent: number[] = [];
  let next = 0;
  const sockets = new Set<net.Socket>();
  const use = (urls: string[]) => {
    for (const s of sockets) s.destroy();
    backends = urls.map((u) => new URL(u));
    sent = urls.map(() => 0);
    next = 0;
  };
  use(backendUrls);
  const server = net.createServer((client) => {
    const k = next++ % backends.length;
    sent[k]!++;
    const b = backends[k]!;
    const upstream = net.connect(Number(b.port), b.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${new URL(backendUrls[0]!).pathname.replace(/\/$/, '')}`,
    use,
    counts: () => [...sent],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
