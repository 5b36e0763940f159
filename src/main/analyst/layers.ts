/**
 * A project's reference layers: the GeoPackage the server offers for it (Lizmap's geopackage_url,
 * our server's per-project GeoPackage), downloaded for offline use with the project's files
 * (documents/projectFiles.ts), read into GeoJSON for the map.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectLayers } from '../../shared/ipc';
import type { BBox } from '../../shared/geometry';
import { AppError } from '../errors';
import type { AccountStore } from '../store/account';
import { projectFiles } from '../store/projects';
import { geoPackageExtent, GeoPackageError, readGeoPackageLayers, type ReadLimits } from '../geopackage/reader';

/** The downloaded copy of a project's GeoPackage; null when the server offers none or it is not here yet. */
export function projectGeoPackageFile(store: AccountStore, projectKey: string): string | null {
  const name = projectFiles(store.db, projectKey)?.geopackageFile ?? null;
  const file = name ? join(store.documentsDir, name) : null;
  return file && existsSync(file) ? file : null;
}

export function projectLayers(file: string | null, limits?: ReadLimits): ProjectLayers {
  if (!file) return { file: null, layers: [] };
  try {
    return { file, layers: readGeoPackageLayers(file, limits) };
  } catch (err) {
    if (err instanceof GeoPackageError) {
      throw new AppError('invalid_argument', `The project's GeoPackage cannot be read: ${err.message}`, 'projectKey');
    }
    throw err;
  }
}

/** Extent of the layers, from the GeoPackage's own metadata (no feature is read); null without one. */
export function projectLayersExtent(file: string | null): BBox | null {
  if (!file) return null;
  try {
    return geoPackageExtent(file);
  } catch {
    return null;
  }
}
