/**
 * Isolated PostgreSQL databases for tests: each call creates a fresh database on the server named by
 * DATABASE_URL (CI's throwaway cluster), so test files can run in parallel without sharing state.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const postgresUrl = (): string | undefined => process.env.DATABASE_URL || undefined;

export async function createTestDatabase(adminUrl?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = adminUrl ?? postgresUrl();
  if (!admin) throw new Error('DATABASE_URL is not set');
  const name = `gobs_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
