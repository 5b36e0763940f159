/**
 * A project's reference layers: the GeoPackage the server offers for it (Lizmap's geopackage_url,
 * our server's per-project GeoPackage), cached in the account's folder as
 * `geopackages/<project key>.gpkg`, read into GeoJSON for the map.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectLayers } from '../../shared/ipc';
import type { BBox } from '../../shared/geometry';
import { AppError } from '../errors';
import { geoPackageExtent, GeoPackageError, readGeoPackageLayers, type ReadLimits } from '../geopackage/reader';

/** Where a project's GeoPackage is cached (the download will write it there). */
export function projectGeoPackagePath(accountDir: string, projectKey: string): string {
  const plain = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}$/.test(projectKey);
  const name = plain
    ? projectKey
    : `${projectKey.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${createHash('sha256').update(projectKey).digest('hex').slice(0, 12)}`;
  return join(accountDir, 'geopackages', `${name}.gpkg`);
}

export function projectLayers(accountDir: string, projectKey: string, limits?: ReadLimits): ProjectLayers {
  const file = projectGeoPackagePath(accountDir, projectKey);
  if (!existsSync(file)) return { file: null, layers: [] };
  try {
    return { file, layers: readGeoPackageLayers(file, limits) };
  } catch (err) {
    if (err instanceof GeoPackageError) {
      throw new AppError('invalid_argument', `The project's GeoPackage cannot be read: ${err.message}`, 'projectKey');
    }
    throw err;
  }
}

/** Extent of the cached layers, from the GeoPackage's own metadata (no feature is read); null without one. */
export function projectLayersExtent(accountDir: string, projectKey: string): BBox | null {
  const file = projectGeoPackagePath(accountDir, projectKey);
  if (!existsSync(file)) return null;
  try {
    return geoPackageExtent(file);
  } catch {
    return null;
  }
}
