/**
 * Expired sessions and sync batches nobody acknowledged are deleted: on a schedule while the server
 * runs, and by `npm run server -- purge`. Live sessions and recent batches stay.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../../src/server/cli/commands.js';
import { openPglite } from '../../../src/server/db/pglite.js';
import { migrate } from '../../../src/server/db/migrate.js';
import { createSession } from '../../../src/server/auth/sessions.js';
import { type Db, type Queryable } from '../../../src/server/db/types.js';
import { putFile } from '../../../src/server/db/files.js';
import * as seed from '../../../src/server/admin/seed.js';
import { PLUVIOMETRY, startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, pull } from './client.js';
import { DEVICE_A } from './fixtures.js';

/** Sessions, batches and stored files of every kind: live, expired, revoked, recent, stale, orphaned. */
async function litter(db: Db, userId: number, deviceRowId: number, indicatorId: number) {
  const live = await createSession(db, userId);
  await createSession(db, userId, -1000); // expired
  const revoked = await createSession(db, userId);
  await db.query('UPDATE session SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, $2)), $3)', [
    revoked,
    'UTF8',
    'hex',
  ]);
  const batch = (age: string) =>
    db.query(
      `INSERT INTO sync_batch (device_id, indicator_id, kind, items, created_at)
       VALUES ($1, $2, 'observations', '[]', now() - $3::interval)`,
      [deviceRowId, indicatorId, age],
    );
  await batch('5 minutes');
  await batch('25 hours');
  await batch('40 days');
  // Files: an orphan left by a crash long ago, one being written now, one a document names.
  await putFile(db, 'orphan.png', 'image/png', Buffer.from('old orphan'));
  await putFile(db, 'fresh.png', 'image/png', Buffer.from('upload in progress'));
  await putFile(db, 'named.pdf', 'application/pdf', Buffer.from('%PDF-1.4'));
  await db.query(
    `INSERT INTO document (uuid, indicator_id, label, type, file_name, mime_type, size)
     VALUES (gen_random_uuid(), $1, 'Guide', 'document', 'named.pdf', 'application/pdf', 8)`,
    [indicatorId],
  );
  await db.query(
    `UPDATE stored_file SET created_at = now() - interval '2 hours' WHERE name IN ('orphan.png', 'named.pdf')`,
  );
  return { live };
}

const counts = async (db: Queryable) =>
  (
    await db.query<{ sessions: number; batches: number; files: string }>(
      `SELECT (SELECT count(*) FROM session)::int8 AS sessions, (SELECT count(*) FROM sync_batch)::int8 AS batches,
              (SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM stored_file) AS files`,
    )
  )[0]!;

describe.each(testEngines())('purge on a schedule while serving (%s)', (engine) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ engine, server: { purgeEveryMs: 200 } });
    await srv.seed.basic();
  });
  afterAll(() => srv?.close());

  it('deletes expired and revoked sessions and stale batches, keeps the rest', async () => {
    const reader = await new Client(srv.baseUrl, null, DEVICE_A).login('reader', 'reader');
    expect((await pull(reader, 'pluviometry')).status).toBe(200);
    const [ids] = await srv.db.query<{ user_id: number; device_id: number; indicator_id: number }>(
      `SELECT d.user_id, d.id AS device_id, i.id AS indicator_id FROM device d, indicator i
        WHERE d.uuid = $1 AND i.code = 'pluviometry'`,
      [DEVICE_A],
    );
    const before = await counts(srv.db);
    const { live } = await litter(srv.db, ids!.user_id, ids!.device_id, ids!.indicator_id);
    await vi.waitFor(
      async () => {
        expect(await counts(srv.db)).toEqual({
          sessions: before.sessions + 1,
          batches: before.batches + 1,
          files: 'fresh.png,named.pdf',
        });
      },
      { timeout: 20_000, interval: 100 },
    );
    expect((await new Client(srv.baseUrl, live).get('/user/projects')).status).toBe(200);
    expect((await reader.get('/user/projects')).status).toBe(200);
  });
});

describe('purge command', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-purge-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports and deletes what the schedule would', async () => {
    const data = path.join(dir, 'data');
    let db = await openPglite(data);
    let live: string;
    try {
      await migrate(db);
      const user = await seed.createUser(db, 'ann', 'ann');
      const ind = await seed.createIndicator(db, PLUVIOMETRY);
      const device = await seed.registerDevice(db, DEVICE_A, user.id);
      ({ live } = await litter(db, user.id, device, ind.id));
    } finally {
      await db.close();
    }
    const out: string[] = [];
    const code = await runCommand(['purge', '--data-dir', data], {
      stdout: (s) => out.push(s),
      stderr: (s) => out.push(s),
      output: new PassThrough(),
      env: {},
      stdin: Readable.from(['']),
    });
    expect(code).toBe(0);
    expect(out.join('\n')).toBe(
      'purged 2 expired or revoked session(s), 2 stale sync batch(es), 1 unreferenced file(s)',
    );
    db = await openPglite(data);
    try {
      expect(await counts(db)).toEqual({ sessions: 1, batches: 1, files: 'fresh.png,named.pdf' });
      const [row] = await db.query<{ n: number }>(
        "SELECT count(*)::int8 AS n FROM session WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
        [live],
      );
      expect(row!.n).toBe(1);
    } finally {
      await db.close();
    }
  }, 180_000);
});
