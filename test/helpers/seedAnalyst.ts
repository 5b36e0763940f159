/**
 * Realistic observations for the analyst's views and exports: stations spread over France, each
 * observing on its own schedule, most of them points, some rivers (lines), ponds (polygons) and
 * multi-part sites; typed values with a seasonal signal, some missing; notes and authors with the
 * characters that break naive CSV writers (commas, quotes, line breaks, formula prefixes, non-Latin
 * text); the recent end of the series not yet synced, a few deletions and conflicts.
 */
import { randomUUID } from 'node:crypto';
import { centroid } from '../../src/shared/geometry';
import { parseWkt } from '../../src/shared/wkt';
import { accountDir, openAccountStore, type AccountRef } from '../../src/main/store/account';
import { saveProjectIndicators } from '../../src/main/store/indicators';
import { searchText } from '../../src/main/store/observations';
import { replaceProjects, setProjectFile } from '../../src/main/store/projects';
import type { Indicator as WireIndicator } from '../../src/shared/api';
import { jsonFileSettings } from './desktop';
import { join } from 'node:path';
import { FAUNA, PLUVIO } from './seedStore';

export const WATER: WireIndicator = {
  id: 3,
  code: 'water_quality',
  label: 'Water quality',
  description: 'Rivers and ponds, measured by the stations',
  category: 'Water',
  date_format: 'second',
  values: [
    { code: 'temperature', name: 'Temperature', type: 'real', unit: '°C' },
    { code: 'ph', name: 'pH', type: 'real', unit: null },
    { code: 'level', name: 'Level', type: 'integer', unit: 'cm' },
    { code: 'flooded', name: 'Flooded', type: 'boolean', unit: null },
    { code: 'note', name: 'Note', type: 'string', unit: null },
  ],
  documents: [],
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
};

/** Texts that must survive every export unchanged (CSV: escaped against formulas). */
export const TRICKY_TEXTS = [
  'turbid, brown',
  'say "hello"',
  'two\nlines',
  'carriage\r\nreturn',
  '=SUM(A1:A9)',
  '=HYPERLINK("http://example.invalid","click")',
  '+33 6 12 34 56 78',
  '-12',
  '@cmd',
  '\tindented',
  'é ü ß 雨 💧',
];

const SEEDED_GEOPACKAGE = 'water-layers.gpkg';

/** The file a seeded account reads as its project's downloaded GeoPackage. */
export function seededGeoPackagePath(dataDir: string, ref: AccountRef): string {
  return join(accountDir(dataDir, ref), 'documents', SEEDED_GEOPACKAGE);
}

export function seedAnalystAccount(
  dataDir: string,
  ref: AccountRef = { serverUrl: 'http://127.0.0.1:9/api', username: 'tester' },
): AccountRef {
  const store = openAccountStore(dataDir, ref);
  replaceProjects(store.db, [{ key: 'water', label: 'Water', description: null, media_url: null }]);
  saveProjectIndicators(store.db, 'water', [PLUVIO, FAUNA, WATER]);
  // Where a sync would have downloaded the project's GeoPackage; tests write one there (or not).
  setProjectFile(store.db, 'water', 'geopackage', SEEDED_GEOPACKAGE, null);
  store.db.close();
  jsonFileSettings(join(dataDir, 'settings.json')).set('currentAccount', ref);
  return ref;
}

/** Seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Station {
  x: number;
  y: number;
  wkt: string | null;
}

/** Station i: 80 % points (half with a POINT WKT), then lines, polygons and multi-part sites. */
export function stations(count: number, seed = 42): Station[] {
  const r = rng(seed);
  const out: Station[] = [];
  for (let i = 0; i < count; i++) {
    const x0 = -4.5 + r() * 12.5;
    const y0 = 42.5 + r() * 8.5;
    const f = (n: number) => Number(n.toFixed(6));
    const d = 0.01 + r() * 0.02;
    let wkt: string | null;
    switch (i % 20) {
      case 16:
      case 17:
        wkt = `LINESTRING (${f(x0)} ${f(y0)}, ${f(x0 + d)} ${f(y0 + d / 2)}, ${f(x0 + 2 * d)} ${f(y0)}, ${f(x0 + 3 * d)} ${f(y0 + d)})`;
        break;
      case 18:
        wkt = `POLYGON ((${f(x0)} ${f(y0)}, ${f(x0 + d)} ${f(y0)}, ${f(x0 + d)} ${f(y0 + d)}, ${f(x0)} ${f(y0 + d)}, ${f(x0)} ${f(y0)}))`;
        break;
      case 19:
        wkt =
          i % 40 === 19
            ? `MULTIPOLYGON (((${f(x0)} ${f(y0)}, ${f(x0 + d)} ${f(y0)}, ${f(x0)} ${f(y0 + d)}, ${f(x0)} ${f(y0)})), ((${f(x0 + 2 * d)} ${f(y0)}, ${f(x0 + 3 * d)} ${f(y0)}, ${f(x0 + 2 * d)} ${f(y0 + d)}, ${f(x0 + 2 * d)} ${f(y0)})))`
            : `MULTILINESTRING ((${f(x0)} ${f(y0)}, ${f(x0 + d)} ${f(y0 + d)}), (${f(x0 + 2 * d)} ${f(y0)}, ${f(x0 + 3 * d)} ${f(y0 + d)}))`;
        break;
      default:
        wkt = i % 2 === 0 ? null : `POINT (${f(x0)} ${f(y0)})`;
    }
    const [x, y] = wkt ? centroid(parseWkt(wkt)) : [f(x0), f(y0)];
    out.push({ x, y, wkt });
  }
  return out;
}

export interface WaterSeedOptions {
  stations?: number;
  /** First timestamp ('YYYY-MM-DD HH:MM:SS', read as UTC). */
  start?: string;
  years?: number;
  seed?: number;
  /** Rows per transaction (progress for large seeds). */
  onProgress?: (done: number) => void;
}

/**
 * Inserts `n` water_quality observations, spread evenly over `years` from `start` (stations take
 * turns, so timestamps increase with the row number). Returns the stations used.
 */
export function seedWaterObservations(
  dataDir: string,
  ref: AccountRef,
  n: number,
  o: WaterSeedOptions = {},
): Station[] {
  const sites = stations(o.stations ?? 200, o.seed ?? 42);
  const r = rng((o.seed ?? 42) + 1);
  const start = Date.parse(`${(o.start ?? '2020-01-01 00:00:00').replace(' ', 'T')}Z`) / 1000;
  const span = (o.years ?? 5) * 365 * 86_400;
  const step = span / Math.max(1, n);
  const store = openAccountStore(dataDir, ref);
  const insert = store.db.prepare(
    `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, x, y, wkt, vals, author, state, prev_state, search)
     VALUES (?, ?, 'water_quality', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const chunk = 50_000;
  for (let base = 0; base < n; base += chunk) {
    store.db.transaction(() => {
      for (let i = base; i < Math.min(n, base + chunk); i++) {
        const s = sites[i % sites.length]!;
        const t = start + Math.floor(i * step);
        const ts = new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
        const day = (t / 86_400) % 365.25;
        const level = Math.floor(r() * 500);
        const values: Record<string, number | boolean | string> = {
          temperature:
            Math.round((8 + 12 * Math.sin((2 * Math.PI * (day - 110)) / 365.25) + (r() - 0.5) * 4) * 10) / 10,
          level,
          flooded: level > 420,
          note: i % 50 === 7 ? TRICKY_TEXTS[((i / 50) % TRICKY_TEXTS.length) | 0]! : i % 9 === 0 ? 'clear' : '',
        };
        // Some rows of older versions lack a value.
        if (i % 13 !== 5) values['ph'] = Math.round((6.5 + r() * 2) * 100) / 100;
        const author = i % 97 === 3 ? '=cmd|" /C calc"!A0' : i % 3 === 0 ? 'alice' : 'bob';
        // The most recent 0.5 % is not synced yet; a few older rows are deleted or in conflict.
        let state = 'synced';
        let prev: string | null = null;
        if (i >= n * 0.995) state = i % 2 === 0 ? 'local' : 'modified';
        else if (i % 2000 === 11) {
          state = 'deleted';
          prev = 'synced';
        } else if (i % 5000 === 13) state = 'conflict';
        const uuid = randomUUID();
        insert.run(
          uuid,
          state === 'local' ? null : 10_000_000 + i,
          ts,
          s.x,
          s.y,
          s.wkt,
          JSON.stringify(values),
          author,
          state,
          prev,
          searchText(ts, values, author, uuid),
        );
      }
    })();
    o.onProgress?.(Math.min(n, base + chunk));
  }
  store.db.close();
  return sites;
}
