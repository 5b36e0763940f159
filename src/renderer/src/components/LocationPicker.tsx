/**
 * A small map beside the observation's location fields: it shows the point (or the line or
 * polygon of the WKT); a click sets the point, and the point can be dragged. The fields stay the
 * truth: the map reads them through the shared WKT rule and writes back through it.
 */
import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, Marker, NavigationControl, type GeoJSONSource } from 'maplibre-gl';
import { t } from '../i18n';
import { addProjectLayers, AREAS, baseStyle, canDrawMaps, OUTLINES, padBBox } from '../lib/maps';
import { bbox, type Geometry } from '../../../shared/geometry';
import type { ProjectLayer } from '../../../shared/ipc';

interface Props {
  /** The geometry the fields describe now, or null when they are empty or invalid. */
  geometry: Geometry | null;
  /** Where to look when there is no geometry yet (the project's extent). */
  fallback: [number, number, number, number] | null;
  basemap: boolean;
  /** The project's GeoPackage layers, for context. */
  layers: readonly ProjectLayer[];
  disabled?: boolean;
  onPick(lon: number, lat: number): void;
}

/** Six decimals of a degree: about 0.1 m, finer than any field GPS. */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function LocationPicker({ geometry, fallback, basemap, layers, disabled, onPick }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | undefined>(undefined);
  const marker = useRef<Marker | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const pick = useRef({ onPick, disabled });
  pick.current = { onPick, disabled };
  const framed = useRef(false);
  // Read once, when the map loads: the layers do not change while the form is open.
  const layersRef = useRef(layers);
  const [webgl] = useState(canDrawMaps);

  useEffect(() => {
    if (!container.current || !webgl) return;
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(basemap),
      center: [2.35, 46.6],
      zoom: 4,
      attributionControl: basemap ? { compact: true } : false,
      dragRotate: false,
      pitchWithRotate: false,
      fadeDuration: 0,
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    (container.current as HTMLDivElement & { maplibre?: MapLibreMap }).maplibre = map;
    mapRef.current = map;
    map.on('load', () => {
      addProjectLayers(map, layersRef.current);
      map.addSource('shape', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({
        id: 'shape-fill',
        type: 'fill',
        source: 'shape',
        filter: AREAS,
        paint: { 'fill-color': '#1f6fb2', 'fill-opacity': 0.25 },
      });
      map.addLayer({
        id: 'shape-line',
        type: 'line',
        source: 'shape',
        filter: OUTLINES,
        paint: { 'line-color': '#1f6fb2', 'line-width': 2 },
      });
      setReady(true);
    });
    map.on('click', (e) => {
      if (pick.current.disabled) return;
      pick.current.onPick(round(e.lngLat.lng), round(e.lngLat.lat));
    });
    return () => {
      marker.current?.remove();
      marker.current = undefined;
      map.remove();
      mapRef.current = undefined;
      framed.current = false;
      setReady(false);
    };
  }, [basemap, webgl]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const point = geometry?.type === 'Point' ? geometry.coordinates : null;
    (map.getSource('shape') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: geometry && !point ? [{ type: 'Feature', geometry, properties: {} }] : [],
    });
    if (point) {
      if (!marker.current) {
        // The point can be dragged too; the fields take where it is dropped.
        const m = new Marker({ color: '#c2410c', draggable: true });
        m.on('dragend', () => {
          const at = m.getLngLat();
          if (!pick.current.disabled) pick.current.onPick(round(at.lng), round(at.lat));
        });
        marker.current = m;
      }
      marker.current.setDraggable(!disabled);
      marker.current.setLngLat(point).addTo(map);
    } else {
      marker.current?.remove();
    }
    // Frame once: later clicks must not move the map under the user's pointer.
    if (!framed.current) {
      const box = geometry ? bbox(geometry) : fallback;
      if (box) {
        map.fitBounds(padBBox(box, point ? 0.02 : 0.001), { padding: 20, animate: false, maxZoom: 15 });
        framed.current = true;
      }
    }
  }, [ready, geometry, fallback, disabled]);

  if (!webgl) return null;
  return (
    <div className="location-picker">
      <div
        ref={container}
        className="location-map"
        role="region"
        aria-label={t('observation.pickOnMap')}
        aria-describedby="location-map-hint"
      />
      <p id="location-map-hint" className="small muted">
        {t('observation.pickOnMapHint')}
      </p>
    </div>
  );
}
