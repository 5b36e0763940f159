/**
 * The filtered set on a map. Main decides what is drawn (`map.view`): the observations themselves
 * when few are in view, grid clusters when dense, so the renderer never holds a million features.
 * Points, lines and polygons are drawn as such, coloured by the chosen dimension, over the
 * project's GeoPackage layers (and the online basemap when enabled in Settings).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Map as MapLibreMap, Marker, NavigationControl, ScaleControl, type GeoJSONSource } from 'maplibre-gl';
import { t } from '../i18n';
import { formatNumber } from '../lib/format';
import {
  addProjectLayers,
  AREAS,
  OUTLINES,
  POINTS,
  baseStyle,
  canDrawMaps,
  FALSE_COLOUR,
  NO_VALUE_COLOUR,
  padBBox,
  PLAIN_COLOUR,
  projectLayerIds,
  RAMP,
  rampExpression,
  TRUE_COLOUR,
  type ExpressionSpecification,
} from '../lib/maps';
import { ErrorBanner } from './ErrorBanner';
import { toGobsError } from '../lib/errors';
import type { IndicatorSummary, MapView as MapData, ObservationFilter, ProjectLayer } from '../../../shared/ipc';
import type { BBox } from '../../../shared/geometry';
import type { GobsError } from '../../../shared/errors';

interface Props {
  projectKey: string;
  indicator: IndicatorSummary;
  filter: ObservationFilter;
  basemap: boolean;
  onOpen(uuid: string): void;
}

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** Cluster labels are DOM markers (no glyphs to fetch offline): at most this many. */
const MAX_LABELS = 400;

export function MapView({ projectKey, indicator, filter, basemap, onOpen }: Props) {
  const colourable = useMemo(
    () => indicator.dimensions.filter((d) => d.type === 'integer' || d.type === 'real' || d.type === 'boolean'),
    [indicator],
  );
  const [dimension, setDimension] = useState<string>(colourable[0]?.code ?? '');
  const [data, setData] = useState<MapData>();
  const [error, setError] = useState<GobsError>();
  const [layers, setLayers] = useState<ProjectLayer[]>([]);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [ready, setReady] = useState(false);
  const [declared, setDeclared] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | undefined>(undefined);
  const markers = useRef<Marker[]>([]);
  /** A view was asked for and has not arrived: the map is not settled, whatever it last drew. */
  const awaiting = useRef(false);
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const webgl = useMemo(canDrawMaps, []);
  const dim = indicator.dimensions.find((d) => d.code === dimension);

  // The map itself, once: framed on the project's extent.
  useEffect(() => {
    if (!container.current || !webgl) return;
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(basemap),
      bounds: [
        [-10, 35],
        [30, 60],
      ],
      attributionControl: basemap ? { compact: false } : false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      fadeDuration: 0,
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new ScaleControl({}), 'bottom-left');
    // Tests (and only they) reach the map through its element, to find where a feature is drawn.
    (container.current as HTMLDivElement & { maplibre?: MapLibreMap }).maplibre = map;
    mapRef.current = map;
    map.on('load', () => {
      map.addSource('obs', { type: 'geojson', data: EMPTY });
      map.addSource('clusters', { type: 'geojson', data: EMPTY });
      map.addSource('project-extent', { type: 'geojson', data: EMPTY });
      // The area the server declares for the project: an outline under everything else.
      map.addLayer({
        id: 'project-extent',
        type: 'line',
        source: 'project-extent',
        paint: { 'line-color': '#5b6675', 'line-width': 1.5, 'line-dasharray': [4, 3] },
      });
      map.addLayer({
        id: 'obs-fill',
        type: 'fill',
        source: 'obs',
        filter: AREAS,
        paint: { 'fill-color': PLAIN_COLOUR, 'fill-opacity': 0.35 },
      });
      map.addLayer({
        id: 'obs-line',
        type: 'line',
        source: 'obs',
        filter: OUTLINES,
        paint: { 'line-color': PLAIN_COLOUR, 'line-width': 2.5 },
      });
      map.addLayer({
        id: 'obs-point',
        type: 'circle',
        source: 'obs',
        filter: POINTS,
        paint: {
          'circle-color': PLAIN_COLOUR,
          'circle-radius': 5,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      });
      map.addLayer({
        id: 'clusters',
        type: 'circle',
        source: 'clusters',
        paint: {
          'circle-color': PLAIN_COLOUR,
          'circle-opacity': 0.85,
          'circle-radius': ['interpolate', ['linear'], ['ln', ['get', 'count']], 0, 6, 4, 12, 9, 22, 14, 30],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      });
      for (const id of ['obs-fill', 'obs-line', 'obs-point', 'clusters']) {
        map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
        map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
      }
      map.on('click', (e) => {
        const hit = map.queryRenderedFeatures(e.point, {
          layers: ['obs-point', 'obs-line', 'obs-fill', 'clusters'],
        })[0];
        if (!hit) return;
        const uuid = hit.properties['uuid'] as string | undefined;
        if (uuid) onOpenRef.current(uuid);
        else if (hit.layer.id === 'clusters') map.easeTo({ center: e.lngLat, zoom: map.getZoom() + 2 });
      });
      setReady(true);
    });
    return () => {
      for (const m of markers.current) m.remove();
      markers.current = [];
      map.remove();
      mapRef.current = undefined;
      setReady(false);
    };
  }, [basemap, webgl]);

  // The project's extent and layers, once per project.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    let stale = false;
    void window.gobs.projects.extent({ projectKey }).then(
      (extent) => {
        if (stale) return;
        setDeclared(extent.declared !== null);
        if (extent.declared) {
          const [w, s, e, n] = extent.declared;
          (map.getSource('project-extent') as GeoJSONSource).setData({
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'LineString',
              coordinates: [
                [w, s],
                [e, s],
                [e, n],
                [w, n],
                [w, s],
              ],
            },
          });
        }
        if (extent.extent) map.fitBounds(padBBox(extent.extent), { padding: 24, animate: false });
      },
      () => undefined,
    );
    void window.gobs.projects.layers({ projectKey }).then(
      (result) => {
        if (stale) return;
        // Under the observations, whatever the order they arrive in.
        addProjectLayers(map, result.layers, 'obs-fill');
        setLayers(result.layers);
      },
      (err: unknown) => !stale && setError(toGobsError(err)),
    );
    return () => {
      stale = true;
    };
  }, [ready, projectKey]);

  // Layer visibility.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    layers.forEach((layer, i) => {
      for (const id of projectLayerIds(i)) {
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', hidden.has(layer.name) ? 'none' : 'visible');
      }
    });
  }, [ready, layers, hidden]);

  // What is in view, for the filters and the colouring dimension: fetched again after every move.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    let request = 0;
    const load = () => {
      const mine = ++request;
      awaiting.current = true;
      container.current?.setAttribute('aria-busy', 'true');
      const b = map.getBounds();
      const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
      const bbox: BBox = [
        clamp(b.getWest(), -180, 180),
        clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90),
      ];
      window.gobs.map
        .view({
          indicatorCode: indicator.code,
          filter,
          bbox,
          zoom: clamp(map.getZoom(), 0, 24),
          ...(dimension ? { dimension } : {}),
        })
        .then(
          (view) => {
            if (mine !== request) return;
            awaiting.current = false;
            setError(undefined);
            setData(view);
          },
          (err: unknown) => {
            if (mine !== request) return;
            awaiting.current = false;
            container.current?.setAttribute('aria-busy', 'false');
            setError(toGobsError(err));
          },
        );
    };
    load();
    map.on('moveend', load);
    return () => {
      request++;
      map.off('moveend', load);
    };
  }, [ready, indicator.code, filter, dimension]);

  // Draw what main returned.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !data) return;
    const colour = colourExpression(dim?.type, data.valueRange);
    const valueOf = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' ? v : null);
    (map.getSource('obs') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: data.features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { uuid: f.uuid, value: valueOf(f.value), state: f.state },
      })),
    });
    (map.getSource('clusters') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: data.clusters.map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [c.x, c.y] },
        properties: { count: c.count, value: c.mean, ...(c.uuid ? { uuid: c.uuid } : {}) },
      })),
    });
    map.setPaintProperty('obs-fill', 'fill-color', colour);
    map.setPaintProperty('obs-line', 'line-color', colour);
    map.setPaintProperty('obs-point', 'circle-color', colour);
    map.setPaintProperty('clusters', 'circle-color', colour);
    // Busy until MapLibre has drawn the new data (its worker tiles GeoJSON asynchronously), and no
    // newer view is on its way (a move while this one was drawn).
    map.once('idle', () => !awaiting.current && container.current?.setAttribute('aria-busy', 'false'));
    map.triggerRepaint();
    for (const m of markers.current) m.remove();
    markers.current = data.clusters
      .filter((c) => c.count > 1)
      .slice(0, MAX_LABELS)
      .map((c) => {
        const el = document.createElement('span');
        el.className = 'map-cluster-label';
        el.textContent = compactCount(c.count);
        return new Marker({ element: el }).setLngLat([c.x, c.y]).addTo(map);
      });
  }, [ready, data, dim?.type]);

  if (!webgl) return <p className="map-unavailable">{t('map.noWebgl')}</p>;

  return (
    <div className="map-view">
      {error && <ErrorBanner error={error} />}
      <div className="map-frame">
        <div
          ref={container}
          className="map-canvas"
          role="region"
          aria-label={t('map.label')}
          data-mode={data?.mode ?? ''}
          data-total={data?.total ?? ''}
        />
        <aside className="map-legend" aria-label={t('map.legend')}>
          {colourable.length > 0 && (
            <label className="map-dimension">
              <span>{t('map.colourBy')}</span>
              <select value={dimension} onChange={(e) => setDimension(e.target.value)}>
                {colourable.map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.unit ? `${d.name} (${d.unit})` : d.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <Legend type={dim?.type} range={data?.valueRange ?? null} unit={dim?.unit ?? null} />
          {data && (
            <p className="small muted" role="status">
              {data.mode === 'clusters'
                ? t('map.inViewClustered', { count: data.total, clusters: data.clusters.length })
                : t('map.inView', { count: data.total })}
            </p>
          )}
          {declared && (
            <p className="small map-extent-key">
              <span className="map-extent-swatch" aria-hidden="true" />
              {t('map.projectArea')}
            </p>
          )}
          {layers.length > 0 && (
            <fieldset className="map-layers">
              <legend>{t('map.layers')}</legend>
              {layers.map((l) => (
                <label key={l.name} className="check">
                  <input
                    type="checkbox"
                    checked={!hidden.has(l.name)}
                    disabled={l.unsupportedCrs}
                    onChange={(e) =>
                      setHidden((h) => {
                        const next = new Set(h);
                        if (e.target.checked) next.delete(l.name);
                        else next.add(l.name);
                        return next;
                      })
                    }
                  />
                  <span>
                    {l.title}
                    {l.unsupportedCrs && (
                      <span className="small muted"> {t('map.unsupportedCrs', { srs: l.srs })}</span>
                    )}
                  </span>
                </label>
              ))}
            </fieldset>
          )}
        </aside>
      </div>
    </div>
  );
}

function colourExpression(
  type: string | undefined,
  range: { min: number; max: number } | null,
): ExpressionSpecification | string {
  if (type === 'boolean')
    return ['match', ['get', 'value'], 1, TRUE_COLOUR, 0, FALSE_COLOUR, NO_VALUE_COLOUR] as ExpressionSpecification;
  if ((type === 'integer' || type === 'real') && range) return rampExpression(range.min, range.max);
  return PLAIN_COLOUR;
}

function compactCount(n: number): string {
  return formatNumber(n, { notation: 'compact', maximumFractionDigits: 1 });
}

function Legend({
  type,
  range,
  unit,
}: {
  type: string | undefined;
  range: { min: number; max: number } | null;
  unit: string | null;
}) {
  if (type === 'boolean') {
    return (
      <ul className="legend-items">
        <li>
          <span className="swatch swatch-true" aria-hidden="true" />
          {t('map.yes')}
        </li>
        <li>
          <span className="swatch swatch-false" aria-hidden="true" />
          {t('map.no')}
        </li>
        <li>
          <span className="swatch swatch-none" aria-hidden="true" />
          {t('map.noValue')}
        </li>
      </ul>
    );
  }
  if ((type === 'integer' || type === 'real') && range) {
    const fmt = (v: number) => (unit ? `${formatNumber(v)} ${unit}` : formatNumber(v));
    return (
      <div className="legend-ramp">
        <span className="ramp" aria-hidden="true" data-stops={RAMP.length} />
        <span className="ramp-labels">
          <span>{fmt(range.min)}</span>
          <span>{fmt(range.max)}</span>
        </span>
        <span className="small muted">
          <span className="swatch swatch-none" aria-hidden="true" /> {t('map.noValue')}
        </span>
      </div>
    );
  }
  return (
    <ul className="legend-items">
      <li>
        <span className="swatch swatch-plain" aria-hidden="true" />
        {t('map.observations')}
      </li>
    </ul>
  );
}
