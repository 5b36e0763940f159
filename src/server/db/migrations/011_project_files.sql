-- A project may carry its layers as one GeoPackage (stations, rivers, areas) that desktops download
-- for their offline map, and the extent its map opens on; an administrator sets both (CLI
-- `project geopackage` and `project extent`). The file itself is a stored_file like any media.
ALTER TABLE project ADD COLUMN geopackage_file text REFERENCES stored_file (name) ON DELETE SET NULL;
ALTER TABLE project ADD COLUMN extent_xmin double precision;
ALTER TABLE project ADD COLUMN extent_ymin double precision;
ALTER TABLE project ADD COLUMN extent_xmax double precision;
ALTER TABLE project ADD COLUMN extent_ymax double precision;
ALTER TABLE project ADD CONSTRAINT project_extent_check CHECK (
  (extent_xmin IS NULL AND extent_ymin IS NULL AND extent_xmax IS NULL AND extent_ymax IS NULL)
  OR (extent_xmin BETWEEN -180 AND 180 AND extent_xmax BETWEEN -180 AND 180 AND extent_xmin <= extent_xmax
      AND extent_ymin BETWEEN -90 AND 90 AND extent_ymax BETWEEN -90 AND 90 AND extent_ymin <= extent_ymax)
);
CREATE INDEX project_geopackage_file_idx ON project (geopackage_file) WHERE geopackage_file IS NOT NULL;
