/**
 * The grid observations are clustered on: Web Mercator tiles (the map's own projection), so a
 * cluster cell at level L is the slippy-map tile (x, y, L). At map zoom z a cell of level z + 2 is
 * a quarter of a 256-pixel tile: about 64 pixels on screen. Pure TypeScript.
 */
import type { BBox } from './geometry';

/** Latitude limit of Web Mercator. */
export const MAX_LATITUDE = 85.0511287798066;
/** The deepest level clusters are computed at (cells of a few metres). */
export const MAX_CLUSTER_LEVEL = 24;

export function clusterLevel(zoom: number): number {
  return Math.max(0, Math.min(MAX_CLUSTER_LEVEL, Math.floor(zoom) + 2));
}

export function lonToCellX(lon: number, level: number): number {
  const n = 2 ** level;
  return Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
}

export function latToCellY(lat: number, level: number): number {
  const n = 2 ** level;
  const phi = (Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI) / 180;
  const y = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
  return Math.min(n - 1, Math.max(0, Math.floor(y * n)));
}

export function cellXToLon(x: number, level: number): number {
  return (x / 2 ** level) * 360 - 180;
}

export function cellYToLat(y: number, level: number): number {
  const t = Math.PI * (1 - (2 * y) / 2 ** level);
  return (Math.atan(Math.sinh(t)) * 180) / Math.PI;
}

/** The cells of `level` a bbox touches: x0..x1 (west to east), y0..y1 (north to south). */
export function cellRange(b: BBox, level: number): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: lonToCellX(b[0], level),
    x1: lonToCellX(b[2], level),
    y0: latToCellY(b[3], level),
    y1: latToCellY(b[1], level),
  };
}

/** The bbox of one cell. */
export function cellBBox(x: number, y: number, level: number): BBox {
  return [cellXToLon(x, level), cellYToLat(y + 1, level), cellXToLon(x + 1, level), cellYToLat(y, level)];
}
