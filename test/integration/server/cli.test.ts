import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { DataDirLockedError, openPglite } from '../../../src/server/db/pglite.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { createTestDatabase, postgresUrl } from '../../helpers/postgres.js';

const run = runCli;

describe('server CLI on the embedded database', () => {
  let dir: string;
  let data: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-cli-'));
    data = path.join(dir, 'data');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses bad arguments with exit code 2 before touching storage', async () => {
    expect((await run(['frobnicate', '--data-dir', data])).code).toBe(2);
    expect((await run(['user', 'add', '--data-dir', data])).code).toBe(2);
    expect((await run(['user', '--data-dir', data])).code).toBe(2);
    expect((await run(['user', 'password', 'ann', '--data-dir', data])).code).toBe(2);
    expect((await run(['user', 'grant', 'a', 'b', '--role', 'boss', '--data-dir', data])).code).toBe(2);
    expect((await run(['project', 'add', 'k', '--data-dir', data])).code).toBe(2);
    expect((await run(['serve', '--port', 'x', '--data-dir', data])).code).toBe(2);
    // Links name the server: on a wildcard address it needs to be told its public URL.
    const wildcard = await run(['serve', '--host', '0.0.0.0', '--data-dir', data]);
    expect(wildcard).toMatchObject({ code: 2 });
    expect(wildcard.err).toMatch(/--public-url is required/);
    expect((await run(['serve', '--public-url', 'ftp://x/api', '--data-dir', data])).code).toBe(2);
    expect((await run(['serve', '--public-url', 'https://x/api?q=1', '--data-dir', data])).code).toBe(2);
    expect((await run(['serve', '--log-level', 'loud', '--data-dir', data])).code).toBe(2);
    expect((await run(['serve', '--trust-proxy', 'evil!', '--data-dir', data])).code).toBe(2);
    expect((await run(['migrate', '--data-dir', data, '--database-url', 'postgres://x'])).code).toBe(2);
    expect((await run(['migrate', '--bogus', '--data-dir', data])).code).toBe(2);
    expect(fs.existsSync(data)).toBe(false);
  });

  it('administers users, projects, indicators, documents and observations', async () => {
    expect((await run(['migrate', '--data-dir', data])).out).toContain('schema version');
    const add = await run(['user', 'add', 'ann', '--password-stdin', '--data-dir', data], 'secret\n');
    expect(add).toMatchObject({ code: 0, out: 'user ann created' });
    expect((await run(['user', 'add', 'ann', '--password-stdin', '--data-dir', data], 'x\n')).code).toBe(1);
    expect(
      (await run(['user', 'password', 'ann', '--password-stdin', '--data-dir', data], 'new-secret\n')).out,
    ).toContain('password of ann changed');
    expect((await run(['user', 'logout', 'ann', '--data-dir', data])).out).toBe('0 session(s) of ann revoked');
    expect((await run(['user', 'logout', 'nobody', '--data-dir', data])).code).toBe(1);
    expect((await run(['project', 'add', 'p', '--label', 'P', '--data-dir', data])).code).toBe(0);
    expect((await run(['user', 'grant', 'ann', 'p', '--role', 'writer', '--data-dir', data])).code).toBe(0);
    expect((await run(['user', 'grant', 'bob', 'p', '--role', 'writer', '--data-dir', data])).err).toContain(
      'unknown user bob',
    );
    const spec = path.join(dir, 'ind.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        code: 'temp',
        label: 'Temperature',
        date_format: 'day',
        values: [{ code: 't', name: 'T', type: 'real', unit: '°C' }],
      }),
    );
    expect((await run(['indicator', 'add', '--from', spec, '--data-dir', data])).out).toContain(
      'indicator temp created',
    );
    fs.writeFileSync(spec, JSON.stringify({ code: 'bad code', label: 'X', date_format: 'week', values: [] }));
    expect((await run(['indicator', 'add', '--from', spec, '--data-dir', data])).err).toContain('invalid indicator');
    expect((await run(['project', 'link', 'p', 'temp', '--data-dir', data])).code).toBe(0);
    const docFile = path.join(dir, 'notes.txt');
    fs.writeFileSync(docFile, 'how to measure');
    expect(
      (await run(['document', 'add', 'temp', docFile, '--label', 'Notes', '--type', 'document', '--data-dir', data]))
        .code,
    ).toBe(0);
    expect(
      (await run(['document', 'add', 'temp', docFile, '--label', 'Notes', '--type', 'poster', '--data-dir', data]))
        .code,
    ).toBe(1);
    const csv = path.join(dir, 'obs.csv');
    fs.writeFileSync(csv, 'timestamp,x,y,t\n2024-01-01 10:00:00,3,43,12.5\n2024-01-02 10:00:00,3,43,13\n');
    expect((await run(['import', 'temp', csv, '--as', 'ann', '--data-dir', data])).out).toMatch(/2 created, 0 updated/);
    fs.writeFileSync(csv, 'timestamp,x,y,t\n2024-01-01 10:00:00,3,43,warm\n');
    const bad = await run(['import', 'temp', csv, '--data-dir', data]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('line 2');
    const out = path.join(dir, 'export.csv');
    expect((await run(['export', 'temp', '--output', out, '--data-dir', data])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    expect((await run(['devices', '--data-dir', data])).out).toContain('no device');
  }, 300_000); // every command opens the embedded database afresh: seconds each

  it('locks the data folder against a second opener, and takes over a stale lock', async () => {
    const db = await openPglite(data);
    try {
      await expect(openPglite(data)).rejects.toBeInstanceOf(DataDirLockedError);
      const r = await run(['migrate', '--data-dir', data]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/in use by process/);
    } finally {
      await db.close();
    }
    fs.writeFileSync(path.join(data, 'gobs-server.lock'), '999999'); // no such process
    const again = await openPglite(data);
    await again.close();
    expect(fs.existsSync(path.join(data, 'gobs-server.lock'))).toBe(false);
  });

  it('creates the demo once, then says it is present', async () => {
    const demo = path.join(dir, 'demo');
    const first = await run(['demo', '--data-dir', demo]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('demo data created');
    expect((await run(['demo', '--data-dir', demo])).out).toBe('demo data already present');
  }, 300_000); // every command opens the embedded database afresh: seconds each
});

describe.skipIf(!postgresUrl())('server CLI on PostgreSQL', () => {
  it('migrates, creates the demo and reports devices with --database-url', async () => {
    const t = await createTestDatabase();
    const media = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-cli-media-'));
    try {
      const storage = ['--database-url', t.url, '--media-dir', media];
      expect((await run(['migrate', ...storage])).out).toMatch(/applied migrations 1, 2/);
      expect((await run(['demo', ...storage])).out).toContain('demo data created');
      expect((await run(['demo', ...storage])).out).toBe('demo data already present');
      expect((await run(['devices', '--indicator', 'pluviometry', ...storage])).out).toContain('no device');
      // The documents' bytes are in the database, not in a folder.
      expect(fs.readdirSync(media)).toEqual([]);
      const db = await openPostgres(t.url);
      try {
        const [r] = await db.query<{ n: number }>(
          'SELECT count(*)::int8 AS n FROM stored_file f JOIN document d ON d.file_name = f.name',
        );
        expect(r!.n).toBe(5);
      } finally {
        await db.close();
      }
    } finally {
      await t.drop();
      fs.rmSync(media, { recursive: true, force: true });
    }
  });
});
