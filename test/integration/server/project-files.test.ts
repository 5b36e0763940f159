/**
 * A project's GeoPackage and extent: set by an administrator (CLI), listed with the project,
 * downloaded whole by members only, revalidated by ETag, replaced and removed without leaving files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEOPACKAGE_MIME, Project } from '../../../src/shared/api.js';
import { runCli } from '../../helpers/cli.js';
import { purge } from '../../../src/server/admin/purge.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';

const layers = (name: string) =>
  fileURLToPath(new URL(`../../../src/server/admin/demo-layers/${name}`, import.meta.url));
const WATER = layers('water.gpkg');
const AIR = layers('air.gpkg');

const cli = runCli;

describe.each(testEngines())('project GeoPackage and extent (%s)', (engine) => {
  let srv: TestServer;
  let reader: Client;
  let outsider: Client;
  beforeAll(async () => {
    srv = await startTestServer({ engine, publicUrl: 'https://gobs.example.org/api' });
    await srv.seed.basic();
    await srv.seed.project('p2');
    await srv.seed.user('outsider', 'outsider');
    await srv.seed.grant('outsider', 'p2', 'reader');
    reader = await new Client(srv.baseUrl).login('reader', 'reader');
    outsider = await new Client(srv.baseUrl).login('outsider', 'outsider');
  });
  afterAll(() => srv?.close());

  const download = (c: Client, key: string, headers: Record<string, string> = {}) =>
    fetch(`${srv.baseUrl}/project/${encodeURIComponent(key)}/geopackage`, {
      headers: { authorization: `Bearer ${c.token}`, ...headers },
    });
  const files = async () => (await srv.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM stored_file'))[0]!.n;
  const project = async (c: Client, key: string) => Project.parse((await c.get(`/project/${key}`)).body);

  it('lists a project without layers or extent as null, and has no file to give', async () => {
    expect(await project(reader, 'p1')).toMatchObject({ geopackage_url: null, extent: null });
    const res = await download(reader, 'p1');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 0, message: 'Project p1 has no GeoPackage' });
  });

  it('serves the attached file byte for byte to members, under the public URL, with an ETag', async () => {
    await srv.seed.projectGeopackage('p1', WATER);
    await srv.seed.projectExtent('p1', { xmin: 3.15, ymin: 43.25, xmax: 4, ymax: 44.1 });
    const p = await project(reader, 'p1');
    expect(p.geopackage_url).toMatch(/^https:\/\/gobs\.example\.org\/api\/project\/p1\/geopackage\?v=[0-9a-f]{24}$/);
    expect(p.extent).toEqual({ xmin: 3.15, ymin: 43.25, xmax: 4, ymax: 44.1 });
    const listed = (await reader.get<Project[]>('/user/projects')).body.find((x) => x.key === 'p1');
    expect(listed).toEqual(p);

    const res = await download(reader, 'p1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(GEOPACKAGE_MIME);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="p1.gpkg"');
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(WATER))).toBe(true);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"project-[0-9a-f]{24}\.gpkg"$/);

    const again = await download(reader, 'p1', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('hides another project’s file, and refuses anyone not logged in', async () => {
    expect((await download(outsider, 'p1')).status).toBe(404);
    const anonymous = await fetch(`${srv.baseUrl}/project/p1/geopackage`);
    expect(anonymous.status).toBe(401);
  });

  it('replaces the file under a new ETag, removing the old copy, and removes it entirely', async () => {
    const before = await files();
    const oldTag = (await download(reader, 'p1')).headers.get('etag')!;
    const oldUrl = (await project(reader, 'p1')).geopackage_url;
    await srv.seed.projectGeopackage('p1', AIR);
    expect(await files()).toBe(before);
    expect((await project(reader, 'p1')).geopackage_url).not.toBe(oldUrl);
    const replaced = await download(reader, 'p1', { 'if-none-match': oldTag });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).not.toBe(oldTag);
    expect(Buffer.from(await replaced.arrayBuffer()).equals(fs.readFileSync(AIR))).toBe(true);

    await srv.seed.projectGeopackage('p1', null);
    expect(await files()).toBe(before - 1);
    expect((await project(reader, 'p1')).geopackage_url).toBeNull();
    expect((await download(reader, 'p1')).status).toBe(404);
  });

  it('keeps an attached file through purge, however old', async () => {
    await srv.seed.projectGeopackage('p1', WATER);
    await srv.db.query(`UPDATE stored_file SET created_at = now() - interval '30 days'`);
    await purge(srv.db);
    expect((await download(reader, 'p1')).status).toBe(200);
  });
});

describe('CLI: project geopackage and project extent', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-pf-'));
    data = path.join(dir, 'data');
    expect((await cli(['project', 'add', 'w', '--label', 'Water', '--data-dir', data])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses files that are not GeoPackages, naming why', async () => {
    const text = path.join(dir, 'layers.gpkg');
    fs.writeFileSync(text, 'stations;rivers\n'.repeat(20));
    expect(await cli(['project', 'geopackage', 'w', text, '--data-dir', data])).toMatchObject({
      code: 1,
      err: expect.stringContaining('is not an SQLite database'),
    });
    // An SQLite file without the GeoPackage application id (bytes 68..71).
    const sqlite = Buffer.from(fs.readFileSync(WATER));
    sqlite.write('\0\0\0\0', 68, 'latin1');
    fs.writeFileSync(path.join(dir, 'plain.sqlite'), sqlite);
    expect(await cli(['project', 'geopackage', 'w', path.join(dir, 'plain.sqlite'), '--data-dir', data])).toMatchObject(
      { code: 1, err: expect.stringContaining('not a GeoPackage') },
    );
    expect((await cli(['project', 'geopackage', 'w', path.join(dir, 'none.gpkg'), '--data-dir', data])).err).toMatch(
      /no such file/,
    );
    expect((await cli(['project', 'geopackage', 'nope', WATER, '--data-dir', data])).err).toMatch(
      /unknown project nope/,
    );
    expect((await cli(['project', 'geopackage', 'w', '--data-dir', data])).code).toBe(2);
  });

  it('refuses an extent that is not four ordered numbers in degrees, before opening the database', async () => {
    for (const bad of ['3,43,4', '3,43,4,x', '4,43,3,44', '3,43,4,95', '3,,4,44'])
      expect((await cli(['project', 'extent', 'w', bad, '--data-dir', path.join(dir, 'untouched')])).code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'untouched'))).toBe(false);
  });

  it('sets, replaces and removes both', async () => {
    expect(await cli(['project', 'geopackage', 'w', WATER, '--data-dir', data])).toMatchObject({
      code: 0,
      out: `GeoPackage of project w set (${fs.statSync(WATER).size} bytes)`,
    });
    expect((await cli(['project', 'extent', 'w', '3.15, 43.25, 4, 44.1', '--data-dir', data])).code).toBe(0);
    expect(await cli(['project', 'geopackage', 'w', '--remove', '--data-dir', data])).toMatchObject({
      code: 0,
      out: 'project w has no GeoPackage',
    });
    expect(await cli(['project', 'extent', 'w', '--clear', '--data-dir', data])).toMatchObject({
      code: 0,
      out: 'project w has no extent',
    });
  });
});
