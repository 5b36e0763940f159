/**
 * The stand-in's PostgreSQL + PostGIS storage. A migrated database with the fixtures is built once
 * per schema/fixture version and time zone as a template (under an advisory lock, so parallel test
 * workers build it once), and each stand-in gets its own copy (CREATE DATABASE … TEMPLATE), dropped
 * at close.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { FIXTURE_NOW, FIXTURE_USERS } from './fixtures.js';

const SCHEMA_SQL = readFileSync(new URL('./sql/schema.sql', import.meta.url), 'utf8');
const FIXTURES_SQL = readFileSync(new URL('./sql/fixtures.sql', import.meta.url), 'utf8');

export type Sql = Pick<pg.PoolClient, 'query'>;

export class PostgisMissingError extends Error {}

// scrypt with a moderate cost: these are test accounts, but the check is a real one.
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: 16384, r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>, timeZone?: string): Promise<T> {
  const client = new pg.Client({ connectionString: url, ...(timeZone ? { options: `-c TimeZone=${timeZone}` } : {}) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function templateName(timeZone: string): string {
  const hash = createHash('sha256')
    .update(SCHEMA_SQL)
    .update(FIXTURES_SQL)
    .update(JSON.stringify(FIXTURE_USERS))
    .update(FIXTURE_NOW)
    .update(timeZone)
    .digest('hex')
    .slice(0, 16);
  return `gobs_lizmap_tpl_${hash}`;
}

async function buildTemplate(adminUrl: string, name: string, timeZone: string): Promise<void> {
  const building = `${name}_build_${randomBytes(3).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${building}`));
  try {
    await withClient(
      withDatabase(adminUrl, building),
      async (c) => {
        const available = await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'`);
        if (available.rowCount === 0) {
          throw new PostgisMissingError(
            'PostGIS is not installed on the PostgreSQL server of DATABASE_URL (Debian: apt-get install postgresql-15-postgis-3)',
          );
        }
        await c.query(SCHEMA_SQL);
        await c.query(`SET session_replication_role = replica`);
        await c.query(`SELECT set_config('gobs_standin.now', $1, false)`, [FIXTURE_NOW]);
        await c.query(FIXTURES_SQL);
        for (const user of Object.values(FIXTURE_USERS)) {
          await c.query(
            `INSERT INTO lizmap.jlx_user (usr_login, usr_email, usr_password, firstname, lastname) VALUES ($1, $2, $3, $4, $5)`,
            [user.login, user.email, hashPassword(user.password), user.firstname, user.lastname],
          );
          for (const group of [...user.groups, 'users', `__priv_${user.login}`]) {
            await c.query(
              `INSERT INTO lizmap.jacl2_group (id_aclgrp, name, grouptype) VALUES ($1, $1, $2) ON CONFLICT DO NOTHING`,
              [group, group.startsWith('__priv_') ? 2 : 0],
            );
            await c.query(`INSERT INTO lizmap.jacl2_user_group (login, id_aclgrp) VALUES ($1, $2)`, [
              user.login,
              group,
            ]);
          }
        }
      },
      timeZone,
    );
    // Renamed only once complete: a crash mid-build never leaves a half-built template behind.
    await withClient(adminUrl, (c) => c.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
  } catch (err) {
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`)).catch(() => {});
    throw err;
  }
}

export interface StandinDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the schema and the fixtures, on the server of `adminUrl`. */
export async function createStandinDatabase(adminUrl: string, timeZone: string): Promise<StandinDatabase> {
  const template = templateName(timeZone);
  await withClient(adminUrl, async (c) => {
    await c.query(`SELECT pg_advisory_lock(hashtext('gobs_lizmap_standin_template'))`);
    try {
      const exists = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]);
      if (exists.rowCount === 0) await buildTemplate(adminUrl, template, timeZone);
    } finally {
      await c.query(`SELECT pg_advisory_unlock(hashtext('gobs_lizmap_standin_template'))`);
    }
  });
  const name = `gobs_lizmap_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, async (c) => {
    // Another worker may be copying the same template at this very moment; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        if (attempt >= 50 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    url: withDatabase(adminUrl, name),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

export interface Storage {
  pool: pg.Pool;
  /**
   * Runs `fn` in one transaction whose database clock (gobs.standin_now()) is `now`: every
   * timestamp the database writes in it is that instant, in server-local time.
   */
  tx<T>(now: Date, fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openStorage(url: string, timeZone: string): Storage {
  const pool = new pg.Pool({ connectionString: url, max: 6, options: `-c TimeZone=${timeZone}` });
  return {
    pool,
    async tx(now, fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('gobs_standin.now', $1, true)`, [now.toISOString()]);
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
