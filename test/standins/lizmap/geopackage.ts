/**
 * Writes a project's GeoPackage (OGC GeoPackage 1.3: the gpkg_* metadata tables, one feature table
 * per spatial layer with "GP" geometry blobs around ISO WKB) from the spatial objects of the
 * layers its series use. The real module serves a file the administrator exported from QGIS; the
 * layers here carry the columns of the plugin's gobs.get_spatial_layer_vector_data(), which is how
 * QGIS loads them: code (so_unique_id), label, uid, valid_from, valid_to.
 */
import Database from 'better-sqlite3';
import type { Sql } from './database.js';

const GEOMETRY_TYPES: Record<string, string> = {
  point: 'POINT',
  multipoint: 'MULTIPOINT',
  linestring: 'LINESTRING',
  multilinestring: 'MULTILINESTRING',
  polygon: 'POLYGON',
  multipolygon: 'MULTIPOLYGON',
};

interface LayerRow {
  id: number;
  sl_code: string;
  sl_label: string;
  sl_description: string;
  sl_geometry_type: string;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
}

interface ObjectRow {
  code: string;
  label: string;
  uid: string;
  valid_from: string;
  valid_to: string | null;
  wkb: Buffer;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** The GeoPackage binary header (little endian, xy envelope, EPSG:4326) followed by the WKB. */
function gpkgGeometry(row: ObjectRow): Buffer {
  const header = Buffer.alloc(8 + 32);
  header.write('GP', 0, 'ascii');
  header[2] = 0; // version 1
  header[3] = 0b0000_0011; // little endian, envelope [minx, maxx, miny, maxy]
  header.writeInt32LE(4326, 4);
  header.writeDoubleLE(row.xmin, 8);
  header.writeDoubleLE(row.xmax, 16);
  header.writeDoubleLE(row.ymin, 24);
  header.writeDoubleLE(row.ymax, 32);
  return Buffer.concat([header, row.wkb]);
}

export async function writeProjectGeopackage(sql: Sql, projectKey: string, file: string): Promise<void> {
  const layers = (
    await sql.query<LayerRow>(
      `SELECT sl.id, sl.sl_code, sl.sl_label, sl.sl_description, sl.sl_geometry_type,
              ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
       FROM gobs.spatial_layer AS sl,
       LATERAL (SELECT ST_Extent(geom)::geometry AS e FROM gobs.spatial_object WHERE fk_id_spatial_layer = sl.id) AS x
       WHERE sl.id IN (
           SELECT s.fk_id_spatial_layer FROM gobs.series AS s JOIN gobs.project AS p ON p.id = s.fk_id_project
           WHERE p.pt_code = $1
       )
       ORDER BY sl.id`,
      [projectKey],
    )
  ).rows;

  const db = new Database(file);
  try {
    db.pragma('application_id = 1196444487'); // 'GPKG'
    db.pragma('user_version = 10300');
    db.exec(`
      CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
    `);
    const srs = db.prepare(`INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)`);
    srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
    srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
    srs.run(
      'WGS 84 geodetic',
      4326,
      'EPSG',
      4326,
      'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
        'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
        'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],' +
        'AUTHORITY["EPSG","4326"]]',
      'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
    );

    for (const layer of layers) {
      const table = layer.sl_code;
      const geometryType = GEOMETRY_TYPES[layer.sl_geometry_type.toLowerCase()] ?? 'GEOMETRY';
      db.exec(
        `CREATE TABLE "${table}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${geometryType},
          code TEXT, label TEXT, uid TEXT, valid_from DATE, valid_to DATE)`,
      );
      db.prepare(
        `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)`,
      ).run(
        table,
        layer.sl_label,
        layer.sl_description,
        '2025-01-01T00:00:00.000Z',
        layer.xmin,
        layer.ymin,
        layer.xmax,
        layer.ymax,
      );
      db.prepare(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`).run(table, geometryType);

      const objects = (
        await sql.query<ObjectRow>(
          `SELECT so_unique_id AS code, so_unique_label AS label, so_uid::text AS uid,
                  to_char(so_valid_from, 'YYYY-MM-DD') AS valid_from, to_char(so_valid_to, 'YYYY-MM-DD') AS valid_to,
                  ST_AsBinary(geom, 'NDR') AS wkb,
                  ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
           FROM gobs.spatial_object WHERE fk_id_spatial_layer = $1 ORDER BY id`,
          [layer.id],
        )
      ).rows;
      const insert = db.prepare(
        `INSERT INTO "${table}" (geom, code, label, uid, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      db.transaction(() => {
        for (const o of objects) insert.run(gpkgGeometry(o), o.code, o.label, o.uid, o.valid_from, o.valid_to);
      })();
    }
  } finally {
    db.close();
  }
}
