/**
 * A real sync server for tests: in-process Fastify on 127.0.0.1 at a run-time port, over a real
 * database (in-memory PGlite started from a migrated template, or a fresh PostgreSQL database when
 * engine is 'postgres'), with a temp media folder.
 *
 *   const srv = await startTestServer();           // PGlite
 *   const srv = await startTestServer({ engine: 'postgres' }); // needs DATABASE_URL
 *   srv.baseUrl            // http://127.0.0.1:PORT/api
 *   await srv.seed.user('ann', 'secret'); ...
 *   await srv.stop();      // HTTP down (clients see the server unreachable); data kept
 *   await srv.restart();   // HTTP up again on the same port, same data
 *   await srv.close();     // tear everything down (database, files)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from '../../src/server/app.js';
import { type Db } from '../../src/server/db/types.js';
import { openMemoryPglite } from '../../src/server/db/pglite.js';
import { openPostgres, type PostgresOptions } from '../../src/server/db/postgres.js';
import { loadMigrations, migrate } from '../../src/server/db/migrate.js';
import { deleteFile, putFile, readFileBytes } from '../../src/server/db/files.js';
import * as seedFns from '../../src/server/admin/seed.js';
import { seedDemo } from '../../src/server/admin/demo.js';
import { setProjectExtent, setProjectGeopackage } from '../../src/server/admin/projectFiles.js';
export { DEMO } from '../../src/server/admin/demo.js';
import { type ProjectExtent, type Role } from '../../src/shared/api.js';
import { createTestDatabase, postgresUrl } from './postgres.js';

export type TestEngine = 'pglite' | 'postgres';

/** The engines the server suite runs on: PGlite always, PostgreSQL too when DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  return postgresUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestServer {
  engine: TestEngine;
  baseUrl: string;
  port: number;
  app: FastifyInstance;
  db: Db;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Logs in over HTTP and returns the session token. */
  login(username: string, password: string): Promise<string>;
  seed: ReturnType<typeof seeders>;
  /** The server's stored files (media and documents live in its database), for tests of failures. */
  files: {
    names(): Promise<string[]>;
    /** Removes a stored file (as if lost); the returned function puts it back. */
    takeAway(name: string): Promise<() => Promise<void>>;
    /** Replaces a stored file's bytes, keeping its name and type. */
    replace(name: string, bytes: Buffer | string): Promise<void>;
  };
  /** The CLI's `demo` data set (users demo/demo writer, analyst/analyst reader). */
  seedDemo(): Promise<void>;
}

export interface StartOptions {
  engine?: TestEngine;
  publicUrl?: string;
  sessionTtlMs?: number;
  /** Load the CLI's `demo` data set before answering. */
  demo?: boolean;
  /** PostgreSQL cluster to create the test database on (default DATABASE_URL); engine 'postgres' only. */
  databaseUrl?: string;
  /** Options of the PostgreSQL pool (timeouts). */
  postgres?: PostgresOptions;
  /** Further buildServer options (trust proxy, throttling, purge schedule, logger). */
  server?: Partial<Omit<BuildServerOptions, 'db'>>;
}

function seeders(db: Db) {
  return {
    user: (login: string, password: string) => seedFns.createUser(db, login, password),
    project: (key: string, label = key, description: string | null = null) =>
      seedFns.createProject(db, { key, label, description }),
    projectGeopackage: (key: string, file: string | null) => setProjectGeopackage(db, key, file),
    projectExtent: (key: string, extent: ProjectExtent | null) => setProjectExtent(db, key, extent),
    grant: (login: string, projectKey: string, role: Role) => seedFns.grantRole(db, login, projectKey, role),
    indicator: (spec: seedFns.IndicatorSpec) => seedFns.createIndicator(db, spec),
    link: (projectKey: string, indicatorCode: string) => seedFns.linkIndicator(db, projectKey, indicatorCode),
    document: (d: Parameters<typeof seedFns.addDocument>[1]) => seedFns.addDocument(db, d),
    observations: (a: Parameters<typeof seedFns.insertObservations>[1]) => seedFns.insertObservations(db, a),
    /** Many observations generated inside the database (100,000 in a few seconds); one import. */
    generate: (a: Parameters<typeof seedFns.generateObservations>[1]) => seedFns.generateObservations(db, a),
    holding: (a: Parameters<typeof seedFns.setHolding>[1]) => seedFns.setHolding(db, a),
    /**
     * A project with a user of each role and one indicator with several dimension types:
     * users `writer`, `reader`, `admin` (password = login) in project `p1`, indicator `pluviometry`.
     */
    async basic() {
      await seedFns.createProject(db, { key: 'p1', label: 'Project one', description: 'First test project' });
      for (const role of ['reader', 'writer', 'admin'] as const) {
        await seedFns.createUser(db, role, role);
        await seedFns.grantRole(db, role, 'p1', role);
      }
      await seedFns.createIndicator(db, PLUVIOMETRY);
      await seedFns.linkIndicator(db, 'p1', 'pluviometry');
    },
  };
}

export const PLUVIOMETRY: seedFns.IndicatorSpec = {
  code: 'pluviometry',
  label: 'Hourly pluviometry',
  description: 'Hourly rainfall in millimetre',
  category: 'weather',
  date_format: 'hour',
  values: [
    { code: 'rain', name: 'Rainfall', type: 'real', unit: 'mm' },
    { code: 'gauge', name: 'Gauge number', type: 'integer', unit: null },
    { code: 'checked', name: 'Checked', type: 'boolean', unit: null },
    { code: 'note', name: 'Note', type: 'string', unit: null },
  ],
};

// Creating a PGlite cluster costs seconds; a migrated one is dumped once per schema version and
// every test server loads that dump (shared across vitest workers through the temp folder).
let templatePromise: Promise<Blob> | null = null;
async function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= (async () => {
    const hash = createHash('sha256')
      .update(
        loadMigrations()
          .map((m) => m.name + m.sql)
          .join('\n'),
      )
      .digest('hex')
      .slice(0, 16);
    const file = path.join(os.tmpdir(), `gobs-pglite-template-${hash}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const db = await openMemoryPglite();
    await migrate(db);
    const dump = await db.dump();
    await db.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file); // atomic: concurrent workers never read a half-written template
    return new Blob([bytes]);
  })();
  return templatePromise;
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const engine = opts.engine ?? 'pglite';
  let db: Db;
  let dropDb = async () => undefined as void;
  if (engine === 'postgres') {
    const t = await createTestDatabase(opts.databaseUrl);
    db = await openPostgres(t.url, opts.postgres);
    await migrate(db);
    dropDb = t.drop;
  } else {
    db = await openMemoryPglite(await pgliteTemplate());
    await migrate(db); // no-op on the template; keeps the helper honest if it is stale
  }
  const build = () =>
    buildServer({
      db,
      logger: Boolean(process.env.GOBS_TEST_LOG),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
      ...(opts.sessionTtlMs ? { sessionTtlMs: opts.sessionTtlMs } : {}),
      ...opts.server,
    });

  if (opts.demo) await seedDemo(db);
  let app = await build();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let running = true;

  const srv: TestServer = {
    engine,
    baseUrl: `http://127.0.0.1:${port}/api`,
    port,
    app,
    db,
    async stop() {
      if (!running) return;
      running = false;
      await app.close();
    },
    async restart() {
      await srv.stop();
      app = await build();
      // The port was just released; retry briefly in case the OS has not recycled it yet.
      for (let attempt = 0; ; attempt++) {
        try {
          await app.listen({ host: '127.0.0.1', port });
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      running = true;
      srv.app = app;
    },
    async close() {
      await srv.stop();
      await db.close();
      await dropDb();
    },
    async login(username, password) {
      const res = await fetch(`${srv.baseUrl}/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    seed: seeders(db),
    files: {
      async names() {
        return (await db.query<{ name: string }>('SELECT name FROM stored_file ORDER BY name')).map((r) => r.name);
      },
      async takeAway(name) {
        const [f] = await db.query<{ mime_type: string }>('SELECT mime_type FROM stored_file WHERE name = $1', [name]);
        const bytes = await readFileBytes(db, name);
        if (!f || !bytes) throw new Error(`no stored file ${name}`);
        await deleteFile(db, name);
        return () => putFile(db, name, f.mime_type, bytes);
      },
      async replace(name, bytes) {
        const [f] = await db.query<{ mime_type: string }>('SELECT mime_type FROM stored_file WHERE name = $1', [name]);
        if (!f) throw new Error(`no stored file ${name}`);
        await deleteFile(db, name);
        await putFile(db, name, f.mime_type, Buffer.from(bytes));
      },
    },
    async seedDemo() {
      await seedDemo(db);
    },
  };
  return srv;
}
