/**
 * Links to other sites (a document or an illustration hosted elsewhere) through the account's HTTP
 * client, against real loopback servers: the session never goes to them, and their answers — a
 * 401, a 503, a site that is down — neither end the session, nor mark the server unreachable, nor
 * stop a sync (they are missing files, tried again at the next sync).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/main/remote/http';
import { rejection } from './support';

interface Site {
  url: string;
  seen: IncomingMessage[];
  server: Server;
}

async function site(answer: (path: string) => { status: number; body?: string }): Promise<Site> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    const a = answer(req.url ?? '/');
    res.writeHead(a.status, { 'Content-Type': 'application/json' });
    res.end(a.body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let ours: Site;
let other: Site;
let downUrl: string;

beforeAll(async () => {
  ours = await site((p) => (p.startsWith('/expired') ? { status: 401 } : { status: 200 }));
  other = await site((p) => ({ status: p.startsWith('/locked') ? 401 : p.startsWith('/busy') ? 503 : 200 }));
  // A port nobody listens on: the site is down.
  const gone = await site(() => ({ status: 200 }));
  downUrl = gone.url;
  await new Promise<void>((resolve) => gone.server.close(() => resolve()));
});
afterAll(async () => {
  for (const s of [ours, other]) await new Promise<void>((resolve) => s?.server.close(() => resolve()));
});

function client() {
  const outcomes: string[] = [];
  let renewals = 0;
  const http = new HttpClient({
    baseUrl: `${ours.url}/api`,
    deviceId: '00000000-0000-4000-8000-000000000001',
    token: 'secret-token',
    auth: 'bearer',
    onOutcome: (o) => outcomes.push(o),
    renew: async () => {
      renewals++;
      return null;
    },
  });
  return { http, outcomes, renewals: () => renewals };
}

describe('links to other sites', () => {
  it('carry no session, and their 401 is a refused file, not the end of the session', async () => {
    const { http, outcomes, renewals } = client();
    const e = await rejection(http.raw('get', `${other.url}/locked/report.pdf`, {}));
    expect(e.code).toBe('forbidden');
    expect(e.message).toContain(other.url);
    expect(other.seen.at(-1)!.headers.authorization).toBeUndefined();
    expect(renewals()).toBe(0);
    expect(outcomes).toEqual([]);
  });

  it('a 503 or a site that is down is a missing file: the server stays reachable and the sync goes on', async () => {
    const { http, outcomes } = client();
    expect((await rejection(http.raw('get', `${other.url}/busy/map.png`, {}))).code).toBe('not_found');
    const down = await rejection(http.raw('get', `${downUrl}/file.pdf`, {}));
    expect(down.code).toBe('not_found');
    expect(down.message).toContain(downUrl);
    expect(outcomes).toEqual([]);
  });

  it('the server’s own answers still tell the session and reachability', async () => {
    const { http, outcomes, renewals } = client();
    await http.raw('get', '/ok', {});
    expect(ours.seen.at(-1)!.headers.authorization).toBe('Bearer secret-token');
    expect((await rejection(http.raw('get', `${ours.url}/expired`, {}))).code).toBe('unauthorized');
    expect(renewals()).toBe(1);
    expect(outcomes).toEqual(['ok', 'unauthorized']);
  });
});
