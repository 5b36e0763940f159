/**
 * A stand-in for Lizmap with the G-Obs module (lizmap-gobsapi-module 0.9), for the desktop's client
 * and end-to-end tests: real HTTP, real PostgreSQL + PostGIS, the module's quirks (README.md).
 *
 *   const lizmap = await startLizmapStandin();     // needs DATABASE_URL (PostgreSQL with PostGIS)
 *   lizmap.baseUrl                                  // http://127.0.0.1:PORT/gobsapi.php
 *   const al = await lizmap.asUser('writer');      // a client logged in as gobsapi_writer
 *   lizmap.clock.advance(3601);                     // every token issued before is now expired
 *   await lizmap.close();
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { StandinClient } from './client.js';
import { type StandinClock, createClock } from './clock.js';
import { type Storage, createStandinDatabase, hashPassword, openStorage } from './database.js';
import {
  AREAS,
  CITIES,
  COUNTS,
  DELETED_BEFORE,
  DOCUMENTS,
  FIXTURE_NOW,
  FIXTURE_USERS,
  type FixtureUser,
  type FixtureUserKey,
  LAYERS,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
} from './fixtures.js';
import { writeProjectGeopackage } from './geopackage.js';
import { jpeg, png } from './images.js';
import { buildStandinServer } from './server.js';

export { StandinClient, type ObservationInput, type StandinResponse, type SyncDates } from './client.js';
export { type StandinClock, formatLocal } from './clock.js';
export { GIF, jpeg, png } from './images.js';
export {
  AREAS,
  CITIES,
  COUNTS,
  DELETED_BEFORE,
  DOCUMENTS,
  FIXTURE_NOW,
  FIXTURE_USERS,
  LAYERS,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
  fixtureUuid,
  type FixtureUser,
  type FixtureUserKey,
} from './fixtures.js';

export interface LizmapStandinOptions {
  /** A PostgreSQL server with PostGIS where databases may be created (default: DATABASE_URL). */
  databaseUrl?: string;
  /** Initial server time, an ISO instant with its zone (default FIXTURE_NOW, the time the fixtures are relative to). */
  now?: string;
  /** false: the clock stands still unless set/advanced (default: it runs). */
  ticking?: boolean;
  /** Server-local time zone of the database and of the sync headers (default Europe/Paris). */
  timeZone?: string;
  /** false: a Lizmap without the G-Obs module (gobsapi.php answers 404). */
  gobs?: boolean;
  /** Origin to write in URLs of answers (media, documents, geopackage) instead of the request's Host. */
  publicOrigin?: string;
  /** Token lifetime from login (default 3600 s, the module's jCache TTL). */
  tokenLifetimeSeconds?: number;
  /** Port to listen on (default: chosen by the system). */
  port?: number;
  logger?: boolean;
}

export interface NewUser {
  login: string;
  password: string;
  email: string;
  groups: string[];
  firstname?: string;
  lastname?: string;
}

export interface LizmapStandin {
  /** http://127.0.0.1:PORT/gobsapi.php — the module's entry point. */
  baseUrl: string;
  /** http://127.0.0.1:PORT — the Lizmap site (index.php, index.php/view/app/metadata). */
  origin: string;
  port: number;
  timeZone: string;
  clock: StandinClock;
  /** The fixture accounts (login, password, email, groups). */
  users: typeof FIXTURE_USERS;
  fixtures: {
    now: string;
    projects: typeof PROJECTS;
    series: typeof SERIES;
    layers: typeof LAYERS;
    cities: typeof CITIES;
    areas: typeof AREAS;
    observations: typeof OBSERVATIONS;
    deletedBefore: typeof DELETED_BEFORE;
    documents: typeof DOCUMENTS;
    counts: typeof COUNTS;
  };
  /** Lizmap's media root (gobsapi/observations/<uuid>.<ext> holds the observation media). */
  mediaRoot: string;
  /** Logs in over HTTP (query parameters) and returns the token. Password: the fixture one if omitted. */
  login(user: FixtureUserKey | string, password?: string): Promise<string>;
  /** A client logged in as this user (a fixture key like 'writer', or a login). */
  asUser(user: FixtureUserKey | string, password?: string): Promise<StandinClient>;
  /** A client with this token (or none). */
  client(token?: string | null): StandinClient;
  /** Expires a token now, or every token of a login. Returns how many were expired. */
  expireToken(tokenOrLogin: string): Promise<number>;
  /** Deletes an observation as a database administrator would (QGIS): no window, no author check; logged for sync. */
  deleteObservationAsServerAdmin(uuid: string): Promise<boolean>;
  /** Changes an observation as an administrator would: its updated_at becomes the server time. */
  editObservationAsServerAdmin(
    uuid: string,
    change: { values?: unknown[]; start_timestamp?: string; end_timestamp?: string | null },
  ): Promise<boolean>;
  /** Moves a shared spatial object (e.g. a city): every observation on it gets a new updated_at. */
  moveSpatialObjectAsServerAdmin(layerCode: string, uniqueId: string, wkt: string): Promise<number>;
  /** Adds a Lizmap account (groups besides `users` and its private one). */
  addUser(user: NewUser): Promise<void>;
  /** Origin written in URLs of answers (e.g. a fault proxy's); null: the request's Host. */
  setPublicOrigin(origin: string | null): void;
  /** Runs SQL on the stand-in's database (as the schema owner, at the server clock). */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** HTTP down (clients see the server unreachable); data kept. */
  stop(): Promise<void>;
  /** HTTP up again on the same port. */
  restart(): Promise<void>;
  /** Everything down and removed (database, files). */
  close(): Promise<void>;
}

/** The PostgreSQL server the stand-in uses, if any (CI always sets DATABASE_URL). */
export function lizmapStandinDatabaseUrl(): string | undefined {
  return process.env['DATABASE_URL'] || undefined;
}

/**
 * For `describe.skipIf(!lizmapStandinAvailable())`: true when DATABASE_URL is set; otherwise warns
 * loudly, and fails in CI (CI=true), where the stand-in must run.
 */
export function lizmapStandinAvailable(): boolean {
  if (lizmapStandinDatabaseUrl()) return true;
  const why = 'DATABASE_URL is not set (the Lizmap stand-in needs PostgreSQL with PostGIS)';
  if (process.env['CI'] === 'true') throw new Error(`LIZMAP STAND-IN TESTS CANNOT RUN: ${why}.`);
  const message = `LIZMAP STAND-IN TESTS SKIPPED: ${why}. Run: eval "$(scripts/postgres-throwaway.sh start)"`;
  const bar = '!'.repeat(message.length + 8);
  console.warn(`\n${bar}\n!!! ${message} !!!\n${bar}\n`);
  return false;
}

function writeMediaFiles(root: string): void {
  const put = (rel: string, bytes: Buffer | string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  };
  put('gobsapi/documents/hiker_position/preview/hiking.jpg', jpeg());
  put(
    'gobsapi/documents/hiker_position/document/hiking_doc.txt',
    'Hiking in the Monts d’Arrée\n\nStay on the marked paths; record your position every few seconds.\n',
  );
  put('gobsapi/documents/pluviometry/icon/rain.png', png(16, 16, [20, 60, 180]));
  put(
    'gobsapi/documents/pluviometry/document/rain_gauge_manual.txt',
    'Read the gauge at 8:00 every morning, write the value in mm, then empty it.\n',
  );
  put(`gobsapi/illustration/${PROJECTS.a}.png`, png(64, 40, [90, 140, 60]));
  put('lizmap_mappemonde.jpg', jpeg());
  fs.mkdirSync(path.join(root, 'gobsapi/geopackage'), { recursive: true });
  fs.mkdirSync(path.join(root, 'gobsapi/observations'), { recursive: true });
}

export async function startLizmapStandin(opts: LizmapStandinOptions = {}): Promise<LizmapStandin> {
  const adminUrl = opts.databaseUrl ?? lizmapStandinDatabaseUrl();
  if (!adminUrl) throw new Error('The Lizmap stand-in needs DATABASE_URL (PostgreSQL with PostGIS)');
  const timeZone = opts.timeZone ?? 'Europe/Paris';
  // Frozen while the database and files are prepared; it starts at `now` once the server answers.
  const clock = createClock(opts.now ?? FIXTURE_NOW, timeZone, false);
  const database = await createStandinDatabase(adminUrl, timeZone);
  const storage: Storage = openStorage(database.url, timeZone);
  const mediaRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-lizmap-media-'));
  let publicOrigin: string | null = opts.publicOrigin ?? null;
  let app: FastifyInstance | null = null;
  let port = opts.port ?? 0;

  try {
    writeMediaFiles(mediaRoot);
    await storage.tx(clock.now(), (sql) =>
      writeProjectGeopackage(sql, PROJECTS.a, path.join(mediaRoot, 'gobsapi/geopackage', `${PROJECTS.a}.gpkg`)),
    );
  } catch (err) {
    await storage.close();
    await database.drop();
    fs.rmSync(mediaRoot, { recursive: true, force: true });
    throw err;
  }

  const listen = async () => {
    const server = await buildStandinServer({
      storage,
      clock,
      mediaRoot,
      tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
      gobs: opts.gobs ?? true,
      publicOrigin: () => publicOrigin,
      logger: opts.logger ?? Boolean(process.env['GOBS_TEST_LOG']),
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await server.listen({ host: '127.0.0.1', port });
        break;
      } catch (err) {
        // On restart the port was just released; the OS may need a moment.
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50 || port === 0) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const address = server.server.address();
    port = typeof address === 'object' && address ? address.port : port;
    app = server;
  };
  await listen();
  clock.set(opts.now ?? FIXTURE_NOW);
  if (opts.ticking ?? true) clock.resume();

  const origin = `http://127.0.0.1:${port}`;
  const baseUrl = `${origin}/gobsapi.php`;
  const userOf = (user: string): FixtureUser | undefined =>
    (FIXTURE_USERS as Record<string, FixtureUser>)[user] ??
    Object.values(FIXTURE_USERS).find((u: FixtureUser) => u.login === user);
  const extraPasswords = new Map<string, string>();

  const standin: LizmapStandin = {
    baseUrl,
    origin,
    port,
    timeZone,
    clock,
    users: FIXTURE_USERS,
    fixtures: {
      now: FIXTURE_NOW,
      projects: PROJECTS,
      series: SERIES,
      layers: LAYERS,
      cities: CITIES,
      areas: AREAS,
      observations: OBSERVATIONS,
      deletedBefore: DELETED_BEFORE,
      documents: DOCUMENTS,
      counts: COUNTS,
    },
    mediaRoot,
    async login(user, password) {
      const fixture = userOf(user);
      const login = fixture?.login ?? user;
      const secret = password ?? fixture?.password ?? extraPasswords.get(login) ?? '';
      const res = await fetch(
        `${baseUrl}/user/login?username=${encodeURIComponent(login)}&password=${encodeURIComponent(secret)}`,
      );
      const body = (await res.json()) as { token?: string; message?: string };
      if (res.status !== 200 || !body.token) throw new Error(`login ${login} failed: ${res.status} ${body.message}`);
      return body.token;
    },
    async asUser(user, password) {
      return new StandinClient(baseUrl, await standin.login(user, password));
    },
    client: (token = null) => new StandinClient(baseUrl, token),
    async expireToken(tokenOrLogin) {
      const rows = await standin.query(
        `UPDATE lizmap.gobs_token SET expires_at = gobs.standin_now() - interval '1 second'
         WHERE (token = $1 OR login = $1) AND expires_at > gobs.standin_now() RETURNING token`,
        [tokenOrLogin],
      );
      return rows.length;
    },
    async deleteObservationAsServerAdmin(uuid) {
      const rows = await standin.query(`DELETE FROM gobs.observation WHERE ob_uid = $1::uuid RETURNING id`, [uuid]);
      for (const ext of ['jpg', 'jpeg', 'png', 'gif']) {
        fs.rmSync(path.join(mediaRoot, 'gobsapi/observations', `${uuid}.${ext}`), { force: true });
      }
      return rows.length > 0;
    },
    async editObservationAsServerAdmin(uuid, change) {
      const rows = await standin.query(
        `UPDATE gobs.observation SET
             ob_value = coalesce($2::jsonb, ob_value),
             ob_start_timestamp = coalesce($3::timestamp, ob_start_timestamp),
             ob_end_timestamp = CASE WHEN $4::boolean THEN $5::timestamp ELSE ob_end_timestamp END
         WHERE ob_uid = $1::uuid RETURNING id`,
        [
          uuid,
          change.values === undefined ? null : JSON.stringify(change.values),
          change.start_timestamp ?? null,
          change.end_timestamp !== undefined,
          change.end_timestamp ?? null,
        ],
      );
      return rows.length > 0;
    },
    async moveSpatialObjectAsServerAdmin(layerCode, uniqueId, wkt) {
      const rows = await standin.query<{ n: number }>(
        `WITH moved AS (
             UPDATE gobs.spatial_object AS so SET geom = ST_GeomFromText($3, 4326)
             FROM gobs.spatial_layer AS sl
             WHERE sl.id = so.fk_id_spatial_layer AND sl.sl_code = $1 AND so.so_unique_id = $2
             RETURNING so.id
         )
         SELECT count(*)::int AS n FROM gobs.observation WHERE fk_id_spatial_object IN (SELECT id FROM moved)`,
        [layerCode, uniqueId, wkt],
      );
      return rows[0]?.n ?? 0;
    },
    async addUser(user) {
      extraPasswords.set(user.login, user.password);
      await storage.tx(clock.now(), async (sql) => {
        await sql.query(
          `INSERT INTO lizmap.jlx_user (usr_login, usr_email, usr_password, firstname, lastname) VALUES ($1, $2, $3, $4, $5)`,
          [user.login, user.email, hashPassword(user.password), user.firstname ?? '', user.lastname ?? ''],
        );
        for (const group of [...user.groups, 'users', `__priv_${user.login}`]) {
          await sql.query(`INSERT INTO lizmap.jacl2_group (id_aclgrp, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [
            group,
          ]);
          await sql.query(`INSERT INTO lizmap.jacl2_user_group (login, id_aclgrp) VALUES ($1, $2)`, [
            user.login,
            group,
          ]);
        }
      });
    },
    setPublicOrigin(value) {
      publicOrigin = value;
    },
    query: (sql, params = []) => storage.tx(clock.now(), async (c) => (await c.query(sql, params)).rows),
    async stop() {
      const running = app;
      app = null;
      await running?.close();
    },
    async restart() {
      await standin.stop();
      await listen();
    },
    async close() {
      await standin.stop();
      await storage.close();
      await database.drop();
      fs.rmSync(mediaRoot, { recursive: true, force: true });
    },
  };
  return standin;
}
