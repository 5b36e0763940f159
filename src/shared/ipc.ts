/**
 * The IPC contract: every channel between renderer and main, in one place.
 *
 * Each channel has a zod schema for its single argument (validated in main, since the
 * renderer is untrusted) and a phantom result type. Main must supply a handler for every
 * channel (see `Handlers`), preload builds `window.gobs` from this object (see bridge.ts),
 * and the renderer gets the types through `GobsApi`. Adding a channel = adding an entry here;
 * the compiler then points at the missing handler.
 */
import { z } from 'zod';
import {
  BASE_SORT_COLUMNS,
  MAX_MEDIA_BYTES,
  SYNC_STATES,
  type DateFormat,
  type DimensionType,
  type DocumentKind,
  type NotEditableReason,
  type SeriesGeometry,
  type ServerKind,
  type SyncPhase,
  type SyncState,
} from './constants';
import { TIMESTAMP_MAX_LENGTH } from './timestamp';
import { UUID_PATTERN } from './uuid';
import { STRING_VALUE_MAX_LENGTH } from './values';
import { WKT_MAX_LENGTH } from './wkt';
import type { GobsError } from './errors';
import type { BBox, Geometry } from './geometry';
import type { BucketWidth } from './timeBuckets';

export * from './constants';

interface Channel<A extends z.ZodType, R> {
  readonly args: A;
  /** Phantom: never read at run time, only carries the result type. */
  readonly result?: R;
}

function channel<R>() {
  return <A extends z.ZodType>(args: A): Channel<A, R> => ({ args });
}

const none = z.undefined();

// ---- payload schemas and result types -------------------------------------------------

export const LoginArgs = z.object({
  serverUrl: z
    .string()
    .trim()
    .min(1, 'Server URL is required')
    .max(2048)
    .refine((s) => /^https?:\/\/[^\s/]+/i.test(s), 'Server URL must start with http:// or https://'),
  username: z.string().trim().min(1, 'Username is required').max(200),
  password: z.string().min(1, 'Password is required').max(1024),
  /** The user confirmed a plain-http server on another computer (asked once per server). */
  allowInsecure: z.boolean().optional(),
  /**
   * Keep the password in the OS secret store (never in the store file or the settings) to log in
   * again by itself when the server ends the session (a Lizmap token lives one hour).
   */
  rememberPassword: z.boolean().default(false),
});
export type LoginArgs = z.infer<typeof LoginArgs>;

export interface AuthStatus {
  /** API base URL of the account in use, or null before the first login. */
  serverUrl: string | null;
  username: string | null;
  deviceId: string;
  loggedIn: boolean;
  online: boolean;
  /** False when the OS offers no secret store: the session then lives only in memory. */
  sessionPersisted: boolean;
  /** The server refused the session (expired or revoked): log in again; unsynced changes are kept. */
  sessionExpired: boolean;
  /** The server is reached over plain http on another computer: passwords and data travel unencrypted. */
  insecure: boolean;
  /** Which kind of G-Obs server the account is on; null before the first login. */
  serverKind: ServerKind | null;
  /** The password is kept in the OS secret store: an ended session is renewed without asking. */
  passwordRemembered: boolean;
}

export interface ProjectSummary {
  key: string;
  label: string;
  description: string | null;
  mediaUrl: string | null;
  /** ISO time of the last successful refresh/sync from the server, or null. */
  refreshedAt: string | null;
  /** ISO time of the last complete sync of this project, or null. */
  lastSyncAt: string | null;
  /** Local changes not yet accepted by the server (created, modified, deleted, conflict, rejected). */
  pendingChanges: number;
  /** The project's area as the server gives it (longitude/latitude), when it does. */
  extent: { xmin: number; ymin: number; xmax: number; ymax: number } | null;
  /** The project's illustration and GeoPackage are stored on this computer (for offline use). */
  hasIllustration: boolean;
  hasGeopackage: boolean;
}

export interface ProjectsRefreshResult {
  projects: ProjectSummary[];
  online: boolean;
}

export const ForgetArgs = z.object({ force: z.boolean().default(false) }).strict();

// ---- indicators, documents ---------------------------------------------------------------

export interface Dimension {
  code: string;
  name: string;
  type: DimensionType;
  unit: string | null;
}

/**
 * A series: what the device syncs and the user browses (project → series → indicator). For our
 * server each indicator of a project is one series and `code` is the indicator's code; for a
 * Lizmap server `code` is '<indicator code>@<series id>' and `series` says which series it is.
 * (The name stays IndicatorSummary, and arguments `indicatorCode`, so every existing caller keeps working.)
 */
export interface IndicatorSummary {
  code: string;
  /** The indicator's own code on the server (for our server, the same as `code`). */
  serverCode: string;
  /** The Lizmap series behind it (id, protocol, spatial layer); null for our server. */
  series: { id: string; protocolCode: string | null; layerCode: string | null } | null;
  /** Point entered by the user, or a shared object picked from the project's layer; null when unknown. */
  geometry: SeriesGeometry | null;
  hasPreview: boolean;
  hasIcon: boolean;
  label: string;
  description: string | null;
  category: string | null;
  dateFormat: DateFormat;
  dimensions: Dimension[];
  observationCount: number;
  /** Observations with a local change not yet accepted by the server. */
  pendingCount: number;
  conflictCount: number;
  rejectedCount: number;
  documentCount: number;
}

export interface DocumentSummary {
  uuid: string;
  indicatorCode: string;
  label: string;
  description: string | null;
  type: string;
  updatedAt: string | null;
  /** A link to a web page (type 'url'): opened in the browser, never downloaded. */
  link: string | null;
  /** A copy is in the local cache (opens offline). */
  cached: boolean;
  /**
   * What the app does with it, decided from the downloaded bytes and the declared type (never the
   * label): 'open' in the system viewer, or only 'save' through a save dialog, with a warning.
   * Null until downloaded.
   */
  handling: { action: 'open' | 'save'; kind: DocumentKind; typeMismatch: boolean } | null;
}

export interface DocumentSaveResult {
  /** Where the user saved it; null when the save dialog was cancelled. */
  savedTo: string | null;
}

const key = (what: string) => z.string().trim().min(1, `${what} is required`).max(200);
export const ProjectArgs = z.object({ projectKey: key('Project') }).strict();
export const IndicatorArgs = z.object({ indicatorCode: key('Indicator') }).strict();
/** An observation id: any 8-4-4-4-12 hexadecimal form (uuid.ts), handed to main in lower case. */
export const ObservationId = z
  .string()
  .regex(UUID_PATTERN, 'Not a valid observation id')
  .transform((s) => s.toLowerCase());
export const UuidArgs = z.object({ uuid: ObservationId }).strict();
export const DocumentArgs = z.object({ uuid: z.string().min(1).max(200) }).strict();

// ---- observations ------------------------------------------------------------------------

export type DimensionValue = number | boolean | string | null;

export interface ObservationRow {
  uuid: string;
  /** Server id, null until the server accepted it. */
  id: number | null;
  indicatorCode: string;
  /** Server import the local version is based on. */
  import: number | null;
  /** 'YYYY-MM-DD HH:MM:SS' */
  timestamp: string;
  /** When the observation ended (Lizmap), 'YYYY-MM-DD HH:MM:SS'; null when it has no end. */
  endTimestamp: string | null;
  x: number;
  y: number;
  wkt: string | null;
  /** The shared spatial object it is on (unique id in the series' layer), when this device knows it. */
  objectId: string | null;
  values: Record<string, DimensionValue>;
  author: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Whether the server lets this user change it; null when the server does not say. */
  editable: boolean | null;
  /** Why it cannot be changed, when the server said it cannot. */
  notEditable: NotEditableReason | null;
  state: SyncState;
  hasMedia: boolean;
  /** The server's message when rejected. */
  error: string | null;
  errorField: string | null;
}

/** The server's side of a conflict. */
export interface ServerVersion {
  import: number;
  timestamp: string;
  endTimestamp: string | null;
  x: number;
  y: number;
  wkt: string | null;
  values: Record<string, DimensionValue>;
  author: string | null;
  updatedAt: string | null;
  hasMedia: boolean;
}

export interface ObservationDetail extends ObservationRow {
  /** Conflict: the server's current version (null when the server deleted it: see serverDeleted). */
  serverVersion: ServerVersion | null;
  serverDeleted: boolean;
  /** A photo is attached locally or on the server. */
  mediaPending: 'upload' | 'delete' | null;
}

/** A base column, or `value:<dimension code>` to sort by a dimension. */
export const SortColumn = z.union([
  z.enum(BASE_SORT_COLUMNS),
  z.string().regex(/^value:[A-Za-z0-9_.-]{1,100}$/, 'Unknown sort column'),
]);
export type SortColumn = z.infer<typeof SortColumn>;

const timeBound = z
  .string()
  .trim()
  .regex(/^\d{4}(-\d{2}(-\d{2}([ T]\d{2}(:\d{2}(:\d{2})?)?)?)?)?$/, 'Use YYYY-MM-DD HH:MM:SS (or a prefix of it)');

export const ObservationFilter = z
  .object({
    /** Inclusive lower bound of the timestamp (a prefix such as '2024-05' is allowed). */
    from: timeBound.optional(),
    /** Inclusive upper bound of the timestamp (a prefix covers the whole period). */
    to: timeBound.optional(),
    states: z.array(z.enum(SYNC_STATES)).max(SYNC_STATES.length).optional(),
    /** Case-insensitive substring of the timestamp, values, author or uuid. */
    text: z.string().trim().max(200).optional(),
  })
  .strict();
export type ObservationFilter = z.infer<typeof ObservationFilter>;

export const ObservationListArgs = z
  .object({
    indicatorCode: key('Indicator'),
    sort: z
      .object({ column: SortColumn, direction: z.enum(['asc', 'desc']) })
      .strict()
      .default({ column: 'timestamp', direction: 'desc' }),
    filter: ObservationFilter.default({}),
    /** Opaque keyset cursor from the previous page's `nextCursor`; absent for the first page. */
    cursor: z.string().max(2000).nullish(),
    /**
     * Fallback for jumping far (scrollbar drag): skip this many rows. Ignored when `cursor` is given;
     * scrolling should walk pages by cursor, which stays fast however deep it goes.
     */
    offset: z.number().int().min(0).max(100_000_000).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ObservationListArgs = z.input<typeof ObservationListArgs>;

export interface ObservationPage {
  rows: ObservationRow[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const ObservationCountArgs = z
  .object({ indicatorCode: key('Indicator'), filter: ObservationFilter.default({}) })
  .strict();

const dimensionValue = z.union([
  z.number(),
  z.boolean(),
  z.string().max(STRING_VALUE_MAX_LENGTH, `Text values are at most ${STRING_VALUE_MAX_LENGTH} characters long.`),
  z.null(),
]);
const observationFields = {
  /** 'YYYY-MM-DD HH:MM:SS' or a prefix at the indicator's date_format precision ('T' accepted). */
  timestamp: z.string().trim().min(1, 'Timestamp is required').max(TIMESTAMP_MAX_LENGTH),
  // Ranges, and x/y against the WKT, are the observation rule's (shared/observation.ts).
  x: z.number().optional(),
  y: z.number().optional(),
  /** A POINT/LINESTRING/POLYGON/MULTI* WKT; x/y default to its centroid (observation.ts). */
  wkt: z.string().trim().max(WKT_MAX_LENGTH, `WKT is longer than ${WKT_MAX_LENGTH} characters.`).nullish(),
  /** End of the observation (Lizmap servers), same forms as `timestamp`; null or absent: none. */
  endTimestamp: z.string().trim().max(TIMESTAMP_MAX_LENGTH).nullish(),
  /** The shared spatial object picked for a series on such objects: its unique id in the series' layer. */
  objectId: z.string().trim().min(1).max(200).nullish(),
  values: z.record(z.string().max(100), dimensionValue),
};
export const ObservationCreateArgs = z.object({ indicatorCode: key('Indicator'), ...observationFields }).strict();
export type ObservationCreateArgs = z.input<typeof ObservationCreateArgs>;
export const ObservationUpdateArgs = z.object({ uuid: ObservationId, ...observationFields }).strict();
export type ObservationUpdateArgs = z.input<typeof ObservationUpdateArgs>;

export const ConflictListArgs = z
  .object({ projectKey: key('Project').optional(), indicatorCode: key('Indicator').optional() })
  .strict()
  .default({});
export const ConflictResolveArgs = z.object({ uuid: ObservationId, keep: z.enum(['mine', 'theirs']) }).strict();

// ---- media ---------------------------------------------------------------------------------

export const MediaAttachArgs = z
  .object({
    uuid: ObservationId,
    fileName: z.string().trim().min(1).max(255),
    /** The image bytes, base64 (JPEG, PNG, GIF or WebP, at most 10 MB; a Lizmap server takes no WebP). */
    dataBase64: z
      .string()
      .min(1, 'The image is empty')
      .max(Math.ceil((MAX_MEDIA_BYTES * 4) / 3) + 4, 'The image is larger than 10 MB'),
  })
  .strict();

/** A shared spatial object of a series' layer, read from the project's GeoPackage. */
export interface SpatialObjectSummary {
  uniqueId: string;
  label: string;
  /** A point inside or at the middle of it (longitude/latitude), to show where it is. */
  x: number;
  y: number;
}

export interface SeriesImages {
  preview: MediaContent | null;
  icon: MediaContent | null;
}

export interface MediaContent {
  mimeType: string;
  /** data: URL, displayable under the app's CSP (img-src data:). */
  dataUrl: string;
  /** True when this is a photo attached here and not yet uploaded. */
  local: boolean;
}

// ---- sync ----------------------------------------------------------------------------------

/**
 * One thing a sync could not do, as data: the renderer says it in the user's language, quoting the
 * server's own words (`reason`) and naming the observation or file.
 */
export type SyncProblem =
  | {
      kind: 'refused';
      /** What was sent: a new observation, a change, a deletion or a photo. */
      action: 'create' | 'update' | 'delete' | 'photo';
      /** The observation; null when the server refused a batch of `count` as a whole. */
      uuid: string | null;
      count: number;
      reason: string;
    }
  | {
      kind: 'download';
      what: 'document' | 'illustration' | 'geopackage' | 'preview' | 'icon';
      /** The document's label, the project's key or the series' code. */
      name: string;
      error: GobsError;
    };

export interface SyncStatus {
  /** idle: nothing running; offline: waiting to retry (see nextRetryAt); unauthorized: log in again. */
  state: 'idle' | 'syncing' | 'offline' | 'unauthorized' | 'error';
  phase: SyncPhase | null;
  projectKey: string | null;
  indicatorCode: string | null;
  /** Items done in the current phase. */
  done: number;
  /** Items in the current phase, when known (pull: done + the server's X-Gobs-Remaining). */
  total: number | null;
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  /** What the last sync could not do (refused observations, failed downloads), newest first; not lastError. */
  problems: SyncProblem[];
  pendingChanges: number;
  nextRetryAt: string | null;
  online: boolean;
  /** What the last completed sync did: changes sent, observations received, deletions received. */
  lastResult: { sent: number; received: number; deleted: number } | null;
}

export const SyncStartArgs = z
  .object({ projectKey: key('Project').optional() })
  .strict()
  .default({});

// ---- settings ------------------------------------------------------------------------------

/** The languages the renderer is translated into; 'system' follows the OS's preferred languages. */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LanguagePreference = z.enum(['system', ...LANGUAGES]);
export type LanguagePreference = z.infer<typeof LanguagePreference>;

export interface AppSettings {
  deviceId: string;
  /** Automatic sync interval in minutes; 0 = off. */
  syncIntervalMinutes: number;
  dataDir: string;
  appVersion: string;
  /** Where main writes its log (rotated, passwords and tokens redacted); null when it has none. */
  logFile: string | null;
  serverUrl: string | null;
  username: string | null;
  serverKind: ServerKind | null;
  language: LanguagePreference;
  /** The online basemap is shown on maps (and allowed by the CSP); off by default. */
  basemap: boolean;
  /** The OS's preferred languages, most preferred first (BCP 47 tags such as 'fr-FR'); may be empty. */
  systemLanguages: string[];
}
export const SettingsSetArgs = z
  .object({
    syncIntervalMinutes: z.number().int('Whole minutes').min(0).max(1440, 'At most one day'),
    language: LanguagePreference,
    basemap: z.boolean(),
  })
  .partial()
  .strict();

// ---- analyst data: chart, map, exports, project layers -------------------------------------

/** A numeric dimension over time: one entry per bucket of `ChartData.times`; null where no value. */
export interface ChartNumericSeries {
  code: string;
  name: string;
  unit: string | null;
  type: 'integer' | 'real';
  /** Values present in the bucket. */
  count: number[];
  min: (number | null)[];
  max: (number | null)[];
  mean: (number | null)[];
}

export interface ChartBooleanSeries {
  code: string;
  name: string;
  trues: number[];
  falses: number[];
}

export interface ChartTextSeries {
  code: string;
  name: string;
  /** Observations with a non-empty text in the bucket. */
  nonEmpty: number[];
}

export const ChartSeriesArgs = z
  .object({
    indicatorCode: key('Indicator'),
    filter: ObservationFilter.default({}),
    /** Width of the plot area in CSS pixels: main returns about two buckets per pixel, whatever the set's size. */
    pixels: z.number().int().min(10, 'At least 10 pixels').max(10_000, 'At most 10,000 pixels'),
    /** Dimensions to include (default: every dimension of the indicator). */
    dimensions: z.array(z.string().max(100)).max(100).optional(),
  })
  .strict();
export type ChartSeriesArgs = z.input<typeof ChartSeriesArgs>;

/**
 * The filtered set reduced to what a chart of `pixels` can show. Times are epoch seconds of the
 * wall-clock timestamps read as UTC (format them with UTC getters to get the stored text back).
 * Only non-empty buckets are listed; every series array is parallel to `times`.
 */
export interface ChartData {
  indicatorCode: string;
  /** The range shown: the filter's bounds, else the first and last observation; null when the set is empty. */
  from: number | null;
  to: number | null;
  bucket: BucketWidth;
  /** Start of each non-empty bucket, ascending. */
  times: number[];
  /** Observations per bucket. */
  counts: number[];
  /** The observation of a bucket holding exactly one (click opens it), else null. */
  uuids: (string | null)[];
  numeric: ChartNumericSeries[];
  booleans: ChartBooleanSeries[];
  texts: ChartTextSeries[];
  /** Observations in the set. */
  total: number;
}

const longitude = z.number().min(-180).max(180);
const latitude = z.number().min(-90).max(90);

export const MapViewArgs = z
  .object({
    indicatorCode: key('Indicator'),
    filter: ObservationFilter.default({}),
    /** The visible area, [west, south, east, north] in degrees. */
    bbox: z
      .tuple([longitude, latitude, longitude, latitude])
      .refine(([w, s, e, n]) => w <= e && s <= n, 'bbox must be [west, south, east, north] with west ≤ east'),
    /** The map's zoom (Web Mercator, 256-pixel tiles): clusters are cells of about 64 pixels at it. */
    zoom: z.number().min(0).max(24),
    /** The dimension that colours features and clusters (and whose range the legend shows). */
    dimension: z.string().max(100).optional(),
    /** Above this many observations in view, clusters are returned instead of features. */
    maxFeatures: z.number().int().min(1).max(20_000).default(5000),
  })
  .strict();
export type MapViewArgs = z.input<typeof MapViewArgs>;

export interface MapFeature {
  uuid: string;
  geometry: Geometry;
  /** Value of the colouring dimension (null when none is chosen or the observation has none). */
  value: DimensionValue;
  state: SyncState;
}

export interface MapCluster {
  /** Mean position of the observations in the cell. */
  x: number;
  y: number;
  count: number;
  /** Range of the colouring dimension in the cell (booleans as 0/1); null when none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** The observation when the cell holds exactly one, else null. */
  uuid: string | null;
}

export interface MapView {
  mode: 'features' | 'clusters';
  features: MapFeature[];
  clusters: MapCluster[];
  /** Grid level of the clusters (Web Mercator tile level: cells of 360° / 2^level across). */
  level: number;
  /** Observations of the filtered set in view. */
  total: number;
  /** Range of the colouring dimension over the whole filtered set, for the legend (numbers; booleans 0..1). */
  valueRange: { min: number; max: number } | null;
}

export interface ProjectExtent {
  /** Extent of the observations' positions (x/y: the centre of a line or polygon) over the project's indicators. */
  observations: BBox | null;
  /** Extent of the project's GeoPackage layers (in EPSG:4326 ones). */
  layers: BBox | null;
  /** The area the server declares for the project (longitude/latitude), when it declares a valid one. */
  declared: BBox | null;
  /** All of them together: what the map frames. */
  extent: BBox | null;
}

export interface LayerFeature {
  type: 'Feature';
  id: number;
  geometry: Geometry | null;
  properties: Record<string, string | number | boolean | null>;
}

export interface ProjectLayer {
  /** Table name in the GeoPackage. */
  name: string;
  title: string;
  description: string | null;
  /** GeoPackage geometry type name (POINT, MULTIPOLYGON, GEOMETRY...). */
  geometryType: string;
  /** e.g. 'EPSG:4326'. */
  srs: string;
  /** The layer's CRS is neither EPSG:4326 nor Web Mercator: not drawn (no features). */
  unsupportedCrs: boolean;
  /** Features in the layer (all of them, even beyond the size bound). */
  featureCount: number;
  /** The size bound was reached: `features` holds only the first ones. */
  truncated: boolean;
  /** Features whose geometry could not be read (curves, collections, damage). */
  skipped: number;
  bbox: BBox | null;
  /** GeoJSON (RFC 7946) features in EPSG:4326. */
  features: LayerFeature[];
}

export interface ProjectLayers {
  /** The cached GeoPackage read, or null when the project has none yet. */
  file: string | null;
  layers: ProjectLayer[];
}

export const EXPORT_FORMATS = ['csv', 'geojson', 'gpkg'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** A selection is exported as it is; larger sets are exported through their filter. */
export const MAX_EXPORT_SELECTION = 100_000;

export const ExportStartArgs = z
  .object({
    indicatorCode: key('Indicator'),
    format: z.enum(EXPORT_FORMATS),
    /** The filtered set, as observations.list pages over it. */
    filter: ObservationFilter.default({}),
    /** Or a selection: exactly these observations (the filter is then ignored). */
    uuids: z
      .array(ObservationId)
      .min(1, 'The selection is empty')
      .max(MAX_EXPORT_SELECTION, `At most ${MAX_EXPORT_SELECTION.toLocaleString('en')} selected observations`)
      .optional(),
    /** The save dialog's title and file-type name in the user's language (the strings live in the renderer). */
    dialog: z
      .object({ title: z.string().trim().min(1).max(200), fileType: z.string().trim().min(1).max(100) })
      .strict()
      .optional(),
  })
  .strict();
export type ExportStartArgs = z.input<typeof ExportStartArgs>;

export interface ExportStarted {
  /** Identifies the export in `export.progress` events and `exports.cancel`. */
  id: string;
  /** The file being written (the one the user chose). */
  file: string;
  format: ExportFormat;
  /** Observations to write. */
  total: number;
}

export const ExportCancelArgs = z.object({ id: z.uuid() }).strict();

export interface ExportProgress {
  id: string;
  format: ExportFormat;
  file: string;
  done: number;
  total: number;
  /** running → done | cancelled | failed. A cancelled or failed export leaves no file behind. */
  state: 'running' | 'done' | 'cancelled' | 'failed';
  error: { code: string; message: string } | null;
}

// ---- the contract -------------------------------------------------------------------

export const ipcContract = {
  auth: {
    login: channel<AuthStatus>()(LoginArgs),
    logout: channel<AuthStatus>()(none),
    status: channel<AuthStatus>()(none),
    /** Removes the password kept in the OS secret store (the session stays until it ends). */
    forgetPassword: channel<AuthStatus>()(none),
  },
  account: {
    /** Deletes this account's local store; refuses (code 'conflict') with unsynced changes unless force. */
    forget: channel<AuthStatus>()(ForgetArgs),
  },
  projects: {
    list: channel<ProjectSummary[]>()(none),
    refresh: channel<ProjectsRefreshResult>()(none),
    /** The project's illustration as stored on this computer; null when it has none. */
    illustration: channel<MediaContent | null>()(ProjectArgs),
    /** The project's reference layers, from its cached GeoPackage, as GeoJSON in EPSG:4326 (size-bounded). */
    layers: channel<ProjectLayers>()(ProjectArgs),
    /** Extent of the project's observations and layers (to frame the map). */
    extent: channel<ProjectExtent>()(ProjectArgs),
  },
  indicators: {
    list: channel<IndicatorSummary[]>()(ProjectArgs),
    get: channel<IndicatorSummary>()(IndicatorArgs),
    /** The series' indicator preview and icon, as stored on this computer. */
    images: channel<SeriesImages>()(IndicatorArgs),
    /** The shared objects an observation of this series can be placed on (from the project's GeoPackage). */
    objects: channel<SpatialObjectSummary[]>()(IndicatorArgs),
  },
  documents: {
    list: channel<DocumentSummary[]>()(IndicatorArgs),
    /**
     * Opens the cached copy with the OS (downloading it first when online). Refused ('forbidden')
     * for a document whose content is not on the viewer allow-list: save it instead. A link
     * (type 'url') opens in the browser, only over https or on the server's own origin.
     */
    open: channel<void>()(DocumentArgs),
    /** Saves a copy where the user chooses (save dialog); the only way to get a save-only document. */
    save: channel<DocumentSaveResult>()(DocumentArgs),
  },
  observations: {
    list: channel<ObservationPage>()(ObservationListArgs),
    count: channel<number>()(ObservationCountArgs),
    get: channel<ObservationDetail>()(UuidArgs),
    /**
     * Reads the observation from the server again (what the server lets this user do with it, the
     * latest version) before it is edited; the stored copy when the server cannot be reached.
     */
    refresh: channel<ObservationDetail>()(UuidArgs),
    create: channel<ObservationDetail>()(ObservationCreateArgs),
    update: channel<ObservationDetail>()(ObservationUpdateArgs),
    /** Marks it deleted (sent at the next sync); undo with restore until then. */
    delete: channel<ObservationDetail>()(UuidArgs),
    restore: channel<ObservationDetail>()(UuidArgs),
    /**
     * Drops the local change (e.g. one the server refused) and takes the server's current version
     * (fetched, so online only); an observation never sent is removed. Null when removed.
     */
    discard: channel<ObservationDetail | null>()(UuidArgs),
  },
  chart: {
    /** The filtered set over time, reduced in main to about two buckets per pixel. */
    series: channel<ChartData>()(ChartSeriesArgs),
  },
  map: {
    /** The filtered set in a bbox: features when few, grid clusters when dense, and the legend's range. */
    view: channel<MapView>()(MapViewArgs),
  },
  exports: {
    /**
     * Asks where to save (the OS dialog), then writes the filtered set or the selection in the
     * background; progress comes as `export.progress` events. Null when the dialog was cancelled.
     */
    start: channel<ExportStarted | null>()(ExportStartArgs),
    /** Stops an export; its partial file is removed. */
    cancel: channel<void>()(ExportCancelArgs),
  },
  conflicts: {
    list: channel<ObservationDetail[]>()(ConflictListArgs),
    /** Keep mine (re-sent on the server's current version) or take the server's. Null if that removed it. */
    resolve: channel<ObservationDetail | null>()(ConflictResolveArgs),
  },
  media: {
    attach: channel<ObservationDetail>()(MediaAttachArgs),
    remove: channel<ObservationDetail>()(UuidArgs),
    /** The photo of an observation (downloaded and cached on demand); null when it has none. */
    get: channel<MediaContent | null>()(UuidArgs),
  },
  sync: {
    /** Syncs one project or all; resolves when done. A second call joins the running sync. */
    start: channel<SyncStatus>()(SyncStartArgs),
    cancel: channel<SyncStatus>()(none),
    status: channel<SyncStatus>()(none),
  },
  settings: {
    get: channel<AppSettings>()(none),
    set: channel<AppSettings>()(SettingsSetArgs),
  },
} as const;

/** Events pushed from main to the renderer (no request). */
export interface IpcEvents {
  'auth.changed': AuthStatus;
  'sync.progress': SyncStatus;
  /** Observations of these indicators changed in the store (pull, push result): refresh views. */
  'observations.changed': { indicatorCodes: string[] };
  /** An export's progress, at most every ~100 ms while running, and once at its end. */
  'export.progress': ExportProgress;
}
export const IPC_EVENTS = [
  'auth.changed',
  'sync.progress',
  'observations.changed',
  'export.progress',
] as const satisfies readonly (keyof IpcEvents)[];

// ---- derived types ---------------------------------------------------------------------

export type Contract = typeof ipcContract;
export type Namespace = keyof Contract;
export type ArgsOf<C> = C extends Channel<infer A, unknown> ? z.infer<A> : never;
export type InputOf<C> = C extends Channel<infer A, unknown> ? z.input<A> : never;
export type ResultOf<C> = C extends Channel<z.ZodType, infer R> ? R : never;

/** What main implements: one handler per channel, receiving the validated argument. */
export type Handlers = {
  [N in Namespace]: {
    [M in keyof Contract[N]]: (args: ArgsOf<Contract[N][M]>) => Promise<ResultOf<Contract[N][M]>>;
  };
};

type Method<C> =
  undefined extends InputOf<C>
    ? (args?: InputOf<C>) => Promise<ResultOf<C>>
    : (args: InputOf<C>) => Promise<ResultOf<C>>;

/** What the renderer sees as `window.gobs`. Methods reject with a `GobsError`. */
export type GobsApi = {
  [N in Namespace]: { [M in keyof Contract[N]]: Method<Contract[N][M]> };
} & {
  /** Subscribe to an event from main; returns the unsubscribe function. */
  on<E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
};

/** `auth.login` etc.: the wire name of every channel, derived from the contract. */
export function channelNames(): string[] {
  return Object.entries(ipcContract).flatMap(([ns, methods]) => Object.keys(methods).map((m) => `${ns}.${m}`));
}

export function channelSchema(name: string): z.ZodType | undefined {
  const [ns, m] = name.split('.');
  const methods = (ipcContract as Record<string, Record<string, Channel<z.ZodType, unknown>>>)[ns ?? ''];
  return methods?.[m ?? '']?.args;
}

export type ArgsCheck = { ok: true; data: unknown } | { ok: false; message: string; field?: string };

/**
 * A channel's argument read by its schema: the parsed value, or the first problem and the field it
 * names. zod can throw instead of reporting on a few shapes (a `length` that is an object without a
 * prototype, met by a length check): that argument is malformed like any other, never a crash.
 */
export function checkArgs(schema: z.ZodType, raw: unknown): ArgsCheck {
  let parsed: ReturnType<z.ZodType['safeParse']>;
  try {
    parsed = schema.safeParse(raw);
  } catch {
    return { ok: false, message: 'Invalid argument: a value of the wrong type' };
  }
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  return { ok: false, message: issue?.message ?? 'Invalid argument', ...(field ? { field } : {}) };
}

export const IPC_PREFIX = 'gobs:';
