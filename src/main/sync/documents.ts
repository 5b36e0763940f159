/**
 * Document files: downloaded into the account's cache folder (re-downloaded only when the
 * server's version changed), and opened from there, so they open offline too. Only files this
 * module wrote are ever handed to the OS.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { TRANSFER_TIMEOUT_MS } from './media';
import { getDocument, setDocumentCache, type CachedFile } from '../store/indicators';

const SAFE_EXT = /^\.[a-z0-9]{1,8}$/i;

// The OS picks the program from the extension, so the cached copy gets the one its type calls for.
const EXT_BY_MIME: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'application/zip': '.zip',
  'video/mp4': '.mp4',
  'text/csv': '.csv',
  'text/markdown': '.md',
  'text/plain': '.txt',
};

function cacheName(uuid: string, url: string, label: string, contentType: string | undefined): string {
  let ext = EXT_BY_MIME[(contentType ?? '').split(';')[0]!.trim().toLowerCase()] ?? '';
  if (ext) return `${uuid.replace(/[^A-Za-z0-9-]/g, '_')}${ext}`;
  try {
    ext = extname(new URL(url).pathname);
  } catch {
    // not a URL we can read an extension from
  }
  if (!SAFE_EXT.test(ext)) ext = extname(label);
  if (!SAFE_EXT.test(ext)) ext = '';
  return `${uuid.replace(/[^A-Za-z0-9-]/g, '_')}${ext.toLowerCase()}`;
}

export async function downloadDocument(ctx: MainContext, uuid: string, signal?: AbortSignal): Promise<string> {
  const store = ctx.requireStore();
  const doc = getDocument(store.db, uuid);
  if (!doc) throw new AppError('not_found', 'This document is no longer listed for the indicator.', 'uuid');
  if (doc.cached_file && existsSync(join(store.documentsDir, doc.cached_file)))
    return join(store.documentsDir, doc.cached_file);
  const res = await ctx
    .http()
    .raw('get', doc.url, { responseType: 'arraybuffer', signal, timeoutMs: TRANSFER_TIMEOUT_MS });
  const name = cacheName(doc.uuid, doc.url, doc.label, res.headers['content-type'] as string | undefined);
  const target = join(store.documentsDir, name);
  // Write then rename: a crash never leaves a half file that looks cached.
  writeFileSync(`${target}.part`, Buffer.from(res.data as ArrayBuffer));
  renameSync(`${target}.part`, target);
  setDocumentCache(store.db, doc.uuid, name, doc.updated_at);
  return target;
}

export async function openDocument(ctx: MainContext, uuid: string): Promise<void> {
  let path: string;
  try {
    path = await downloadDocument(ctx, uuid);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'offline' || err.code === 'unauthorized')) {
      throw new AppError('offline', 'This document has not been downloaded yet and the server cannot be reached.');
    }
    throw err;
  }
  await ctx.options.openPath(path);
}

export function removeCachedFiles(ctx: MainContext, files: readonly CachedFile[]): void {
  const dir = ctx.requireStore().documentsDir;
  for (const f of files) rmSync(join(dir, f.file), { force: true });
}
