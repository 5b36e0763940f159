/**
 * What an administrator attaches to a project for the desktop's map: its layers as one GeoPackage
 * and the extent the map opens on.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { GEOPACKAGE_MIME, type ProjectExtent } from '../../shared/api.js';
import { type Db, type Queryable } from '../db/types.js';
import { deleteFile, putFile } from '../db/files.js';
import { SeedError } from './seed.js';

/** Bigger layers belong on a map server; a desktop downloads this file whole on every change. */
export const GEOPACKAGE_MAX_BYTES = 256 * 1024 * 1024;

// A GeoPackage is an SQLite 3 file whose header carries the GeoPackage application id
// (OGC 12-128r18 §1.1.1.1.1): "GPKG" since 1.2, "GP10"/"GP11" before.
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const APPLICATION_IDS = new Set(['GPKG', 'GP10', 'GP11']);

/** Why these bytes are not a GeoPackage, or null when they are one. */
export function geopackageProblem(bytes: Uint8Array): string | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 100 || !b.subarray(0, 16).equals(SQLITE_MAGIC)) return 'is not an SQLite database';
  const id = b.subarray(68, 72).toString('latin1');
  if (!APPLICATION_IDS.has(id)) return 'is an SQLite database but not a GeoPackage (no GeoPackage application id)';
  return null;
}

async function projectId(db: Queryable, key: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM project WHERE key = $1', [key]);
  if (!row) throw new SeedError(`unknown project ${key}`);
  return row.id;
}

/**
 * Attaches the GeoPackage at `file` to a project (replacing any previous one), or detaches it when
 * `file` is null. Returns the size stored.
 */
export async function setProjectGeopackage(db: Db, key: string, file: string | null): Promise<number> {
  const id = await projectId(db, key);
  let name: string | null = null;
  let size = 0;
  if (file !== null) {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new SeedError(`no such file ${file}`);
    size = fs.statSync(file).size;
    if (size > GEOPACKAGE_MAX_BYTES)
      throw new SeedError(`${file} is ${size} bytes; a project GeoPackage is at most ${GEOPACKAGE_MAX_BYTES} bytes`);
    const bytes = fs.readFileSync(file);
    const problem = geopackageProblem(bytes);
    if (problem) throw new SeedError(`${file} ${problem}`);
    name = `project-${randomBytes(12).toString('hex')}.gpkg`;
    // Stored first, under a new name: if the swap below fails, the orphan is removed by purge.
    await putFile(db, name, GEOPACKAGE_MIME, bytes);
  }
  await db.tx(async (q) => {
    const [old] = await q.query<{ geopackage_file: string | null }>(
      'SELECT geopackage_file FROM project WHERE id = $1 FOR UPDATE',
      [id],
    );
    await q.query('UPDATE project SET geopackage_file = $2 WHERE id = $1', [id, name]);
    await deleteFile(q, old?.geopackage_file ?? null);
  });
  return size;
}

/** Parses `xmin,ymin,xmax,ymax` in degrees (EPSG:4326). */
export function parseExtent(text: string): ProjectExtent {
  const parts = text.split(',').map((s) => s.trim());
  const n = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === '') || n.some((v) => !Number.isFinite(v)))
    throw new SeedError(`extent "${text}" must be four numbers: xmin,ymin,xmax,ymax (degrees)`);
  const [xmin, ymin, xmax, ymax] = n as [number, number, number, number];
  if (xmin < -180 || xmax > 180 || ymin < -90 || ymax > 90)
    throw new SeedError(`extent "${text}" must lie within longitudes -180..180 and latitudes -90..90`);
  if (xmin > xmax || ymin > ymax) throw new SeedError(`extent "${text}": xmin must not exceed xmax, nor ymin ymax`);
  return { xmin, ymin, xmax, ymax };
}

export async function setProjectExtent(db: Queryable, key: string, extent: ProjectExtent | null): Promise<void> {
  const id = await projectId(db, key);
  await db.query(
    'UPDATE project SET extent_xmin = $2, extent_ymin = $3, extent_xmax = $4, extent_ymax = $5 WHERE id = $1',
    [id, extent?.xmin ?? null, extent?.ymin ?? null, extent?.xmax ?? null, extent?.ymax ?? null],
  );
}
