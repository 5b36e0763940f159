import { describe, expect, it } from 'vitest';
import { loadMigrations, splitStatements } from '../../../src/server/db/migrate.js';

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions).toEqual(versions.map((_, k) => k + 1));
  });
  it('split into statements, keeping $$ bodies whole and dropping comments', () => {
    const sql = `-- comment; not a statement\nCREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NEW;\nEND\n$$;\nSELECT 1;`;
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE a (x int);',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NEW;\nEND\n$$;',
      'SELECT 1;',
    ]);
  });
  it('use only PostgreSQL 15 syntax we know PGlite 18 also accepts (no uuidv7, JSON_TABLE, virtual columns)', () => {
    for (const m of loadMigrations()) expect(m.sql).not.toMatch(/uuidv7|JSON_TABLE|\bVIRTUAL\b/i);
  });
});
