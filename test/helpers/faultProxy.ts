/**
 * An HTTP proxy for fault injection between a desktop and the real server. Rules pick requests
 * by method and path and make them fail the ways networks do: the response lost after the
 * server handled the request, a connection reset before it, a delay, or a 502 from a gateway.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'drop-response' } // forwarded, handled by the server, then the client's connection is cut
  | { kind: 'reset' } // the connection is cut before anything reaches the server
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number } // e.g. 502, without reaching the server
  | { kind: 'before'; run: () => void | Promise<void> }; // runs `run` (e.g. stops the database), then forwards

export interface FaultRule {
  method?: string;
  path: RegExp;
  fault: Fault;
  /** How many matching requests to hit (default 1). */
  times?: number;
  /** Let this many matching requests through first (default 0). */
  skip?: number;
}

export interface RequestLog {
  method: string;
  path: string;
  status: number | 'dropped' | 'reset';
}

export interface FaultProxy {
  /** Base URL to give the desktop: the proxy's origin plus the target's path (e.g. /api). */
  baseUrl: string;
  log: RequestLog[];
  add(rule: FaultRule): void;
  clear(): void;
  /** Rules that have not fired all their times yet. */
  pending(): FaultRule[];
  close(): Promise<void>;
}

export async function startFaultProxy(targetBaseUrl: string): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  const rules: (FaultRule & { left: number; skipLeft: number })[] = [];
  const log: RequestLog[] = [];

  function match(req: IncomingMessage): Fault | null {
    for (const r of rules) {
      if (r.left <= 0) continue;
      if (r.method && r.method.toUpperCase() !== req.method) continue;
      if (!r.path.test(req.url ?? '')) continue;
      if (r.skipLeft > 0) {
        r.skipLeft--;
        continue;
      }
      r.left--;
      return r.fault;
    }
    return null;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, drop: boolean): void {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent: false,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          if (drop) {
            log.push({ method: req.method ?? '', path: req.url ?? '', status: 'dropped' });
            req.socket.destroy();
            return;
          }
          log.push({ method: req.method ?? '', path: req.url ?? '', status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', () => {
      log.push({ method: req.method ?? '', path: req.url ?? '', status: 'reset' });
      req.socket.destroy();
    });
    upstream.end(body);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = match(req);
      if (!fault) return forward(req, res, body, false);
      switch (fault.kind) {
        case 'reset':
          log.push({ method: req.method ?? '', path: req.url ?? '', status: 'reset' });
          req.socket.destroy();
          return;
        case 'status':
          log.push({ method: req.method ?? '', path: req.url ?? '', status: fault.status });
          res.writeHead(fault.status, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
          return;
        case 'delay':
          setTimeout(() => forward(req, res, body, false), fault.ms);
          return;
        case 'drop-response':
          return forward(req, res, body, true);
        case 'before':
          void Promise.resolve(fault.run()).then(() => forward(req, res, body, false));
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    log,
    add: (rule) => rules.push({ ...rule, left: rule.times ?? 1, skipLeft: rule.skip ?? 0 }),
    clear: () => void rules.splice(0),
    pending: () => rules.filter((r) => r.left > 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
