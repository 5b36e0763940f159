/**
 * What every map of the app shares: MapLibre set up to run under the app's CSP (its worker is a
 * file of the build, not a blob), the offline style (a plain background, no glyphs or sprites to
 * fetch), the optional online basemap, and the colour scale of a dimension.
 */
import { setWorkerUrl, type GeoJSONSourceSpecification, type Map as MapLibreMap } from 'maplibre-gl';
import type {
  ExpressionSpecification,
  FilterSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { BASEMAP } from '../../../shared/basemap';
import type { BBox } from '../../../shared/geometry';
import type { ProjectLayer } from '../../../shared/ipc';

setWorkerUrl(workerUrl);

export type { ExpressionSpecification };

/** The offline style: a plain background; sources and layers are added by each map. */
export function baseStyle(basemap: boolean): StyleSpecification {
  return {
    version: 8,
    sources: basemap
      ? {
          basemap: {
            type: 'raster',
            tiles: [BASEMAP.tiles],
            tileSize: BASEMAP.tileSize,
            maxzoom: BASEMAP.maxzoom,
            attribution: `<a href="${BASEMAP.attributionUrl}">${BASEMAP.attribution}</a>`,
          },
        }
      : {},
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
      ...(basemap ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap' }] : []),
    ],
  };
}

/** Whether this browser can draw a map at all (WebGL 2, or WebGL in software). */
export function canDrawMaps(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

/** A bbox grown so that a single point or a flat line still frames something (degrees). */
export function padBBox(b: BBox, min = 0.01): [[number, number], [number, number]] {
  const padX = Math.max(min, (b[2] - b[0]) * 0.05);
  const padY = Math.max(min, (b[3] - b[1]) * 0.05);
  return [
    [Math.max(-180, b[0] - padX), Math.max(-85, b[1] - padY)],
    [Math.min(180, b[2] + padX), Math.min(85, b[3] + padY)],
  ];
}

/** A sequential palette readable on the light background and by most colour-blind readers (viridis-like). */
export const RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;
export const TRUE_COLOUR = '#1f6fb2';
export const FALSE_COLOUR = '#d97706';
export const PLAIN_COLOUR = '#1f6fb2';
export const NO_VALUE_COLOUR = '#9aa4b1';

/** The MapLibre colour expression of the `value` property over [min, max]. */
export function rampExpression(min: number, max: number, property = 'value'): ExpressionSpecification {
  if (!(max > min)) return ['case', ['==', ['typeof', ['get', property]], 'number'], RAMP[2], NO_VALUE_COLOUR];
  const stops = RAMP.flatMap((c, i) => [min + ((max - min) * i) / (RAMP.length - 1), c]);
  return [
    'case',
    ['==', ['typeof', ['get', property]], 'number'],
    ['interpolate', ['linear'], ['get', property], ...stops] as ExpressionSpecification,
    NO_VALUE_COLOUR,
  ];
}

/**
 * Layer filters by geometry: `geometry-type` names multi-part geometries 'MultiPoint', 'MultiPolygon'…
 * so each filter lists both forms.
 */
export const POINTS: FilterSpecification = ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]];
export const AREAS: FilterSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
export const OUTLINES: FilterSpecification = [
  'in',
  ['geometry-type'],
  ['literal', ['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']],
];

/** Muted colours for the project's own layers: context, not data. */
const LAYER_COLOURS = ['#6b7785', '#8a6f4e', '#5f7f5a', '#7a5f8a'];

/** The ids of the MapLibre layers that draw project layer `i`. */
export function projectLayerIds(i: number): string[] {
  return ['fill', 'line', 'point'].map((k) => `layer-${i}-${k}`);
}

/** Draws the project's GeoPackage layers under `before` (the first layer of the map's own data). */
export function addProjectLayers(map: MapLibreMap, layers: readonly ProjectLayer[], before?: string): void {
  layers.forEach((layer, i) => {
    if (layer.unsupportedCrs || layer.features.length === 0) return;
    const source = `layer-${i}`;
    const colour = LAYER_COLOURS[i % LAYER_COLOURS.length]!;
    const data = { type: 'FeatureCollection', features: layer.features } as GeoJSONSourceSpecification['data'];
    map.addSource(source, { type: 'geojson', data });
    const [fill, line, point] = projectLayerIds(i) as [string, string, string];
    map.addLayer(
      {
        id: fill,
        type: 'fill',
        source,
        filter: AREAS,
        paint: { 'fill-color': colour, 'fill-opacity': 0.12 },
      },
      before,
    );
    map.addLayer(
      {
        id: line,
        type: 'line',
        source,
        filter: OUTLINES,
        paint: { 'line-color': colour, 'line-width': 1.2 },
      },
      before,
    );
    map.addLayer(
      {
        id: point,
        type: 'circle',
        source,
        filter: POINTS,
        paint: { 'circle-color': colour, 'circle-radius': 3 },
      },
      before,
    );
  });
}
