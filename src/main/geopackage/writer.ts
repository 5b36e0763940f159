/**
 * Writes a GeoPackage (OGC 12-128r18, GeoPackage 1.3) holding one feature table: the metadata
 * tables (gpkg_spatial_ref_sys with EPSG:4326, gpkg_contents, gpkg_geometry_columns,
 * gpkg_extensions), the features with typed columns and GeoPackage geometry blobs, and the R-tree
 * spatial index of the "gpkg_rtree_index" extension with the triggers that keep it in step when
 * QGIS or GDAL later edit the file.
 *
 * SQL outside src/main/store: a GeoPackage is its own SQLite file in a public format, not the
 * app's store; this module owns that format, and it is the only place its SQL lives (reading it
 * back: reader.ts). See docs/ARCHITECTURE.md, "Analyst data".
 */
import Database from 'better-sqlite3';
import { unionBBox, type BBox, type Geometry } from '../../shared/geometry';
import type { OgcTypeName } from './geometryType';
import { encodeGpkgGeometry } from './binary';

/** 'GPKG' as a big-endian 32-bit integer (GeoPackage §1.1.1.1.1). */
export const GPKG_APPLICATION_ID = 0x47504b47;
/** 1.3.0: what GDAL 3.6 (Debian 12) and every QGIS 3 read without a warning. */
export const GPKG_USER_VERSION = 10300;

export type GpkgColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BOOLEAN' | 'DATE' | 'DATETIME';

export interface GpkgColumn {
  name: string;
  type: GpkgColumnType;
}

export interface GpkgLayer {
  table: string;
  identifier: string;
  description: string;
  geometryType: OgcTypeName;
  columns: GpkgColumn[];
}

export type GpkgValue = string | number | boolean | null;

export interface GpkgFeature {
  geometry: Geometry | null;
  /** In the order of `layer.columns`. */
  values: readonly GpkgValue[];
}

const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
  'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
  'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],' +
  'AUTHORITY["EPSG","4326"]]';

/** SQL identifier quoting (the names come from indicator and dimension codes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function rtreeTriggers(t: string, c: string, i: string): string {
  const q = quoteIdent;
  const rtree = q(`rtree_${t}_${c}`);
  const T = q(t);
  const C = q(c);
  const I = q(i);
  const name = (suffix: string) => q(`rtree_${t}_${c}_${suffix}`);
  const values = `NEW.${I}, ST_MinX(NEW.${C}), ST_MaxX(NEW.${C}), ST_MinY(NEW.${C}), ST_MaxY(NEW.${C})`;
  const hasNew = `(NEW.${C} NOT NULL AND NOT ST_IsEmpty(NEW.${C}))`;
  const noNew = `(NEW.${C} IS NULL OR ST_IsEmpty(NEW.${C}))`;
  const hasOld = `(OLD.${C} NOT NULL AND NOT ST_IsEmpty(OLD.${C}))`;
  const noOld = `(OLD.${C} IS NULL OR ST_IsEmpty(OLD.${C}))`;
  // The GeoPackage 1.4 set (update1/update3 replaced by update5/6/7, which also behave under UPSERT);
  // ST_* are the functions every GeoPackage reader (GDAL, SpatiaLite) provides.
  return `
    CREATE TRIGGER ${name('insert')} AFTER INSERT ON ${T} WHEN ${hasNew}
    BEGIN INSERT OR REPLACE INTO ${rtree} VALUES (${values}); END;
    CREATE TRIGGER ${name('update2')} AFTER UPDATE OF ${C} ON ${T} WHEN OLD.${I} = NEW.${I} AND ${noNew}
    BEGIN DELETE FROM ${rtree} WHERE id = OLD.${I}; END;
    CREATE TRIGGER ${name('update4')} AFTER UPDATE ON ${T} WHEN OLD.${I} != NEW.${I} AND ${noNew}
    BEGIN DELETE FROM ${rtree} WHERE id IN (OLD.${I}, NEW.${I}); END;
    CREATE TRIGGER ${name('update5')} AFTER UPDATE ON ${T} WHEN OLD.${I} != NEW.${I} AND ${hasNew}
    BEGIN DELETE FROM ${rtree} WHERE id = OLD.${I}; INSERT OR REPLACE INTO ${rtree} VALUES (${values}); END;
    CREATE TRIGGER ${name('update6')} AFTER UPDATE OF ${C} ON ${T} WHEN OLD.${I} = NEW.${I} AND ${hasNew} AND ${hasOld}
    BEGIN UPDATE ${rtree} SET minx = ST_MinX(NEW.${C}), maxx = ST_MaxX(NEW.${C}), miny = ST_MinY(NEW.${C}),
      maxy = ST_MaxY(NEW.${C}) WHERE id = NEW.${I}; END;
    CREATE TRIGGER ${name('update7')} AFTER UPDATE OF ${C} ON ${T} WHEN OLD.${I} = NEW.${I} AND ${hasNew} AND ${noOld}
    BEGIN INSERT INTO ${rtree} VALUES (${values}); END;
    CREATE TRIGGER ${name('delete')} AFTER DELETE ON ${T} WHEN OLD.${C} NOT NULL
    BEGIN DELETE FROM ${rtree} WHERE id = OLD.${I}; END;
  `;
}

/**
 * One GeoPackage being written. Rows go in with `insert` (one transaction per call: the caller's
 * batch); `finish` adds the extent and the index triggers and closes the file. Until then the file
 * is incomplete: the caller writes it under a temporary name and renames it after `finish`.
 */
export class GeoPackageWriter {
  private readonly db: Database.Database;
  private readonly insertRow: Database.Statement;
  private readonly insertBox: Database.Statement;
  private extent: BBox | null = null;
  private rows = 0;
  private closed = false;

  constructor(
    file: string,
    private readonly layer: GpkgLayer,
    private readonly geometryColumn = 'geom',
  ) {
    this.db = new Database(file);
    try {
      // A partial file is deleted on failure, so no journal is needed while writing it.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
      this.db.pragma(`user_version = ${GPKG_USER_VERSION}`);
      this.createSchema();
      const t = quoteIdent(layer.table);
      const cols = [geometryColumn, ...layer.columns.map((c) => c.name)].map(quoteIdent);
      this.insertRow = this.db.prepare(
        `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      );
      this.insertBox = this.db.prepare(`INSERT INTO ${quoteIdent(this.rtreeName)} VALUES (?, ?, ?, ?, ?)`);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private get rtreeName(): string {
    return `rtree_${this.layer.table}_${this.geometryColumn}`;
  }

  private createSchema(): void {
    const { table, columns, geometryType } = this.layer;
    this.db.exec(`
      CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
      CREATE TABLE gpkg_extensions (
        table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
        scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
    `);
    const srs = this.db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
    srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
    srs.run(
      'WGS 84 geodetic',
      4326,
      'EPSG',
      4326,
      WGS84_WKT,
      'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
    );
    const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`);
    this.db.exec(
      `CREATE TABLE ${quoteIdent(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ` +
        `${quoteIdent(this.geometryColumn)} ${geometryType}${defs.map((d) => `, ${d}`).join('')})`,
    );
    this.db
      .prepare(
        `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, 'features', ?, ?, 4326)`,
      )
      .run(table, this.layer.identifier, this.layer.description);
    this.db
      .prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, 4326, 0, 0)')
      .run(table, this.geometryColumn, geometryType);
    this.db
      .prepare(
        `INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`,
      )
      .run(table, this.geometryColumn);
    this.db.exec(`CREATE VIRTUAL TABLE ${quoteIdent(this.rtreeName)} USING rtree(id, minx, maxx, miny, maxy)`);
  }

  /** Inserts a batch in one transaction; returns the rows written so far. */
  insert(features: readonly GpkgFeature[]): number {
    this.db.transaction(() => {
      for (const f of features) {
        const values = f.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
        if (!f.geometry) {
          this.insertRow.run(null, ...values);
          continue;
        }
        const { blob, bbox } = encodeGpkgGeometry(f.geometry);
        const fid = this.insertRow.run(blob, ...values).lastInsertRowid;
        this.insertBox.run(fid, bbox[0], bbox[2], bbox[1], bbox[3]);
        this.extent = unionBBox(this.extent, bbox);
      }
    })();
    this.rows += features.length;
    return this.rows;
  }

  /**
   * Records the extent, installs the index triggers and closes the file. `geometryType` replaces
   * the declared type when the rows turned out not to fit it.
   */
  finish(geometryType?: OgcTypeName): { rows: number; extent: BBox | null } {
    const e = this.extent;
    this.db.transaction(() => {
      if (geometryType) {
        this.db
          .prepare('UPDATE gpkg_geometry_columns SET geometry_type_name = ? WHERE table_name = ?')
          .run(geometryType, this.layer.table);
      }
      this.db
        .prepare(
          `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,
             last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`,
        )
        .run(e?.[0] ?? null, e?.[1] ?? null, e?.[2] ?? null, e?.[3] ?? null, this.layer.table);
      this.db.exec(rtreeTriggers(this.layer.table, this.geometryColumn, 'fid'));
    })();
    this.close();
    return { rows: this.rows, extent: e };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
