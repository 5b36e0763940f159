/**
 * A reverse proxy standing where the users' network would: the app talks to the server through
 * it so a test can slow answers down (to watch a sync's progress) without touching the server.
 * It listens first, so the server can be told its public URL (document links then point here
 * too, and the app sends its session to them).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gateway {
  /** The API base URL to give the app (and the server as its public URL). */
  baseUrl: string;
  setTarget(baseUrl: string): void;
  /** Holds every answer whose path matches for `ms` before passing it on, until cleared. */
  slowDown(path: RegExp, ms: number): void;
  clear(): void;
  /** Method and path of every request seen. */
  log: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  let target: URL | null = null;
  const slow: { path: RegExp; ms: number }[] = [];
  const log: Gateway['log'] = [];
  const server: Server = createServer((req, res) => {
    log.push({ method: req.method ?? '', path: req.url ?? '' });
    if (!target) {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (up) => {
        const delay = slow.find((s) => s.path.test(req.url ?? ''))?.ms ?? 0;
        setTimeout(() => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }, delay);
      },
    );
    // The server is down: the app must see what a dead network looks like, not a gateway error page.
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    setTarget: (url) => void (target = new URL(url)),
    slowDown: (path, ms) => void slow.push({ path, ms }),
    clear: () => void slow.splice(0),
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
