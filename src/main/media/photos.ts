/**
 * Photos. An attached image is copied into the account's media folder (never referenced where
 * the user picked it) and marked for upload; the upload waits until the observation exists on
 * the server, and is retried like any push. Other devices' media are downloaded on demand.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_TYPES, sniffImage } from '../../shared/images';
import {
  LIZMAP_MEDIA_TYPES,
  MAX_MEDIA_BYTES,
  type MediaContent,
  type ObservationDetail,
  type ServerKind,
} from '../../shared/ipc';
import { AppError } from '../errors';
import type { ServerClient } from '../remote/types';
import type { AccountStore } from '../store/account';
import {
  clearMediaFile,
  requireObservation,
  setMediaCache,
  setMediaFile,
  toDetail,
  type ObsRecord,
} from '../store/observations';

function writeAtomic(path: string, bytes: Buffer): void {
  writeFileSync(`${path}.part`, bytes);
  renameSync(`${path}.part`, path);
}

/** A Lizmap server's upload form takes at most 10,000,000 bytes (its "10 Mo"). */
const LIZMAP_MAX_BYTES = 10_000_000;

/** Copies the image into the account's media folder and marks it for upload. */
export function attachMedia(
  store: AccountStore,
  uuid: string,
  dataBase64: string,
  kind: ServerKind | null = 'gobs-sync',
): ObservationDetail {
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.length === 0) throw new AppError('invalid_argument', 'The image is empty.', 'dataBase64');
  if (bytes.length > MAX_MEDIA_BYTES)
    throw new AppError('invalid_argument', 'The image is larger than 10 MB.', 'dataBase64');
  const type = sniffImage(bytes);
  if (!type)
    throw new AppError('invalid_argument', 'Only JPEG, PNG, GIF and WebP images can be attached.', 'dataBase64');
  if (kind === 'lizmap-gobs') {
    // The module's upload form takes these three only: the form converts others before they get here.
    if (!(LIZMAP_MEDIA_TYPES as readonly string[]).includes(type.mime)) {
      throw new AppError('invalid_argument', 'This server accepts only JPEG, PNG and GIF images.', 'dataBase64');
    }
    if (bytes.length > LIZMAP_MAX_BYTES) {
      throw new AppError('invalid_argument', 'This server accepts images of at most 10,000,000 bytes.', 'dataBase64');
    }
  }
  const r = requireObservation(store.db, uuid);
  if (r.state === 'deleted') throw new AppError('conflict', 'This observation is deleted: undo the deletion first.');
  const name = `${uuid}-${randomBytes(4).toString('hex')}${type.ext}`;
  writeAtomic(join(store.mediaDir, name), bytes);
  const old = setMediaFile(store.db, uuid, name);
  if (old) rmSync(join(store.mediaDir, old), { force: true });
  return toDetail(requireObservation(store.db, uuid));
}

export function removeMedia(store: AccountStore, uuid: string): ObservationDetail {
  removeMediaFiles(store.mediaDir, clearMediaFile(store.db, uuid));
  return toDetail(requireObservation(store.db, uuid));
}

function asContent(path: string, local: boolean): MediaContent {
  const bytes = readFileSync(path);
  const type = sniffImage(bytes);
  const mime = type?.mime ?? 'application/octet-stream';
  return { mimeType: mime, dataUrl: `data:${mime};base64,${bytes.toString('base64')}`, local };
}

/** The photo: attached here, cached, or downloaded from the server (which needs a session). */
export async function getMedia(
  store: AccountStore,
  client: () => ServerClient,
  uuid: string,
): Promise<MediaContent | null> {
  const r = requireObservation(store.db, uuid);
  if (r.media_pending === 'delete') return null;
  if (r.media_file && existsSync(join(store.mediaDir, r.media_file)))
    return asContent(join(store.mediaDir, r.media_file), r.media_pending === 'upload');
  if (!r.media_url) return null;
  if (r.media_cache && existsSync(join(store.mediaDir, r.media_cache)))
    return asContent(join(store.mediaDir, r.media_cache), false);
  const { bytes } = await client().download(r.media_url);
  const type = sniffImage(bytes);
  if (!type) throw new AppError('bad_server', 'The server sent a photo in an unknown format.');
  const name = `cache-${uuid}${type.ext}`;
  // An older download of another type would linger under its own extension.
  for (const t of IMAGE_TYPES)
    if (t.ext !== type.ext) rmSync(join(store.mediaDir, `cache-${uuid}${t.ext}`), { force: true });
  writeAtomic(join(store.mediaDir, name), bytes);
  setMediaCache(store.db, uuid, name, r.media_url);
  return asContent(join(store.mediaDir, name), false);
}

/** The files of a row that is gone (or whose photo is): the attached one and the downloaded copy. */
export function removeMediaFiles(mediaDir: string, r: Pick<ObsRecord, 'media_file' | 'media_cache'>): void {
  for (const f of [r.media_file, r.media_cache]) if (f) rmSync(join(mediaDir, f), { force: true });
}
