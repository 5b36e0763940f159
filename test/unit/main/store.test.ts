import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openStore, schemaVersion } from '../../../src/main/store/db';
import { MIGRATIONS } from '../../../src/main/store/migrations';
import { accountKey, openAccountStore } from '../../../src/main/store/account';
import { listProjects, replaceProjects } from '../../../src/main/store/projects';
import { ensureDimensionIndexes } from '../../../src/main/store/indicators';
import { dimensionIndexName } from '../../../src/main/store/observations';

const tmp = () => mkdtempSync(join(tmpdir(), 'gobs-store-'));

describe('store migrations', () => {
  it('creates every table at the latest version, in WAL mode', () => {
    const db = openStore(join(tmp(), 's.sqlite'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['account', 'project', 'indicator', 'observation', 'document', 'schema_version']),
    );
    db.close();
  });

  it('is idempotent on reopen and upgrades an old store step by step', () => {
    const file = join(tmp(), 's.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 1));
    old.prepare("INSERT INTO project (key, label) VALUES ('p', 'P')").run();
    expect(schemaVersion(old)).toBe(1);
    old.close();
    const db = openStore(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.prepare('SELECT label FROM project').pluck().get()).toBe('P');
    db.close();
    const again = openStore(file);
    expect(again.prepare('SELECT count(*) FROM schema_version').pluck().get()).toBe(MIGRATIONS.length);
    again.close();
  });

  it('moves a store of our server to series (migration 9) without losing anything', () => {
    const file = join(tmp(), 's.sqlite');
    const old = new Database(file);
    const before = MIGRATIONS.filter((m) => m.version < 9);
    migrate(old, before);
    old
      .prepare("INSERT INTO account (id, server_url, username) VALUES (1, 'https://gobs.example.org/api', 'al')")
      .run();
    old.prepare("INSERT INTO project (key, label, media_url) VALUES ('p', 'P', 'https://x/p.png')").run();
    old
      .prepare(
        "INSERT INTO indicator (code, label, date_format, dimensions, pull_ack) VALUES ('rain', 'Rain', 'day', '[]', 'tok')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO observation (uuid, indicator_code, timestamp, x, y, wkt, vals, state) VALUES ('u1', 'rain', '2024-01-01 00:00:00', 3.5, 43.6, 'POINT(3.5 43.6)', '{\"rain\":2}', 'modified')",
      )
      .run();
    old.close();
    const db = openStore(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.prepare('SELECT server_kind FROM account').pluck().get()).toBe('gobs-sync');
    expect(db.prepare('SELECT label, media_url, geopackage_url FROM project').get()).toEqual({
      label: 'P',
      media_url: 'https://x/p.png',
      geopackage_url: null,
    });
    expect(db.prepare('SELECT code, server_code, series_id, pull_ack FROM indicator').get()).toEqual({
      code: 'rain',
      server_code: 'rain',
      series_id: null,
      pull_ack: 'tok',
    });
    expect(
      db.prepare('SELECT uuid, x, y, wkt, vals, state, end_timestamp, object_id, editable FROM observation').get(),
    ).toEqual({
      uuid: 'u1',
      x: 3.5,
      y: 43.6,
      wkt: 'POINT(3.5 43.6)',
      vals: '{"rain":2}',
      state: 'modified',
      end_timestamp: null,
      object_id: null,
      editable: null,
    });
    db.close();
  });

  it('rolls a failing migration back whole, leaving the previous version', () => {
    const file = join(tmp(), 's.sqlite');
    const broken = [
      ...MIGRATIONS,
      { version: 999, name: 'broken', sql: 'CREATE TABLE half (a INT); SELECT * FROM missing_table;' },
    ];
    expect(() => openStore(file, broken)).toThrow(/missing_table/);
    const db = openStore(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a store written by a newer version', () => {
    const file = join(tmp(), 's.sqlite');
    const newer = [...MIGRATIONS, { version: 1000, name: 'future', sql: 'SELECT 1' }];
    openStore(file, newer).close();
    expect(() => openStore(file)).toThrow(/newer G-Obs/);
  });
});

describe('account stores', () => {
  it('keeps one store per server and user', () => {
    const dir = tmp();
    const a = openAccountStore(dir, { serverUrl: 'http://h/api', username: 'alice' });
    const b = openAccountStore(dir, { serverUrl: 'http://h/api', username: 'bob' });
    const c = openAccountStore(dir, { serverUrl: 'http://other/api', username: 'alice' });
    expect(new Set([a.dir, b.dir, c.dir]).size).toBe(3);
    replaceProjects(a.db, [{ key: 'k', label: 'Alice project', description: null, media_url: null }]);
    expect(listProjects(a.db).map((p) => p.label)).toEqual(['Alice project']);
    expect(listProjects(b.db)).toEqual([]);
    expect(accountKey({ serverUrl: 'http://h/api', username: 'Alice' })).toBe(a.key);
    for (const s of [a, b, c]) s.db.close();
  });

  it('drops projects the server no longer lists, unless they hold unsynced work', () => {
    const s = openAccountStore(tmp(), { serverUrl: 'http://h/api', username: 'u' });
    const p = (key: string) => ({ key, label: key.toUpperCase(), description: null, media_url: null });
    replaceProjects(s.db, [p('a'), p('b'), p('c')]);
    s.db.exec(`INSERT INTO indicator (code, label, date_format, dimensions) VALUES ('i', 'I', 'day', '[]');
      INSERT INTO project_indicator (project_key, indicator_code) VALUES ('b', 'i');
      INSERT INTO observation (uuid, indicator_code, timestamp, x, y, vals, state)
        VALUES ('0b7a9f52-4a38-4c8a-9d3e-1f2e3d4c5b6a', 'i', '2024-01-01 00:00:00', 1, 2, '{}', 'local');`);
    replaceProjects(s.db, [p('c')]);
    const left = listProjects(s.db).map((x) => [x.key, x.pendingChanges]);
    expect(left.sort()).toEqual([
      ['b', 1],
      ['c', 0],
    ]);
    s.db.close();
  });
});

describe('observation counts', () => {
  const groupBy = (db: Database.Database) =>
    db.prepare('SELECT indicator_code, state, count(*) AS n FROM observation GROUP BY 1, 2 ORDER BY 1, 2').all();
  const counted = (db: Database.Database) =>
    db.prepare('SELECT indicator_code, state, n FROM observation_count WHERE n > 0 ORDER BY 1, 2').all();

  it('are backfilled by the migration and kept exact by the triggers', () => {
    const file = join(tmp(), 's.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 2));
    const insert = old.prepare(
      "INSERT INTO observation (uuid, indicator_code, timestamp, x, y, vals, state) VALUES (?, ?, '2024-01-01 00:00:00', 0, 0, '{}', ?)",
    );
    for (let i = 0; i < 30; i++) insert.run(`u${i}`, i % 2 ? 'a' : 'b', i % 3 ? 'synced' : 'local');
    old.close();
    const db = openStore(file);
    expect(counted(db)).toEqual(groupBy(db));
    db.prepare("UPDATE observation SET state = 'modified' WHERE uuid IN ('u1', 'u2', 'u4')").run();
    db.prepare("UPDATE observation SET indicator_code = 'c' WHERE uuid = 'u5'").run();
    db.prepare("UPDATE observation SET x = 5 WHERE uuid = 'u7'").run();
    db.prepare("DELETE FROM observation WHERE uuid IN ('u0', 'u9')").run();
    db.prepare(
      "INSERT INTO observation (uuid, indicator_code, timestamp, x, y, vals, state) VALUES ('n1', 'd', '2024-01-01 00:00:00', 0, 0, '{}', 'conflict')",
    ).run();
    expect(counted(db)).toEqual(groupBy(db));
    db.close();
  });
});

describe('dimension sort indexes', () => {
  it('are created per dimension with the current layout, replacing indexes of an older one', () => {
    const db = openStore(join(tmp(), 's.sqlite'));
    db.exec(
      "CREATE INDEX observation_dim_0123456789abcdef ON observation(indicator_code, json_extract(vals, '$.old'))",
    );
    ensureDimensionIndexes(db, [
      { code: 'rain', type: 'real' },
      { code: 'note', type: 'string' },
      { code: 'checked', type: 'boolean' },
    ]);
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'observation_dim%' ORDER BY name")
      .pluck()
      .all();
    expect(names).toEqual([dimensionIndexName('note', 'string'), dimensionIndexName('rain', 'real')].sort());
    db.close();
  });
});
