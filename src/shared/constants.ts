/**
 * Plain constants of the IPC contract, free of zod so the renderer can import them without
 * pulling the schemas into its bundle. ipc.ts re-exports them.
 */
export const DATE_FORMATS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/**
 * Our server's four types, plus the three a Lizmap G-Obs server also has: `text` (as `string`),
 * `date` ('YYYY-MM-DD') and `timestamp` ('YYYY-MM-DD HH:MM:SS'), both wall-clock texts.
 */
export const DIMENSION_TYPES = ['integer', 'real', 'boolean', 'string', 'text', 'date', 'timestamp'] as const;
export type DimensionType = (typeof DIMENSION_TYPES)[number];

/** Dimension types whose values are texts (sorted and filtered as text). */
export const TEXT_DIMENSION_TYPES: readonly DimensionType[] = ['string', 'text', 'date', 'timestamp'];

/**
 * The kinds of server the desktop speaks to: our sync server (device-aware protocol), or Lizmap
 * with the G-Obs module (its API 0.9: time windows, no device tracking).
 */
export const SERVER_KINDS = ['gobs-sync', 'lizmap-gobs'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** Images a Lizmap G-Obs server accepts as observation media (others are converted or refused). */
export const LIZMAP_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif'] as const;

/** Why an observation cannot be edited on the server (Lizmap tells it per observation). */
export const NOT_EDITABLE_REASONS = ['author', 'window', 'area', 'server'] as const;
export type NotEditableReason = (typeof NOT_EDITABLE_REASONS)[number];

/** How the observations of a series are placed: a point entered by the user, or a picked shared object. */
export type SeriesGeometry = 'point' | 'object';

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
