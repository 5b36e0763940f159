/**
 * Plain constants of the IPC contract, free of zod so the renderer can import them without
 * pulling the schemas into its bundle. ipc.ts re-exports them.
 */
export const DATE_FORMATS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DIMENSION_TYPES = ['integer', 'real', 'boolean', 'string'] as const;
export type DimensionType = (typeof DIMENSION_TYPES)[number];

/**
 * `local` created here, never accepted by the server; `modified` edited here since the version it
 * is based on; `deleted` deleted here, not yet confirmed; `conflict` the server changed it too (its
 * version is kept beside ours); `rejected` the server refused it (its message is kept).
 */
export const SYNC_STATES = ['local', 'modified', 'deleted', 'synced', 'conflict', 'rejected'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const SYNC_PHASES = [
  'projects',
  'indicators',
  'documents',
  'push-creations',
  'push-updates',
  'push-deletions',
  'media',
  'pull',
  'pull-deletions',
] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

export const BASE_SORT_COLUMNS = ['timestamp', 'x', 'y', 'author', 'state', 'createdAt', 'updatedAt'] as const;

export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** Document contents the system viewer may open (see src/main/documents/doctype.ts for the rules). */
export const VIEWABLE_DOCUMENT_KINDS = [
  'pdf',
  'png',
  'jpeg',
  'gif',
  'webp',
  'text',
  'csv',
  'docx',
  'xlsx',
  'pptx',
  'odt',
  'ods',
  'odp',
] as const;
/** Document contents that can only be saved (with a warning), never opened by the app. */
export const SAVE_ONLY_DOCUMENT_KINDS = [
  'windows-program',
  'linux-program',
  'macos-program',
  'script',
  'shortcut',
  'launcher',
  'web-page',
  'svg',
  'java-archive',
  'android-app',
  'legacy-office',
  'macro-document',
  'archive',
  'unknown',
] as const;
export type DocumentKind = (typeof VIEWABLE_DOCUMENT_KINDS)[number] | (typeof SAVE_ONLY_DOCUMENT_KINDS)[number];
