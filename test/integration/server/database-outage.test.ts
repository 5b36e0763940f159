/**
 * While PostgreSQL is unavailable the server answers 503 with Retry-After (never hangs, never 500),
 * and once the database is back it serves again without a restart. Nothing half-written remains.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, type Observation } from '../../../src/shared/api.js';
import { buildServer } from '../../../src/server/app.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { clusterUnavailable, startCluster, type PgCluster } from '../../helpers/pgCluster.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { newObs } from './fixtures.js';

function expectUnavailable(r: { status: number; headers: Headers; body: unknown }) {
  expect(r.status, JSON.stringify(r.body)).toBe(503);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(ApiResponse.parse(r.body).message).toMatch(/database is unavailable/);
}

describe('a database that accepts connections but never answers', () => {
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    silent = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent?.close();
  });

  it('costs a request the connect timeout, then 503, instead of hanging', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const db = await openPostgres(`postgres://gobs@127.0.0.1:${port}/gobs`, { probe: false, connectTimeoutMs: 1000 });
    const app = await buildServer({ db, secret: 's'.repeat(32) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}/api`;
      expectUnavailable(await new Client(base, 'x'.repeat(43)).get('/user/projects'));
      expectUnavailable(await new Client(base).req('POST', '/user/login', { json: { username: 'a', password: 'b' } }));
    } finally {
      await app.close();
      await db.close();
    }
  });
});

describe.skipIf(clusterUnavailable() !== null)('PostgreSQL stopped and started again', () => {
  let cluster: PgCluster;
  let srv: TestServer;
  let w: Client;
  let obs: Observation;

  beforeAll(async () => {
    cluster = startCluster();
    srv = await startTestServer({
      engine: 'postgres',
      databaseUrl: cluster.url,
      postgres: { statementTimeoutMs: 2000 },
    });
    await srv.seed.basic();
    w = await new Client(srv.baseUrl).login('writer', 'writer');
    [obs] = (await w.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
  }, 120_000);
  afterAll(async () => {
    try {
      cluster?.start();
    } catch {
      /* already running */
    }
    await srv?.close();
    cluster?.destroy();
  });

  /** Holds a row lock on the observation in a connection of its own, so that writes to it wait. */
  async function lockObservation(): Promise<pg.Client> {
    const url = new URL(cluster.url);
    const [row] = await srv.db.query<{ db: string }>('SELECT current_database() AS db');
    url.pathname = `/${row!.db}`;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    c.on('error', () => undefined); // terminated by the stop below
    await c.query('BEGIN');
    await c.query('SELECT 1 FROM observation WHERE id = $1 FOR UPDATE', [obs.id]);
    return c;
  }

  const edit = (note: string) => ({
    ...newObs({ values: [...newObs().values.slice(0, 3), { name: 'note', type: 'string', value: note }] }),
    uuid: obs.uuid,
    import: obs.import,
  });

  it('answers 503 when a statement runs past the statement timeout, and serves once the lock is gone', async () => {
    const lock = await lockObservation();
    expectUnavailable(await w.req('PUT', '/observation/observations', { json: edit('waited too long') }));
    await lock.query('ROLLBACK');
    await lock.end();
    const ok = await w.req<Observation[]>('PUT', '/observation/observations', { json: edit('after the lock') });
    expect(ok.status).toBe(200);
    obs = ok.body[0]!;
  });

  it('answers 503 to a request cut off by the stop and to every request while down, then recovers', async () => {
    const lock = await lockObservation();
    const inFlight = w.req('PUT', '/observation/observations', { json: edit('cut off') });
    // The update is now waiting for the row lock inside its transaction.
    for (;;) {
      const [r] = await srv.db.query<{ n: number }>(
        `SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (r!.n > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    cluster.stop();
    expectUnavailable(await inFlight);
    await lock.end().catch(() => undefined);

    expectUnavailable(await w.get('/user/projects'));
    expectUnavailable(await w.get('/indicator/pluviometry/observations'));
    expectUnavailable(
      await new Client(srv.baseUrl).req('POST', '/user/login', { json: { username: 'writer', password: 'writer' } }),
    );
    expectUnavailable(await w.req('POST', '/observation', { json: newObs() }));

    cluster.start();
    expect((await w.get('/user/projects')).status).toBe(200);
    const now = (await w.get<Observation>(`/observation/${obs.id}`)).body;
    expect(now.import).toBe(obs.import); // the cut-off update left nothing behind
    expect(now.values.find((v) => v.name === 'note')?.value).toBe('after the lock');
    const again = await w.req<Observation[]>('PUT', '/observation/observations', { json: edit('after the restart') });
    expect(again.status).toBe(200);
    expect((await new Client(srv.baseUrl).login('reader', 'reader')).token).toBeTruthy();
  });

  it('sets the idle-in-transaction timeout on its connections', async () => {
    const [r] = await srv.db.query<{ v: string }>("SELECT current_setting('idle_in_transaction_session_timeout') AS v");
    expect(r!.v).toBe('1min');
  });
});
