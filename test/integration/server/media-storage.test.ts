/**
 * Media and document bytes live in the database: two server instances on one PostgreSQL (and the
 * CLI, wherever it runs) serve the same files; files an older version kept in a media folder are
 * copied in when the storage is opened.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndicatorDocument, type MediaResponse, type Observation } from '../../../src/shared/api.js';
import { buildServer } from '../../../src/server/app.js';
import { runCommand } from '../../../src/server/cli/commands.js';
import { openStorage } from '../../../src/server/db/open.js';
import { openPglite } from '../../../src/server/db/pglite.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { migrate } from '../../../src/server/db/migrate.js';
import { type Db } from '../../../src/server/db/types.js';
import * as seed from '../../../src/server/admin/seed.js';
import { createTestDatabase, postgresUrl } from '../../helpers/postgres.js';
import { PLUVIOMETRY } from '../../helpers/server.js';
import { Client } from './client.js';
import { newObs } from './fixtures.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

async function serve(db: Db): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = await buildServer({ db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api` };
}

async function bytes(c: Client, url: string): Promise<{ status: number; body: Buffer; type: string | null }> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${c.token}` } });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') };
}

async function cli(args: string[], cwd: string) {
  const out: string[] = [];
  const here = process.cwd();
  process.chdir(cwd); // "the CLI run elsewhere": a media folder relative to it would be another one
  try {
    const code = await runCommand(args, {
      stdout: (s) => out.push(s),
      stderr: (s) => out.push(s),
      output: new PassThrough(),
      env: {},
      stdin: Readable.from(['']),
    });
    return { code, out: out.join('\n') };
  } finally {
    process.chdir(here);
  }
}

describe.skipIf(!postgresUrl())('two server instances on one PostgreSQL', () => {
  let drop: () => Promise<void>;
  let url: string;
  let dbs: Db[];
  let a: { app: FastifyInstance; baseUrl: string };
  let b: { app: FastifyInstance; baseUrl: string };
  let elsewhere: string;

  beforeAll(async () => {
    const t = await createTestDatabase();
    ({ url, drop } = t);
    dbs = [await openPostgres(url), await openPostgres(url)];
    await migrate(dbs[0]!);
    await seed.createProject(dbs[0]!, { key: 'p1', label: 'P1' });
    await seed.createUser(dbs[0]!, 'writer', 'writer');
    await seed.grantRole(dbs[0]!, 'writer', 'p1', 'writer');
    await seed.createIndicator(dbs[0]!, PLUVIOMETRY);
    await seed.linkIndicator(dbs[0]!, 'p1', 'pluviometry');
    a = await serve(dbs[0]!);
    b = await serve(dbs[1]!);
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-elsewhere-'));
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    for (const db of dbs ?? []) await db.close();
    await drop?.();
    if (elsewhere) fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  it('serves a photo uploaded to one instance from the other, and deletes it everywhere', async () => {
    const wa = await new Client(a.baseUrl).login('writer', 'writer');
    const wb = new Client(b.baseUrl, wa.token);
    const [obs] = (await wa.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
    const f = new FormData();
    f.append('mediaFile', new Blob([PNG]), 'p.png');
    const up = await wa.req<MediaResponse>('POST', `/observation/${obs.id}/uploadMedia`, { body: f });
    expect(up.status).toBe(200);
    const fromB = await bytes(wb, `${b.baseUrl}/observation/${obs.id}/media`);
    expect(fromB.status).toBe(200);
    expect(fromB.type).toBe('image/png');
    expect(fromB.body.equals(PNG)).toBe(true);
    expect((await wb.req('DELETE', `/observation/${obs.id}/deleteMedia`)).status).toBe(200);
    expect((await bytes(wa, `${a.baseUrl}/observation/${obs.id}/media`)).status).toBe(404);
    const [left] = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int8 AS n FROM stored_file');
    expect(left!.n).toBe(0);
  });

  it('serves from both instances a document the CLI added from another folder', async () => {
    const file = path.join(elsewhere, 'guide.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n% shared guide\n');
    const added = await cli(
      ['document', 'add', 'pluviometry', file, '--label', 'Guide', '--type', 'document', '--database-url', url],
      elsewhere,
    );
    expect(added.code, added.out).toBe(0);
    expect(fs.existsSync(path.join(elsewhere, '.gobs-data'))).toBe(false); // nothing written beside the CLI
    const c = await new Client(b.baseUrl).login('writer', 'writer');
    const [doc] = (await c.get<IndicatorDocument[]>('/indicator/pluviometry/documents')).body;
    for (const base of [a.baseUrl, b.baseUrl]) {
      const got = await bytes(c, `${base}/document/${doc!.uuid}`);
      expect(got.status).toBe(200);
      expect(got.body.toString()).toContain('% shared guide');
    }
  });
});

describe('files kept in a media folder by an older version', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-legacy-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are copied into the database when the storage is opened, and served from there', async () => {
    const data = path.join(dir, 'data');
    const media = path.join(data, 'media');
    let db: Db = await openPglite(data);
    let obsId: number;
    try {
      await migrate(db);
      await seed.createProject(db, { key: 'p1', label: 'P1' });
      await seed.createUser(db, 'writer', 'writer');
      await seed.grantRole(db, 'writer', 'p1', 'writer');
      await seed.createIndicator(db, PLUVIOMETRY);
      await seed.linkIndicator(db, 'p1', 'pluviometry');
      const obs = await seed.insertObservations(db, {
        indicator: 'pluviometry',
        author: 'writer',
        observations: [0, 1].map((k) => ({
          timestamp: `2024-01-0${k + 1} 00:00:00`,
          x: 1,
          y: 1,
          values: { rain: 1, gauge: 1, checked: true, note: 'x' },
        })),
      });
      obsId = obs.ids[0]!;
      // As an older version left them: names in the rows, bytes in the folder.
      await db.query(`UPDATE observation SET media_file = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png' WHERE id = $1`, [
        obsId,
      ]);
      await db.query(`UPDATE observation SET media_file = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.png' WHERE id = $1`, [
        obs.ids[1],
      ]);
      await db.query(
        `INSERT INTO document (uuid, indicator_id, label, type, file_name, mime_type, size)
         SELECT '11111111-2222-4333-8444-555555555555', id, 'Old guide', 'document',
                '11111111-2222-4333-8444-555555555555.pdf', 'application/pdf', 9 FROM indicator`,
      );
      fs.mkdirSync(path.join(media, 'observations'), { recursive: true });
      fs.mkdirSync(path.join(media, 'documents'), { recursive: true });
      fs.writeFileSync(path.join(media, 'observations', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png'), PNG);
      fs.writeFileSync(path.join(media, 'documents', '11111111-2222-4333-8444-555555555555.pdf'), '%PDF-old\n');
    } finally {
      await db.close();
    }

    const opened = await openStorage({ dataDir: data });
    db = opened.db;
    try {
      expect(opened.files.imported).toBe(2);
      expect(opened.files.missing).toEqual(['observations/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.png']);
      const srv = await serve(db);
      try {
        const c = await new Client(srv.baseUrl).login('writer', 'writer');
        const media = await bytes(c, `${srv.baseUrl}/observation/${obsId}/media`);
        expect(media.status).toBe(200);
        expect(media.type).toBe('image/png');
        expect(media.body.equals(PNG)).toBe(true);
        const doc = await bytes(c, `${srv.baseUrl}/document/11111111-2222-4333-8444-555555555555`);
        expect(doc.body.toString()).toBe('%PDF-old\n');
      } finally {
        await srv.app.close();
      }
    } finally {
      await db.close();
    }
    // Opening again copies nothing more; the folder may go.
    fs.rmSync(media, { recursive: true });
    const again = await openStorage({ dataDir: data });
    expect(again.files.imported).toBe(0);
    await again.db.close();
  }, 120_000);
});
