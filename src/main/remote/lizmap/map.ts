/**
 * From the module's shapes to the desktop's (src/shared/model.ts), and back for writes.
 *
 * - A series is known on the device as '<indicator code>@<series id>' and carries its indicator.
 * - An observation's geometry is kept as the point of its `coordinates` (the centroid): the list
 *   gives only that, the detail the whole geometry; both give the same coordinates, so a version
 *   reads the same from either. The whole geometry is only ever needed to write it back unchanged,
 *   and the client takes it from the server at that moment (lizmap/client.ts, update).
 * - Times are kept to the second (the module refuses fractions when they are sent back).
 * - `values` is positional, aligned with the indicator's dimensions.
 */
import { DATE_FORMATS, type DateFormat, type DimensionType, type NotEditableReason } from '../../../shared/constants';
import type {
  ServerDimension,
  ServerObservation,
  ServerProject,
  ServerSeries,
  ServerValue,
} from '../../../shared/model';
import { formatWkt, parseWkt, WktError } from '../../../shared/wkt';
import { AppError } from '../../errors';
import { secondsText, versionOf } from './time';
import type { LizmapObservation, LizmapProject, LizmapSeries } from './wire';

/** The key of a Lizmap series on the device. */
export function seriesKey(indicatorCode: string, seriesId: string): string {
  return `${indicatorCode}@${seriesId}`;
}

/** What the client needs to know of a series to talk about its observations. */
export interface SeriesEntry {
  key: string;
  id: string;
  projectKey: string;
  indicatorCode: string;
  layerCode: string | null;
  dateFormat: DateFormat;
  dimensions: readonly ServerDimension[];
}

const TYPES: Record<string, DimensionType> = {
  integer: 'integer',
  int: 'integer',
  real: 'real',
  float: 'real',
  double: 'real',
  numeric: 'real',
  boolean: 'boolean',
  bool: 'boolean',
  string: 'string',
  text: 'text',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
};

/** An unknown type is shown and edited as text: nothing is lost, nothing is converted. */
export function dimensionType(type: string): DimensionType {
  return TYPES[type.trim().toLowerCase()] ?? 'text';
}

function dateFormat(raw: string | null | undefined): DateFormat {
  const f = (raw ?? '').trim().toLowerCase();
  return (DATE_FORMATS as readonly string[]).includes(f) ? (f as DateFormat) : 'second';
}

const label = (raw: string | null | undefined, fallback: string) => raw?.trim() || fallback;

export function mapProject(p: LizmapProject): ServerProject {
  return {
    key: p.key,
    label: label(p.label, p.key),
    description: p.description ?? null,
    media_url: p.media_url ?? null,
    geopackage_url: p.geopackage_url ?? null,
    extent: p.extent ?? null,
  };
}

export function mapSeries(s: LizmapSeries, listedIn: string, baseUrl: string): ServerSeries {
  const ind = s.indicator;
  const key = seriesKey(ind.code, s.id);
  const projectKey = s.project_key ?? listedIn;
  const documentUrl = (uid: string) =>
    `${baseUrl}/project/${encodeURIComponent(projectKey)}/series/${encodeURIComponent(s.id)}/document/${encodeURIComponent(uid)}`;
  const now = new Date(0).toISOString();
  return {
    id: ind.id ?? 0,
    code: key,
    label: label(ind.label, ind.code),
    description: ind.description?.trim() || null,
    category: ind.category?.trim() || null,
    date_format: dateFormat(ind.date_format),
    values: (ind.values ?? []).map((d) => ({
      code: d.code,
      name: label(d.name, d.code),
      type: dimensionType(d.type),
      unit: d.unit?.trim() || null,
    })),
    documents: (ind.documents ?? [])
      .filter((d): d is NonNullable<typeof d> => d !== null)
      .map((d) => ({
        id: d.id ?? 0,
        // One indicator's documents are listed under each of its series, each at its own URL.
        uuid: `${d.uid}@${s.id}`,
        indicator: key,
        label: label(d.label, d.uid),
        description: d.description ?? null,
        type: d.type,
        url: d.type === 'url' ? (d.url ?? '') : d.url && /^https?:\/\//i.test(d.url) ? d.url : documentUrl(d.uid),
        created_at: d.created_at ?? now,
        updated_at: d.updated_at ?? d.created_at ?? now,
      })),
    preview_url: ind.preview ?? null,
    icon_url: ind.icon ?? null,
    created_at: ind.created_at ?? now,
    updated_at: ind.updated_at ?? now,
    series: {
      id: s.id,
      projectKey,
      indicatorCode: ind.code,
      layerCode: s.layer_code ?? null,
      protocolCode: s.protocol_code ?? null,
    },
  };
}

export function entryOf(series: ServerSeries): SeriesEntry {
  const info = series.series!;
  return {
    key: series.code,
    id: info.id,
    projectKey: info.projectKey,
    indicatorCode: info.indicatorCode,
    layerCode: info.layerCode,
    dateFormat: series.date_format,
    dimensions: series.values,
  };
}

/** The point the module gives as `coordinates`, or else as a point `wkt` (read by the shared WKT reader). */
function coordinatesOf(o: LizmapObservation): { x: number; y: number } {
  if (o.coordinates) return o.coordinates;
  try {
    // A Z the database may have kept is dropped; the range is the store's to judge, not the reader's.
    const g = o.wkt ? parseWkt(o.wkt, { dropZ: true, lonLat: false }) : null;
    if (g?.type === 'Point') return { x: g.coordinates[0], y: g.coordinates[1] };
  } catch (e) {
    if (!(e instanceof WktError)) throw e;
  }
  throw new AppError('bad_server', `The server sent observation ${o.uuid} without coordinates.`);
}

function value(raw: unknown): ServerValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'string') return raw;
  // A structure where a value should be: kept readable rather than dropped.
  return JSON.stringify(raw);
}

/**
 * One observation as the desktop keeps it. `login` is the user's: the module marks as editable
 * only its author's observations, and says nothing of authors otherwise.
 */
export function mapObservation(
  o: LizmapObservation,
  entry: SeriesEntry,
  login: string,
  from: 'list' | 'detail',
): ServerObservation {
  const start = secondsText(o.start_timestamp);
  if (!start) throw new AppError('bad_server', `The server sent observation ${o.uuid} with no valid start time.`);
  const { x, y } = coordinatesOf(o);
  const raw = o.values ?? [];
  let notEditable: NotEditableReason | undefined;
  // The list's `editable` is authorship alone; the detail's also the editing window (the store tells them apart).
  if (o.editable === false && from === 'list') notEditable = 'author';
  return {
    id: o.id,
    uuid: o.uuid,
    indicator: entry.key,
    import: versionOf(o.updated_at),
    timestamp: start,
    end_timestamp: secondsText(o.end_timestamp),
    x,
    y,
    wkt: formatWkt({ type: 'Point', coordinates: [x, y] }),
    values: entry.dimensions.map((d, i) => ({ name: d.code, type: d.type, value: value(raw[i]) })),
    media_url: o.media_url ?? null,
    ...(o.editable === true ? { author: login } : from === 'list' && o.editable === false ? { author: null } : {}),
    created_at: secondsText(o.created_at) ?? secondsText(o.updated_at)!,
    updated_at: secondsText(o.updated_at)!,
    editable: o.editable ?? null,
    ...(notEditable ? { not_editable: notEditable } : {}),
    editable_from: from,
  };
}
