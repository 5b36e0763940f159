/**
 * The files a project and its series bring for offline use: the project's illustration and
 * GeoPackage (its spatial layers: the shared objects an observation is placed on, and what the
 * analyst views draw), each series' preview and icon. Kept in the account's documents folder,
 * downloaded again when the server's URL changes or once a day (the servers give no version), and
 * written to `*.part` then renamed, so a crash never leaves a half file that looks complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaContent, SeriesGeometry, SeriesImages, SpatialObjectSummary, SyncProblem } from '../../shared/ipc';
import { AppError, reportedError } from '../errors';
import { sniffImage } from '../../shared/images';
import type { ServerClient } from '../remote/types';
import type { AccountStore } from '../store/account';
import { type LayerGeometry, readLayerGeometries, readLayerObjects } from '../store/geopackage';
import {
  getIndicatorDef,
  projectOfIndicator,
  seriesImageFile,
  seriesImages,
  setSeriesGeometry,
  setSeriesImageFile,
  type SeriesImageKind,
} from '../store/indicators';
import { markProjectFilesChecked, projectFiles, setProjectFile, type ProjectFileKind } from '../store/projects';

/** How long a downloaded copy is used before it is fetched again. */
export const FILE_REFRESH_MS = 24 * 3600_000;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function fileName(prefix: string, key: string, ext: string): string {
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 20)}${ext}`;
}

function writeAtomic(path: string, bytes: Buffer): void {
  writeFileSync(`${path}.part`, bytes);
  renameSync(`${path}.part`, path);
}

function stale(
  store: AccountStore,
  file: string | null,
  from: string | null,
  url: string,
  checkedAt: string | null,
  now: number,
) {
  if (!file || from !== url || !existsSync(join(store.documentsDir, file))) return true;
  const at = checkedAt ? Date.parse(checkedAt) : NaN;
  return Number.isNaN(at) || now - at >= FILE_REFRESH_MS;
}

/** A failed download is a problem of the sync, never its end: only offline, cancel and session end stop it. */
function fatal(err: unknown): boolean {
  return err instanceof AppError && ['offline', 'cancelled', 'unauthorized'].includes(err.code);
}

/**
 * Downloads what changed of a project's illustration and GeoPackage, then decides from the
 * GeoPackage how the observations of each series are placed. Returns the problems met.
 */
export async function refreshProjectFiles(
  store: AccountStore,
  client: ServerClient,
  projectKey: string,
  signal?: AbortSignal,
  now = Date.now(),
): Promise<SyncProblem[]> {
  const db = store.db;
  const problems: SyncProblem[] = [];
  const files = projectFiles(db, projectKey);
  if (!files) return problems;
  const due =
    !files.filesAt || Number.isNaN(Date.parse(files.filesAt)) || now - Date.parse(files.filesAt) >= FILE_REFRESH_MS;
  const wanted: { kind: ProjectFileKind; url: string | null; file: string | null; from: string | null }[] = [
    { kind: 'illustration', url: files.illustrationUrl, file: files.illustrationFile, from: files.illustrationFrom },
    { kind: 'geopackage', url: files.geopackageUrl, file: files.geopackageFile, from: files.geopackageFrom },
  ];
  for (const w of wanted) {
    if (!w.url) {
      const old = setProjectFile(db, projectKey, w.kind, null, null);
      if (old) rmSync(join(store.documentsDir, old), { force: true });
      continue;
    }
    if (!stale(store, w.file, w.from, w.url, due ? null : files.filesAt, now)) continue;
    try {
      const { bytes } = await client.download(w.url, signal);
      let name: string;
      if (w.kind === 'illustration') {
        const type = sniffImage(bytes);
        if (!type) throw new AppError('bad_server', 'the server sent something that is not an image');
        name = fileName('project', projectKey, type.ext);
      } else {
        if (!bytes.subarray(0, 16).equals(SQLITE_HEADER))
          throw new AppError('bad_server', 'the server sent something that is not a GeoPackage');
        name = fileName('project', projectKey, '.gpkg');
      }
      writeAtomic(join(store.documentsDir, name), bytes);
      const old = setProjectFile(db, projectKey, w.kind, name, w.url);
      if (old) rmSync(join(store.documentsDir, old), { force: true });
    } catch (err) {
      if (fatal(err)) throw err;
      problems.push({
        kind: 'download',
        what: w.kind === 'illustration' ? 'illustration' : 'geopackage',
        name: projectKey,
        error: reportedError(err),
      });
    }
  }
  problems.push(...(await refreshSeriesImages(store, client, projectKey, due, signal)));
  markProjectFilesChecked(db, projectKey, new Date(now).toISOString());
  applyLayerGeometries(store, projectKey);
  return problems;
}

/** Points are entered by the user; polygons and lines are shared objects the user picks. */
function seriesGeometry(layer: LayerGeometry | undefined): SeriesGeometry | null {
  if (layer === 'point') return 'point';
  if (layer === 'polygon' || layer === 'line') return 'object';
  return null;
}

export function applyLayerGeometries(store: AccountStore, projectKey: string): void {
  const file = projectFiles(store.db, projectKey)?.geopackageFile ?? null;
  const layers = file ? readLayerGeometries(join(store.documentsDir, file)) : new Map<string, LayerGeometry>();
  setSeriesGeometry(store.db, projectKey, (code) => seriesGeometry(layers.get(code.toLowerCase())));
}

async function refreshSeriesImages(
  store: AccountStore,
  client: ServerClient,
  projectKey: string,
  due: boolean,
  signal?: AbortSignal,
): Promise<SyncProblem[]> {
  const problems: SyncProblem[] = [];
  for (const kind of ['preview', 'icon'] as SeriesImageKind[]) {
    for (const img of seriesImages(store.db, projectKey, kind)) {
      if (!img.url) {
        const old = setSeriesImageFile(store.db, img.code, kind, null);
        if (old) rmSync(join(store.documentsDir, old), { force: true });
        continue;
      }
      if (!due && img.file && existsSync(join(store.documentsDir, img.file))) continue;
      try {
        const { bytes } = await client.download(img.url, signal);
        const type = sniffImage(bytes);
        if (!type) throw new AppError('bad_server', 'the server sent something that is not an image');
        const name = fileName(`series-${kind}`, img.code, type.ext);
        writeAtomic(join(store.documentsDir, name), bytes);
        const old = setSeriesImageFile(store.db, img.code, kind, name);
        if (old) rmSync(join(store.documentsDir, old), { force: true });
      } catch (err) {
        if (fatal(err)) throw err;
        problems.push({ kind: 'download', what: kind, name: img.code, error: reportedError(err) });
      }
    }
  }
  return problems;
}

function asContent(path: string): MediaContent | null {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  const type = sniffImage(bytes);
  if (!type) return null;
  return { mimeType: type.mime, dataUrl: `data:${type.mime};base64,${bytes.toString('base64')}`, local: false };
}

export function projectIllustration(store: AccountStore, projectKey: string): MediaContent | null {
  const file = projectFiles(store.db, projectKey)?.illustrationFile ?? null;
  return file ? asContent(join(store.documentsDir, file)) : null;
}

export function seriesImagesOf(store: AccountStore, code: string): SeriesImages {
  getIndicatorDef(store.db, code);
  const of = (kind: SeriesImageKind) => {
    const file = seriesImageFile(store.db, code, kind);
    return file ? asContent(join(store.documentsDir, file)) : null;
  };
  return { preview: of('preview'), icon: of('icon') };
}

/** The shared objects of a series' layer, from its project's GeoPackage (empty without one). */
export function seriesObjects(store: AccountStore, code: string): SpatialObjectSummary[] {
  const def = getIndicatorDef(store.db, code);
  const project = def.series?.projectKey ?? projectOfIndicator(store.db, code);
  const file = project ? (projectFiles(store.db, project)?.geopackageFile ?? null) : null;
  if (!file || !def.layerCode) return [];
  return readLayerObjects(join(store.documentsDir, file), def.layerCode);
}
