/**
 * The PostgreSQL the benchmark measures against: the cluster named by DATABASE_URL (CI's throwaway
 * one), or a cluster of our own started with PostgreSQL's default durability (fsync on,
 * synchronous_commit on) — the scripts/postgres-throwaway.sh cluster turns fsync off for test speed,
 * which would flatter every commit-bound figure. Each measure gets a database of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** Where it comes from, for the report. */
  describe: string;
  /** fsync and synchronous_commit as the server reports them. */
  settings: Record<string, string>;
  /**
   * Statements slower than `logSlowMs` (own cluster only), grouped by text: count and total time,
   * slowest first. Empty with DATABASE_URL (its log is not ours).
   */
  slowStatements(): { statement: string; count: number; totalMs: number; maxMs: number }[];
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(a) - Number(b));
  const bin = versions.length ? join(root, versions.at(-1)!, 'bin') : null;
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const asPostgres = (cmd: string) =>
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });

async function startOwnCluster(
  logSlowMs: number | null,
): Promise<{ url: string; log: string; stop: () => void } | null> {
  const bin = pgBin();
  if (!bin || process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'gobs-bench-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const port = await freePort();
  asPostgres(`${bin}/initdb -D '${dir}/data' -A trust -U postgres -E UTF8 >'${dir}/initdb.log' 2>&1`);
  // Defaults except what a 2-core, 24 GB machine running one benchmark at a time obviously wants.
  const slow = logSlowMs === null ? '' : ` -c log_min_duration_statement=${logSlowMs}`;
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' -c max_connections=200 -c shared_buffers=512MB${slow}`;
  asPostgres(`${bin}/pg_ctl -D '${dir}/data' -w -l '${dir}/server.log' -o "${opts}" start >/dev/null`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    log: join(dir, 'server.log'),
    stop: () => {
      try {
        asPostgres(`${bin}/pg_ctl -D '${dir}/data' -m fast stop >/dev/null`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Returns null (with the reason) when no PostgreSQL can be used: the caller skips those measures. */
export async function openCluster({ logSlowMs = null }: { logSlowMs?: number | null } = {}): Promise<
  { cluster: PgCluster } | { reason: string }
> {
  let adminUrl = process.env.DATABASE_URL || '';
  let logFile: string | null = null;
  let stop = async () => undefined as void;
  let describe = 'DATABASE_URL';
  if (!adminUrl) {
    const own = await startOwnCluster(logSlowMs);
    if (!own) return { reason: 'no DATABASE_URL and no PostgreSQL server binaries (or not root) to start a cluster' };
    adminUrl = own.url;
    logFile = own.log;
    stop = async () => own.stop();
    describe = 'own throwaway cluster, default durability (fsync=on, synchronous_commit=on), shared_buffers=512MB';
  }
  const settings: Record<string, string> = {};
  for (const name of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers']) {
    settings[name] = String((await adminQuery(adminUrl, `SHOW ${name}`)).rows[0]?.[name]);
  }
  const created = new Set<string>();
  const urlFor = (name: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    cluster: {
      describe,
      settings,
      slowStatements() {
        if (!logFile || !existsSync(logFile)) return [];
        const groups = new Map<string, { statement: string; count: number; totalMs: number; maxMs: number }>();
        for (const m of readFileSync(logFile, 'utf8').matchAll(
          /duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): ([^\n]*)/g,
        )) {
          const ms = Number(m[1]);
          const statement = m[2]!.replace(/\s+/g, ' ').slice(0, 160);
          const g = groups.get(statement) ?? { statement, count: 0, totalMs: 0, maxMs: 0 };
          g.count++;
          g.totalMs += ms;
          g.maxMs = Math.max(g.maxMs, ms);
          groups.set(statement, g);
        }
        return [...groups.values()].sort((a, b) => b.totalMs - a.totalMs);
      },
      async createDatabase(name) {
        if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
        created.add(name);
        return urlFor(name);
      },
      async dropDatabase(name) {
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        created.delete(name);
      },
      async stop() {
        for (const name of [...created]) await this.dropDatabase(name).catch(() => undefined);
        await stop();
      },
    },
  };
}
