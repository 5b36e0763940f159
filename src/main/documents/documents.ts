/**
 * Document files: downloaded into the account's cache folder (re-downloaded only when the
 * server's version changed), and opened from there, so they open offline too. What a document is
 * comes from its bytes and declared type (doctype.ts), never from its label or URL: only contents
 * on the viewer allow-list are handed to the OS, the rest can only be saved through a save dialog.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { DocumentSaveResult } from '../../shared/ipc';
import { AppError } from '../errors';
import { externalLinkAllowed } from '../platform/links';
import type { ServerClient } from '../remote/types';
import type { AccountStore } from '../store/account';
import {
  getDocument,
  LINK_DOCUMENT_TYPE,
  setDocumentCache,
  type CachedFile,
  type DocumentRecord,
} from '../store/indicators';
import { classifyDocument, mediaType, type DocumentVerdict } from './doctype';

/** What opening or saving a document needs: the account, its server (when reachable) and the OS. */
export interface DocumentDeps {
  store: AccountStore;
  /** The server client; throws when there is no session. */
  client(): ServerClient;
  openPath(path: string): Promise<void>;
  saveAs(defaultName: string, sourcePath: string): Promise<string | null>;
  /** Opens a web page in the browser (documents of type 'url'). */
  openExternal?(url: string): Promise<void>;
}

async function openLink(deps: DocumentDeps, doc: DocumentRecord): Promise<void> {
  if (!externalLinkAllowed(doc.url, deps.store.ref.serverUrl) || !deps.openExternal) {
    throw new AppError(
      'forbidden',
      `"${doc.label}" links to ${doc.url}: G-Obs opens only secure (https) links, or links to the server itself.`,
      'uuid',
    );
  }
  await deps.openExternal(new URL(doc.url).href);
}

export interface CachedDocument {
  path: string;
  record: DocumentRecord;
  /** The verdict on the bytes: of the download, or of the cached file when `verifyCached`. */
  verdict: DocumentVerdict | null;
}

function cacheName(uuid: string, verdict: DocumentVerdict): string {
  return `${uuid.replace(/[^A-Za-z0-9-]/g, '_')}${verdict.ext}`;
}

/**
 * Downloads a document unless a classified copy is cached. `verifyCached` classifies a cached copy
 * again (before handing it to the OS); a sync skips that, so it never re-reads every cached file.
 */
export async function downloadDocument(
  store: AccountStore,
  client: ServerClient | (() => ServerClient),
  uuid: string,
  signal?: AbortSignal,
  verifyCached = false,
): Promise<CachedDocument> {
  const doc = getDocument(store.db, uuid);
  if (!doc) throw new AppError('not_found', 'This document is no longer listed for the indicator.', 'uuid');
  if (
    doc.cached_file &&
    doc.cached_kind &&
    doc.cached_action &&
    existsSync(join(store.documentsDir, doc.cached_file))
  ) {
    const path = join(store.documentsDir, doc.cached_file);
    return { path, record: doc, verdict: verifyCached ? verify(path, doc) : null };
  }
  const { bytes, contentType } = await (typeof client === 'function' ? client() : client).download(doc.url, signal);
  const declaredType = mediaType(contentType);
  const verdict = classifyDocument(bytes, declaredType);
  const name = cacheName(doc.uuid, verdict);
  const target = join(store.documentsDir, name);
  // Write then rename: a crash never leaves a half file that looks cached.
  writeFileSync(`${target}.part`, bytes);
  renameSync(`${target}.part`, target);
  // A copy cached under another name (an older verdict, or one named after the label) goes.
  if (doc.cached_file && doc.cached_file !== name) rmSync(join(store.documentsDir, doc.cached_file), { force: true });
  setDocumentCache(store.db, doc.uuid, {
    file: name,
    version: doc.updated_at,
    kind: verdict.kind,
    action: verdict.action,
    declaredType,
    typeMismatch: verdict.typeMismatch,
  });
  const record = getDocument(store.db, uuid)!;
  return { path: target, record, verdict };
}

/**
 * The verdict on the bytes about to be handed over, not the one stored at download: the file on
 * disk is what the OS will run a program on. A copy that no longer matches its name is refused.
 */
function verify(path: string, doc: DocumentRecord): DocumentVerdict {
  const verdict = classifyDocument(readFileSync(path), doc.cached_type);
  if (verdict.action !== doc.cached_action || extname(path) !== verdict.ext) {
    return { ...verdict, action: 'save', ext: extname(path) };
  }
  return verdict;
}

async function cachedCopy(deps: DocumentDeps, uuid: string): Promise<CachedDocument & { verdict: DocumentVerdict }> {
  try {
    const doc = await downloadDocument(deps.store, () => deps.client(), uuid, undefined, true);
    return doc as CachedDocument & { verdict: DocumentVerdict };
  } catch (err) {
    if (err instanceof AppError && (err.code === 'offline' || err.code === 'unauthorized')) {
      throw new AppError('offline', 'This document has not been downloaded yet and the server cannot be reached.');
    }
    throw err;
  }
}

export async function openDocument(deps: DocumentDeps, uuid: string): Promise<void> {
  const doc = getDocument(deps.store.db, uuid);
  if (doc?.type === LINK_DOCUMENT_TYPE) return openLink(deps, doc);
  const cached = await cachedCopy(deps, uuid);
  if (cached.verdict.action !== 'open') {
    throw new AppError(
      'forbidden',
      `"${cached.record.label}" is not a document type G-Obs opens (it could run a program on this computer). ` +
        'Save it instead, and open it only if you trust where it comes from.',
      'uuid',
    );
  }
  await deps.openPath(cached.path);
}

export async function saveDocument(deps: DocumentDeps, uuid: string): Promise<DocumentSaveResult> {
  if (getDocument(deps.store.db, uuid)?.type === LINK_DOCUMENT_TYPE) {
    throw new AppError('invalid_argument', 'This document is a link to a web page: open it in the browser.', 'uuid');
  }
  const cached = await cachedCopy(deps, uuid);
  const savedTo = await deps.saveAs(suggestedFileName(cached.record.label, cached.verdict), cached.path);
  return { savedTo };
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * The name offered in the save dialog: the label made a valid file name on every OS. A viewable
 * document gets the extension of what it is; anything else keeps the label as is, since the user
 * is saving it knowingly (and the dialog lets them change it).
 */
export function suggestedFileName(label: string, verdict: Pick<DocumentVerdict, 'action' | 'ext'>): string {
  let name = [...label]
    .map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' || '\\/:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 200);
  if (!name) name = 'document';
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (verdict.action === 'open' && extname(name).toLowerCase() !== verdict.ext) {
    const ext = extname(name);
    if (ext && /^\.[a-z0-9]{1,8}$/i.test(ext)) name = name.slice(0, -ext.length);
    name += verdict.ext;
  }
  return name;
}

export function removeCachedFiles(store: AccountStore, files: readonly CachedFile[]): void {
  for (const f of files) rmSync(join(store.documentsDir, f.file), { force: true });
}
