/**
 * A PostgreSQL cluster of the test's own (scripts/postgres-throwaway.sh), which the test may stop and
 * start again: the shared DATABASE_URL cluster is never touched. Needs the PostgreSQL server
 * binaries and root (the script runs them as the postgres user), as CI has.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SCRIPT = path.resolve('scripts/postgres-throwaway.sh');

function pgBin(): string | null {
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
    const bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
    return fs.existsSync(`${bin}/pg_ctl`) ? bin : null;
  } catch {
    return null;
  }
}

/** Why a cluster cannot be started here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!pgBin()) return 'PostgreSQL server binaries are not installed';
  if (process.getuid?.() !== 0) return 'starting a throwaway cluster needs root (it runs as the postgres user)';
  return null;
}

export interface PgCluster {
  /** Admin URL (database postgres) of the cluster. */
  url: string;
  /** Stops the server at once (`pg_ctl -m fast`: open connections are terminated). */
  stop(): void;
  /** Starts it again on the same port with the same data. */
  start(): void;
  /** Stops it and removes its files. */
  destroy(): void;
}

export function startCluster(): PgCluster {
  const out = execFileSync('bash', [SCRIPT, 'start'], { encoding: 'utf8' });
  const url = /DATABASE_URL=(\S+)/.exec(out)?.[1];
  const dir = /GOBS_PG_DIR=(\S+)/.exec(out)?.[1];
  if (!url || !dir) throw new Error(`unexpected output of postgres-throwaway.sh: ${out}`);
  const port = new URL(url).port;
  const bin = pgBin()!;
  const asPostgres = (cmd: string) => execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: 'pipe' });
  return {
    url,
    stop: () => void asPostgres(`${bin}/pg_ctl -D '${dir}/data' -m fast -w stop`),
    start: () =>
      void asPostgres(
        `${bin}/pg_ctl -D '${dir}/data' -w -l '${dir}/server.log' -o "-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' -c fsync=off -c max_connections=200" start`,
      ),
    destroy: () => void execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'pipe' }),
  };
}
