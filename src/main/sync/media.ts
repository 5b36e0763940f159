/**
 * Photos. An attached image is copied into the account's media folder (never referenced where
 * the user picked it) and marked for upload; the upload waits until the observation exists on
 * the server, and is retried like any push. Other devices' media are downloaded on demand.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MEDIA_BYTES, type MediaContent, type ObservationDetail } from '../../shared/ipc';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { requireObservation, toDetail, type ObsRecord } from '../store/observations';

/** File transfers (photos, documents) may take minutes on field connections. */
export const TRANSFER_TIMEOUT_MS = 5 * 60_000;

const IMAGE_TYPES: { mime: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { mime: 'image/jpeg', ext: '.jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mime: 'image/png',
    ext: '.png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mime: 'image/gif', ext: '.gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    mime: 'image/webp',
    ext: '.webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export function sniffImage(bytes: Buffer): { mime: string; ext: string } | null {
  return IMAGE_TYPES.find((t) => t.test(bytes)) ?? null;
}

function writeAtomic(path: string, bytes: Buffer): void {
  writeFileSync(`${path}.part`, bytes);
  renameSync(`${path}.part`, path);
}

export function attachMedia(ctx: MainContext, uuid: string, dataBase64: string): ObservationDetail {
  const store = ctx.requireStore();
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.length === 0) throw new AppError('invalid_argument', 'The image is empty.', 'dataBase64');
  if (bytes.length > MAX_MEDIA_BYTES)
    throw new AppError('invalid_argument', 'The image is larger than 10 MB.', 'dataBase64');
  const type = sniffImage(bytes);
  if (!type)
    throw new AppError('invalid_argument', 'Only JPEG, PNG, GIF and WebP images can be attached.', 'dataBase64');
  const r = requireObservation(store.db, uuid);
  if (r.state === 'deleted') throw new AppError('conflict', 'This observation is deleted: undo the deletion first.');
  const name = `${uuid}-${randomBytes(4).toString('hex')}${type.ext}`;
  writeAtomic(join(store.mediaDir, name), bytes);
  const old = store.db.transaction(() => {
    const cur = requireObservation(store.db, uuid);
    store.db.prepare("UPDATE observation SET media_file = ?, media_pending = 'upload' WHERE uuid = ?").run(name, uuid);
    return cur.media_file;
  })();
  if (old) rmSync(join(store.mediaDir, old), { force: true });
  ctx.emit('observations.changed', { indicatorCodes: [r.indicator_code] });
  return toDetail(requireObservation(store.db, uuid));
}

export function removeMedia(ctx: MainContext, uuid: string): ObservationDetail {
  const store = ctx.requireStore();
  const old = store.db.transaction(() => {
    const r = requireObservation(store.db, uuid);
    // Never uploaded: forgetting the local file is enough. Otherwise the server's copy goes too.
    const pending = r.media_url ? 'delete' : null;
    store.db.prepare('UPDATE observation SET media_file = NULL, media_pending = ? WHERE uuid = ?').run(pending, uuid);
    return r;
  })();
  for (const f of [old.media_file, old.media_cache]) if (f) rmSync(join(store.mediaDir, f), { force: true });
  store.db.prepare('UPDATE observation SET media_cache = NULL WHERE uuid = ?').run(uuid);
  ctx.emit('observations.changed', { indicatorCodes: [old.indicator_code] });
  return toDetail(requireObservation(store.db, uuid));
}

function asContent(path: string, local: boolean): MediaContent {
  const bytes = readFileSync(path);
  const type = sniffImage(bytes);
  const mime = type?.mime ?? 'application/octet-stream';
  return { mimeType: mime, dataUrl: `data:${mime};base64,${bytes.toString('base64')}`, local };
}

export async function getMedia(ctx: MainContext, uuid: string): Promise<MediaContent | null> {
  const store = ctx.requireStore();
  const r = requireObservation(store.db, uuid);
  if (r.media_pending === 'delete') return null;
  if (r.media_file && existsSync(join(store.mediaDir, r.media_file)))
    return asContent(join(store.mediaDir, r.media_file), r.media_pending === 'upload');
  if (!r.media_url) return null;
  if (r.media_cache && existsSync(join(store.mediaDir, r.media_cache)))
    return asContent(join(store.mediaDir, r.media_cache), false);
  const res = await ctx.http().raw('get', r.media_url, { responseType: 'arraybuffer', timeoutMs: TRANSFER_TIMEOUT_MS });
  const bytes = Buffer.from(res.data as ArrayBuffer);
  const type = sniffImage(bytes);
  if (!type) throw new AppError('bad_server', 'The server sent a photo in an unknown format.');
  const name = `cache-${uuid}${type.ext}`;
  // An older download of another type would linger under its own extension.
  for (const t of IMAGE_TYPES)
    if (t.ext !== type.ext) rmSync(join(store.mediaDir, `cache-${uuid}${t.ext}`), { force: true });
  writeAtomic(join(store.mediaDir, name), bytes);
  store.db
    .prepare('UPDATE observation SET media_cache = ? WHERE uuid = ? AND media_url IS ?')
    .run(name, uuid, r.media_url);
  return asContent(join(store.mediaDir, name), false);
}

export function removeMediaFiles(ctx: MainContext, r: ObsRecord): void {
  const dir = ctx.requireStore().mediaDir;
  for (const f of [r.media_file, r.media_cache]) if (f) rmSync(join(dir, f), { force: true });
}
