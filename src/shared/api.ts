/**
 * Wire types of the sync API (HTTP bodies), as zod schemas. The server validates what it
 * receives with them and the desktop validates what the server sends; types are derived.
 */
import { z } from 'zod';
import { TIMESTAMP_PATTERN } from './timestamp';
import { UUID_PATTERN, UUID_PROBLEM } from './uuid';

export { TIMESTAMP_PATTERN, UUID_PATTERN };

export const ApiResponse = z.object({
  code: z.union([z.literal(0), z.literal(1)]),
  type: z.enum(['error', 'success']),
  message: z.string(),
});
export type ApiResponse = z.infer<typeof ApiResponse>;

export const LoginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const LoginResult = z.object({ token: z.string().min(16) });
export type LoginResult = z.infer<typeof LoginResult>;

/** Longitude/latitude bounds (EPSG:4326) a project's map opens on. */
export const ProjectExtent = z.object({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() });
export type ProjectExtent = z.infer<typeof ProjectExtent>;

export const Project = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  media_url: z.string().nullable(),
  // Optional: servers before these fields omit them.
  /** The project's layers as one GeoPackage, for the offline map; null when it has none. */
  geopackage_url: z.string().nullable().optional(),
  extent: ProjectExtent.nullable().optional(),
});
export type Project = z.infer<typeof Project>;

/** The media type of a GeoPackage (OGC 12-128r18 and IANA). */
export const GEOPACKAGE_MIME = 'application/geopackage+sqlite3';

export const SESSION_COOKIE = 'gobs_session';
export const DEVICE_HEADER = 'deviceId';

// ---------------------------------------------------------------------------------------------
// Sync API. docs/api/openapi.yaml documents these shapes; docs/PROTOCOL.md the protocol.

/** Header names of the device sync protocol (HTTP header names are case-insensitive). */
export const SYNC_TOKEN_HEADER = 'X-Gobs-Sync-Token';
export const ACK_HEADER = 'X-Gobs-Ack';
export const REMAINING_HEADER = 'X-Gobs-Remaining';
/**
 * A UUID the device mints for each write request (push, update, delete, media) and keeps until it
 * knows the outcome; the server records it with the version it created. It lets a device whose
 * answer was lost recognise its own write (docs/DESKTOP-SYNC.md, "Lost answers").
 */
export const WRITE_ID_HEADER = 'X-Gobs-Write-Id';

/** Pull page size: default and maximum of the `limit` query parameter. */
export const PULL_DEFAULT_LIMIT = 1000;
export const PULL_MAX_LIMIT = 5000;
/** Items per push (POST /observation/observations). */
export const PUSH_MAX_ITEMS = 1000;
/** Largest media file accepted by uploadMedia (bigger → 413). */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

/** Any 8-4-4-4-12 hex form, as in the founding design's examples (uuid.ts). */
export const Uuid = z.string().regex(UUID_PATTERN, UUID_PROBLEM);

export const DimensionType = z.enum(['integer', 'real', 'boolean', 'string']);
export type DimensionType = z.infer<typeof DimensionType>;
export const DateFormat = z.enum(['second', 'minute', 'hour', 'day', 'month', 'year']);
export type DateFormat = z.infer<typeof DateFormat>;
export const DocumentType = z.enum(['preview', 'image', 'video', 'document', 'other']);
export type DocumentType = z.infer<typeof DocumentType>;
export const Role = z.enum(['reader', 'writer', 'admin']);
export type Role = z.infer<typeof Role>;

/** One dimension of an indicator ("IndicatorValue" in the 2020 API). */
export const Dimension = z.object({
  code: z.string(),
  name: z.string(),
  type: DimensionType,
  unit: z.string().nullable(),
});
export type Dimension = z.infer<typeof Dimension>;

/** ISO 8601 UTC instant, e.g. 2026-11-26T08:30:00.000Z (server bookkeeping times). */
export const Instant = z.string();

export const IndicatorDocument = z.object({
  id: z.number().int(),
  uuid: z.string(),
  indicator: z.string(), // indicator code
  label: z.string(),
  description: z.string().nullable(),
  type: DocumentType,
  /** Absolute URL on the sync server returning the file (same authentication). */
  url: z.string(),
  mime_type: z.string(),
  size: z.number().int(),
  created_at: Instant,
  updated_at: Instant,
});
export type IndicatorDocument = z.infer<typeof IndicatorDocument>;

export const Indicator = z.object({
  id: z.number().int(),
  code: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  date_format: DateFormat,
  values: z.array(Dimension),
  documents: z.array(IndicatorDocument),
  created_at: Instant,
  updated_at: Instant,
});
export type Indicator = z.infer<typeof Indicator>;

export const ObservationValue = z.object({
  name: z.string(), // dimension code
  type: DimensionType,
  value: z.union([z.number(), z.boolean(), z.string()]),
});
export type ObservationValue = z.infer<typeof ObservationValue>;

export const Observation = z.object({
  id: z.number().int(),
  uuid: z.string(),
  indicator: z.string(),
  import: z.number().int(),
  timestamp: z.string().regex(TIMESTAMP_PATTERN),
  x: z.number(),
  y: z.number(),
  wkt: z.string(),
  values: z.array(ObservationValue),
  media_url: z.string().nullable(),
  author: z.string().nullable(),
  created_at: Instant,
  updated_at: Instant,
  /** The write id that produced this version (null: written without one); only in single-observation answers. */
  write_id: z.string().nullable().optional(),
});
export type Observation = z.infer<typeof Observation>;

/**
 * What a device sends to create an observation. Server-owned fields (id, import, author, media_url,
 * created_at, updated_at) are ignored if present. The content rules (timestamp at the indicator's
 * precision, values per dimension type, wkt and x/y) are those of observation.ts.
 */
export const NewObservation = z.object({
  uuid: Uuid,
  indicator: z.string().min(1).max(100),
  // Sizes of timestamp and wkt, like their content, are the rule's: it names the field.
  timestamp: z.string(),
  x: z.number().optional(),
  y: z.number().optional(),
  wkt: z.string().nullable().optional(),
  values: z.array(
    z.object({
      name: z.string().max(100),
      type: DimensionType.optional(),
      // Lengths and types are the observation rule's, which names the field values.<code>.
      value: z.union([z.number(), z.boolean(), z.string()]),
    }),
  ),
});
export type NewObservation = z.infer<typeof NewObservation>;

/** PUT /observation/observations: the edited observation plus the import the edit started from. */
export const ObservationUpdate = NewObservation.extend({ import: z.number().int().positive() });
export type ObservationUpdate = z.infer<typeof ObservationUpdate>;

/** One rejected item of a push or update (`index` is its position in the request body). */
export const ApiErrorItem = z.object({
  index: z.number().int(),
  uuid: z.string().nullable(),
  field: z.string(),
  message: z.string(),
});
export type ApiErrorItem = z.infer<typeof ApiErrorItem>;

export const ApiErrorResponse = ApiResponse.extend({ errors: z.array(ApiErrorItem).optional() });
export type ApiErrorResponse = z.infer<typeof ApiErrorResponse>;

/** 409 of an update or delete whose base import is stale: carries the server's current version. */
export const ConflictResponse = ApiResponse.extend({
  observation: Observation.optional(),
  uuid: z.string().optional(),
});
export type ConflictResponse = z.infer<typeof ConflictResponse>;

/** A deleted observation, as a write refused with 404 describes it. */
export const Tombstone = z.object({
  uuid: z.string(),
  /** The write id of the deletion (null: deleted without one). */
  write_id: z.string().nullable(),
  deleted_at: Instant,
});
export type Tombstone = z.infer<typeof Tombstone>;

/** 404 of a write or read of an observation: `deleted` is present when it existed and was deleted. */
export const NotFoundResponse = ApiResponse.extend({ deleted: Tombstone.optional() });
export type NotFoundResponse = z.infer<typeof NotFoundResponse>;

/** POST /observation/writeStatus: which of these write ids (the caller's own) were committed. */
export const WriteStatusRequest = z.object({ write_ids: z.array(Uuid).min(1).max(1000) });
export type WriteStatusRequest = z.infer<typeof WriteStatusRequest>;
export const WriteStatusResponse = z.object({ committed: z.array(z.string()) });
export type WriteStatusResponse = z.infer<typeof WriteStatusResponse>;

/** Success of uploadMedia/deleteMedia: the observation at its new import. */
export const MediaResponse = ApiResponse.extend({ observation: Observation });
export type MediaResponse = z.infer<typeof MediaResponse>;

/** GET /indicator/{code}/deletedObservations: uuids of deleted observations. */
export const DeletedObservations = z.array(z.string());
export type DeletedObservations = z.infer<typeof DeletedObservations>;
