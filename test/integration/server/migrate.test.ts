import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate, schemaVersion } from '../../../src/server/db/migrate.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { openMemoryPglite } from '../../../src/server/db/pglite.js';
import { createTestDatabase, postgresUrl } from '../../helpers/postgres.js';

const latest = () => loadMigrations().at(-1)!.version;

describe('migrations', () => {
  it('apply once on PGlite; a second run is a no-op', async () => {
    const db = await openMemoryPglite();
    try {
      expect(await schemaVersion(db)).toBe(0);
      expect(await migrate(db)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(db)).toEqual([]);
      expect(await schemaVersion(db)).toBe(latest());
    } finally {
      await db.close();
    }
  });

  it.skipIf(!postgresUrl())('are safe when two PostgreSQL instances migrate the same database at once', async () => {
    const t = await createTestDatabase();
    const [a, b] = await Promise.all([openPostgres(t.url), openPostgres(t.url)]);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(loadMigrations().map((m) => m.version));
      expect(await schemaVersion(a)).toBe(latest());
      const rows = await a.query<{ n: number }>('SELECT count(*)::int8 AS n FROM schema_version');
      expect(rows[0]!.n).toBe(loadMigrations().length);
    } finally {
      await a.close();
      await b.close();
      await t.drop();
    }
  });
});
