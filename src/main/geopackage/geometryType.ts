/** The geometry type a GeoPackage feature column declares for a set of geometries. */
import { OGC_TYPE_NAMES, type Geometry, type GeometryType } from '../../shared/geometry';

/** GeoPackage geometry type names: the OGC types, and GEOMETRY for any. */
export type OgcTypeName = (typeof OGC_TYPE_NAMES)[GeometryType] | 'GEOMETRY';

/** The single or multi type a column must declare to hold every geometry of these types. */
export function commonType(types: Iterable<GeometryType>): OgcTypeName | null {
  const family = (t: GeometryType) => t.replace(/^Multi/, '') as 'Point' | 'LineString' | 'Polygon';
  let first: GeometryType | null = null;
  let multi = false;
  for (const t of types) {
    if (first === null) first = t;
    else if (family(t) !== family(first)) return 'GEOMETRY';
    if (t.startsWith('Multi') || (first !== null && t !== first)) multi = true;
  }
  if (first === null) return null;
  const f = family(first);
  return OGC_TYPE_NAMES[multi ? (`Multi${f}` as GeometryType) : f];
}

/** Wraps a single geometry into its multi type (`MultiPoint` of one point, ...). */
export function toMulti(g: Geometry): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'MultiPoint', coordinates: [g.coordinates] };
    case 'LineString':
      return { type: 'MultiLineString', coordinates: [g.coordinates] };
    case 'Polygon':
      return { type: 'MultiPolygon', coordinates: [g.coordinates] };
    default:
      return g;
  }
}
