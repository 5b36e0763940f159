/**
 * The three export formats, each a writer over a file it owns: `write` takes a batch of decoded
 * rows, `finish` completes and flushes the file (durably: fsync), `abort` closes it as it is (the
 * caller deletes it). No SQL of the store here; the GeoPackage's own SQL lives in src/main/geopackage.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CSV_BOM, csvLine } from '../../../shared/csv';
import { rewindRfc7946, type Geometry, type GeometryType } from '../../../shared/geometry';
import { commonType, toMulti, type OgcTypeName } from '../../geopackage/geometryType';
import type { ExportFormat } from '../../../shared/ipc';
import { GeoPackageWriter } from '../../geopackage/writer';
import { rowGeometry } from '../rowGeometry';
import { cellValue, exportColumns, type DecodedRow, type ExportColumn } from './columns';
import type { IndicatorDef } from '../../store/indicators';

export interface ExportWriter {
  write(rows: readonly DecodedRow[]): void;
  finish(): void;
  abort(): void;
}

/** Appends text to a file through one descriptor; every batch is one write. */
class TextFile {
  private fd: number | null;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  append(text: string): void {
    if (this.fd === null) throw new Error('file closed');
    writeSync(this.fd, text, null, 'utf8');
  }
  close(durable: boolean): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

class CsvWriter implements ExportWriter {
  private readonly file: TextFile;
  private readonly columns: ExportColumn[];
  constructor(path: string, def: IndicatorDef) {
    this.columns = exportColumns(def.dimensions, true);
    this.file = new TextFile(path);
    this.file.append(CSV_BOM + csvLine(this.columns.map((c) => c.header)));
  }
  write(rows: readonly DecodedRow[]): void {
    let out = '';
    for (const r of rows) out += csvLine(this.columns.map((c) => cellValue(c, r)));
    this.file.append(out);
  }
  finish(): void {
    this.file.close(true);
  }
  abort(): void {
    this.file.close(false);
  }
}

class GeoJsonWriter implements ExportWriter {
  private readonly file: TextFile;
  private readonly columns: ExportColumn[];
  private first = true;
  constructor(path: string, def: IndicatorDef) {
    this.columns = exportColumns(def.dimensions, false);
    this.file = new TextFile(path);
    this.file.append(`{"type":"FeatureCollection","name":${JSON.stringify(def.code)},"features":[\n`);
  }
  write(rows: readonly DecodedRow[]): void {
    let out = '';
    for (const r of rows) {
      const properties: Record<string, unknown> = {};
      for (const c of this.columns) properties[c.name] = cellValue(c, r);
      // No feature-level id: the uuid is a property, and GDAL would add a duplicate 'id' field.
      const feature = { type: 'Feature', geometry: rewindRfc7946(rowGeometry(r)), properties };
      out += (this.first ? '' : ',\n') + JSON.stringify(feature);
      this.first = false;
    }
    this.file.append(out);
  }
  finish(): void {
    this.file.append('\n]}\n');
    this.file.close(true);
  }
  abort(): void {
    this.file.close(false);
  }
}

const FROM_KEYWORD: Record<string, GeometryType> = {
  '': 'Point',
  POINT: 'Point',
  LINESTRING: 'LineString',
  POLYGON: 'Polygon',
  MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString',
  MULTIPOLYGON: 'MultiPolygon',
};

/** GeoPackage table names may not start with the format's own prefixes. */
function tableName(code: string): string {
  return /^(gpkg_|rtree_|sqlite_)/i.test(code) ? `obs_${code}` : code;
}

class GpkgExportWriter implements ExportWriter {
  private readonly writer: GeoPackageWriter;
  private readonly columns: ExportColumn[];
  private readonly multi: boolean;
  private readonly seen = new Set<GeometryType>();
  constructor(
    path: string,
    def: IndicatorDef & { label: string; description: string | null },
    private readonly declared: OgcTypeName,
  ) {
    this.columns = exportColumns(def.dimensions, false);
    this.multi = declared.startsWith('MULTI');
    this.writer = new GeoPackageWriter(path, {
      table: tableName(def.code),
      identifier: def.label,
      description: def.description ?? '',
      geometryType: declared,
      columns: this.columns.map((c) => ({ name: c.name, type: c.gpkgType })),
    });
  }
  write(rows: readonly DecodedRow[]): void {
    this.writer.insert(
      rows.map((r) => {
        let geometry: Geometry = rowGeometry(r);
        if (this.multi) geometry = toMulti(geometry);
        this.seen.add(geometry.type);
        return { geometry, values: this.columns.map((c) => cellValue(c, r)) };
      }),
    );
  }
  finish(): void {
    // A stored geometry that no longer parses falls back to its point: if that breaks the
    // declared single type, the column is declared for any geometry.
    const actual = commonType(this.seen);
    const fits = actual === null || actual === this.declared || this.declared === 'GEOMETRY';
    this.writer.finish(fits ? undefined : 'GEOMETRY');
  }
  abort(): void {
    this.writer.close();
  }
}

/** The geometry type a GeoPackage column needs for the WKT keywords of a set ('' = no WKT: a point). */
export function declaredGeometryType(kinds: Iterable<string>): OgcTypeName {
  const types: GeometryType[] = [];
  for (const k of kinds) types.push(FROM_KEYWORD[k.replace(/\s+(ZM|Z|M)$/, '')] ?? 'Point');
  return commonType(types) ?? 'POINT';
}

export function createWriter(
  format: ExportFormat,
  path: string,
  def: IndicatorDef & { label: string; description: string | null },
  geometryKinds: Iterable<string>,
): ExportWriter {
  switch (format) {
    case 'csv':
      return new CsvWriter(path, def);
    case 'geojson':
      return new GeoJsonWriter(path, def);
    case 'gpkg':
      return new GpkgExportWriter(path, def, declaredGeometryType(geometryKinds));
  }
}
