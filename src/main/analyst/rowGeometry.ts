/** The geometry of a stored observation: its WKT when it has one that parses, else its x/y point. */
import type { Geometry } from '../../shared/geometry';
import { parseWkt } from '../../shared/wkt';

export function rowGeometry(r: { x: number; y: number; wkt: string | null }): Geometry {
  if (r.wkt) {
    try {
      // Tolerant: older versions stored 3D coordinates; the map and the exports are 2D.
      return parseWkt(r.wkt, { dropZ: true });
    } catch {
      // A geometry that no longer parses: its position still does.
    }
  }
  return { type: 'Point', coordinates: [r.x, r.y] };
}
