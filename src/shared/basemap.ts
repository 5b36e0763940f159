/**
 * The optional online basemap: OpenStreetMap's standard raster tiles. Off by default (the map works
 * offline from the observations and the project's GeoPackage); when the user enables it in Settings,
 * and only then, the Content-Security-Policy lets the renderer fetch from this one origin.
 * OpenStreetMap's tile policy asks for the attribution below to be visible on the map.
 */
export const BASEMAP = {
  origin: 'https://tile.openstreetmap.org',
  tiles: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileSize: 256,
  maxzoom: 19,
  attribution: '© OpenStreetMap contributors',
  attributionUrl: 'https://www.openstreetmap.org/copyright',
} as const;
