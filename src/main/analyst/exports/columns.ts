/**
 * The columns of every export, in order: the observation's identity and time, its position, one
 * column per dimension (typed), then who and in which state. Names are unique ignoring case (a
 * GeoPackage column, a GeoJSON property and a spreadsheet header must not collide): a dimension
 * whose code clashes with a fixed column or another dimension gets a numbered suffix.
 */
import type { Dimension, DimensionValue, SyncState } from '../../../shared/ipc';
import type { GpkgColumnType } from '../../geopackage/writer';

export type ColumnSource =
  { kind: 'uuid' | 'timestamp' | 'x' | 'y' | 'wkt' | 'author' | 'state' } | { kind: 'value'; dimension: Dimension };

export interface ExportColumn {
  /** Field name (GeoJSON property, GeoPackage column). */
  name: string;
  /** Spreadsheet header: the name, with the unit in brackets for dimensions that have one. */
  header: string;
  source: ColumnSource;
  gpkgType: GpkgColumnType;
}

const GPKG_TYPES: Record<Dimension['type'], GpkgColumnType> = {
  integer: 'INTEGER',
  real: 'REAL',
  boolean: 'BOOLEAN',
  string: 'TEXT',
  text: 'TEXT',
  date: 'DATE', // 'YYYY-MM-DD', as GeoPackage's DATE is
  // GeoPackage's DATETIME is UTC ('…Z'); a Lizmap timestamp is the server's local time with no
  // zone, so it stays text rather than being given a zone it does not have.
  timestamp: 'TEXT',
};

/** Columns for a format: CSV carries x, y and the WKT; GeoJSON and GeoPackage carry a geometry instead. */
export function exportColumns(dims: readonly Dimension[], withPosition: boolean): ExportColumn[] {
  const fixed = (kind: Exclude<ColumnSource['kind'], 'value'>, type: GpkgColumnType): ExportColumn => ({
    name: kind,
    header: kind,
    source: { kind },
    gpkgType: type,
  });
  const head = [fixed('uuid', 'TEXT'), fixed('timestamp', 'TEXT')];
  if (withPosition) head.push(fixed('x', 'REAL'), fixed('y', 'REAL'), fixed('wkt', 'TEXT'));
  const tail = [fixed('author', 'TEXT'), fixed('state', 'TEXT')];
  // The fixed names and the geometry/fid columns of a GeoPackage are taken.
  const taken = new Set([...head, ...tail].map((c) => c.name.toLowerCase()).concat(['fid', 'geom', 'geometry', 'id']));
  const values = dims.map((d): ExportColumn => {
    let name = d.code;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${d.code}_${i}`;
    taken.add(name.toLowerCase());
    return {
      name,
      header: d.unit ? `${name} (${d.unit})` : name,
      source: { kind: 'value', dimension: d },
      gpkgType: GPKG_TYPES[d.type],
    };
  });
  return [...head, ...values, ...tail];
}

export interface DecodedRow {
  uuid: string;
  timestamp: string;
  x: number;
  y: number;
  wkt: string | null;
  author: string | null;
  state: SyncState;
  values: Record<string, DimensionValue>;
}

/**
 * A column's value in a row, typed by its dimension: a value of another type than the dimension
 * says (possible only in data from older versions) is written as null rather than mistyped.
 */
export function cellValue(c: ExportColumn, r: DecodedRow): string | number | boolean | null {
  const s = c.source;
  if (s.kind !== 'value') return r[s.kind];
  const v = r.values[s.dimension.code];
  if (v === undefined || v === null) return null;
  switch (s.dimension.type) {
    case 'integer':
    case 'real':
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'string':
    case 'text':
    case 'date':
    case 'timestamp':
      return typeof v === 'string' ? v : String(v);
  }
}
