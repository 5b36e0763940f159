/**
 * A fresh server database per measure, on PostgreSQL (a database of its own in the benchmark's
 * cluster) or on the embedded default (a PGlite data folder), opened by the benchmark to seed it and
 * handed to the server process afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '../../../src/server/db/pglite';
import { openPostgres } from '../../../src/server/db/postgres';
import { type Db } from '../../../src/server/db/types';
import { type PgCluster } from './postgres';

export type Engine = 'postgres' | 'pglite';

export interface Storage {
  engine: Engine;
  /** What `serve` is given. */
  server: { databaseUrl: string } | { dataDir: string };
  mediaDir: string;
  /** Opens it in this process (PGlite: only while no server holds the folder). */
  open(): Promise<Db>;
  remove(): Promise<void>;
}

export async function createStorage(engine: Engine, name: string, cluster: PgCluster | null): Promise<Storage> {
  const tmp = mkdtempSync(join(tmpdir(), `gobs-bench-${name}-`));
  const mediaDir = join(tmp, 'media');
  if (engine === 'postgres') {
    if (!cluster) throw new Error('no PostgreSQL');
    const db = `gobs_bench_${name}`;
    const url = await cluster.createDatabase(db);
    return {
      engine,
      server: { databaseUrl: url },
      mediaDir,
      open: () => openPostgres(url, { max: 4 }),
      async remove() {
        await cluster.dropDatabase(db);
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  }
  const dataDir = join(tmp, 'server');
  return {
    engine,
    server: { dataDir },
    mediaDir,
    open: () => openPglite(dataDir),
    async remove() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
