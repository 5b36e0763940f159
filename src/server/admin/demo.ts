/**
 * The demo data set (`npm run server -- demo`): two projects, four indicators (one with five
 * dimensions of every type), documents with real files, ~6,000 observations over two years and
 * the Occitanie/Cévennes area; users demo/demo (writer) and analyst/analyst (reader) in both
 * projects, plus field/field, the field technician who authored most observations. Each project
 * has its layers as a GeoPackage (built from demo-layers/*.geojson by scripts/demo-geopackages.sh).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type DateFormat } from '../../shared/api.js';
import { type Db } from '../db/types.js';
import {
  addDocument,
  createIndicator,
  createProject,
  createUser,
  grantRole,
  insertObservations,
  type IndicatorSpec,
  linkIndicator,
  type SeedObservation,
} from './seed.js';
import { pdf, png } from './files.js';
import { setProjectExtent, setProjectGeopackage } from './projectFiles.js';
import { type CsvValue, csvRow } from '../../shared/csv.js';

export const DEMO_PROJECTS = [
  {
    key: 'environment~water',
    label: 'Water quality',
    description: 'Rivers and lakes of the Hérault basin: rainfall, water chemistry and riverbank birds.',
    // layers: stations (points), rivers (lines), catchments (polygons); sources in demo-layers/
    geopackage: 'water.gpkg',
    extent: { xmin: 3.15, ymin: 43.25, xmax: 4.0, ymax: 44.1 },
  },
  {
    key: 'environment~air',
    label: 'Air and weather',
    description: 'Weather stations and air quality sensors of the Montpellier area.',
    // layers: sensors (points), communes (polygons and a multipolygon)
    geopackage: 'air.gpkg',
    extent: { xmin: 3.3, ymin: 43.35, xmax: 4.0, ymax: 43.7 },
  },
];

/** What `demo` creates, for tests and docs that must not hard-code it twice. */
export const DEMO = {
  writer: { username: 'demo', password: 'demo' },
  reader: { username: 'analyst', password: 'analyst' },
  field: { username: 'field', password: 'field' },
  projects: ['environment~air', 'environment~water'],
  /** Indicator codes per project key, as GET /project/{key}/indicators lists them (by code). */
  indicators: {
    'environment~water': ['bird_count', 'pluviometry', 'water_quality'],
    'environment~air': ['air_quality', 'pluviometry'],
  } as Record<string, string[]>,
  observations: { pluviometry: 2400, water_quality: 1600, bird_count: 600, air_quality: 1600 } as Record<
    string,
    number
  >,
  documents: 5,
};

const INDICATORS: (IndicatorSpec & { projects: string[] })[] = [
  {
    code: 'pluviometry',
    label: 'Hourly pluviometry',
    description: 'Hourly rainfall measured by field rain gauges.',
    category: 'weather',
    date_format: 'hour',
    values: [{ code: 'rain', name: 'Rainfall', type: 'real', unit: 'mm' }],
    projects: ['environment~water', 'environment~air'],
  },
  {
    code: 'water_quality',
    label: 'River water quality',
    description: 'Daily field measurements of river water at sampling stations.',
    category: 'water',
    date_format: 'day',
    values: [
      { code: 'temperature', name: 'Water temperature', type: 'real', unit: '°C' },
      { code: 'ph', name: 'pH', type: 'real', unit: null },
      { code: 'conductivity', name: 'Conductivity', type: 'integer', unit: 'µS/cm' },
      { code: 'turbid', name: 'Turbid water', type: 'boolean', unit: null },
      { code: 'station', name: 'Station', type: 'string', unit: null },
    ],
    projects: ['environment~water'],
  },
  {
    code: 'bird_count',
    label: 'Riverbank bird count',
    description: 'Birds counted along riverbank transects (the geometry is the transect walked).',
    category: 'biodiversity',
    date_format: 'day',
    values: [
      { code: 'species', name: 'Species', type: 'string', unit: null },
      { code: 'count', name: 'Individuals', type: 'integer', unit: null },
      { code: 'nesting', name: 'Nesting observed', type: 'boolean', unit: null },
    ],
    projects: ['environment~water'],
  },
  {
    code: 'air_quality',
    label: 'Air quality',
    description: 'Hourly fine particles and nitrogen dioxide from low-cost sensors.',
    category: 'air',
    date_format: 'hour',
    values: [
      { code: 'pm25', name: 'PM2.5', type: 'real', unit: 'µg/m³' },
      { code: 'no2', name: 'NO2', type: 'integer', unit: 'µg/m³' },
      { code: 'sensor', name: 'Sensor', type: 'string', unit: null },
    ],
    projects: ['environment~air'],
  },
];

/** Deterministic pseudo-random numbers (mulberry32), so every demo is the same. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pad = (n: number) => String(n).padStart(2, '0');
/** The time of an observation at its indicator's precision (an hourly reading is at HH:00:00). */
function stamp(d: Date, format: DateFormat): string {
  const hh = format === 'hour' || format === 'minute' || format === 'second' ? pad(d.getUTCHours()) : '00';
  const mm = format === 'minute' || format === 'second' ? pad(d.getUTCMinutes()) : '00';
  const ss = format === 'second' ? pad(d.getUTCSeconds()) : '00';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hh}:${mm}:${ss}`;
}
const round = (v: number, digits: number) => Number(v.toFixed(digits));
const uuidFrom = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const STATIONS = [
  { name: 'Ganges bridge', x: 3.708, y: 43.934 },
  { name: 'Saint-Guilhem', x: 3.549, y: 43.734 },
  { name: 'Agde lock', x: 3.468, y: 43.312 },
  { name: 'Lodève', x: 3.319, y: 43.731 },
  { name: 'Pézenas', x: 3.423, y: 43.459 },
  { name: 'Montpellier Lez', x: 3.887, y: 43.596 },
  { name: 'Sète port', x: 3.697, y: 43.402 },
  { name: 'Clermont lake', x: 3.392, y: 43.645 },
];
const SPECIES = ['Grey heron', 'Little egret', 'Kingfisher', 'Mallard', 'Grey wagtail', 'Dipper', 'Cormorant'];
const START = Date.UTC(2024, 0, 1);
const SPAN = 2 * 365 * 24 * 3600 * 1000;

function* observationsFor(code: string, n: number): Generator<SeedObservation> {
  const r = rng(code.length * 7919 + n);
  const format = INDICATORS.find((i) => i.code === code)!.date_format;
  for (let k = 0; k < n; k++) {
    const st = STATIONS[Math.floor(r() * STATIONS.length)]!;
    const when = new Date(START + Math.floor((k / n) * SPAN + r() * 3600_000));
    const x = round(st.x + (r() - 0.5) * 0.05, 6);
    const y = round(st.y + (r() - 0.5) * 0.05, 6);
    const season = Math.cos(((when.getUTCMonth() + 0.5) / 12) * 2 * Math.PI); // 1 in January
    const base = { uuid: uuidFrom(`${code}:${k}`), timestamp: stamp(when, format), x, y };
    switch (code) {
      case 'pluviometry':
        yield { ...base, values: { rain: r() < 0.6 ? 0 : round(r() * r() * 25 * (1 + season / 2), 1) } };
        break;
      case 'water_quality':
        yield {
          ...base,
          values: {
            temperature: round(14 - season * 8 + (r() - 0.5) * 3, 1),
            ph: round(7.4 + (r() - 0.5) * 1.2, 2),
            conductivity: Math.round(350 + r() * 400),
            turbid: r() < 0.15,
            station: st.name,
          },
        };
        break;
      case 'bird_count': {
        const x2 = round(x + 0.004 + r() * 0.01, 6);
        const y2 = round(y + (r() - 0.5) * 0.01, 6);
        yield {
          ...base,
          x: round((x + x2) / 2, 6),
          y: round((y + y2) / 2, 6),
          wkt: `LINESTRING(${x} ${y}, ${x2} ${y2})`,
          values: {
            species: SPECIES[Math.floor(r() * SPECIES.length)]!,
            count: 1 + Math.floor(r() * r() * 30),
            nesting: r() < 0.2,
          },
        };
        break;
      }
      case 'air_quality':
        yield {
          ...base,
          values: {
            pm25: round(4 + r() * 20 + season * 6, 1),
            no2: Math.round(8 + r() * 45),
            sensor: `AQ-${String(Math.floor(r() * 12) + 1).padStart(2, '0')}`,
          },
        };
        break;
    }
  }
}

const COUNTS = DEMO.observations;

function writeDocuments(dir: string) {
  const files = {
    chart: path.join(dir, 'rain-gauge-network.png'),
    guide: path.join(dir, 'pluviometer-field-guide.pdf'),
    protocol: path.join(dir, 'water-sampling-protocol.pdf'),
    sheet: path.join(dir, 'bird-count-sheet.csv'),
    sensor: path.join(dir, 'sensor-map.png'),
  };
  // A map-like picture: blue river on green land, with station dots.
  fs.writeFileSync(
    files.chart,
    png(240, 160, (x, y) => {
      const river = Math.abs(y - 80 - 30 * Math.sin(x / 30)) < 6;
      const dot = STATIONS.some((s) => Math.hypot(x - (s.x - 3.2) * 320, y - (44 - s.y) * 220) < 4);
      return dot ? [200, 30, 30] : river ? [40, 110, 200] : [120 + (x % 7), 170, 90 + (y % 5)];
    }),
  );
  fs.writeFileSync(
    files.sensor,
    png(160, 120, (x, y) => {
      const v = Math.round(128 + 100 * Math.sin(x / 15) * Math.cos(y / 12));
      return [v, 255 - v, 120];
    }),
  );
  fs.writeFileSync(
    files.guide,
    pdf('Field guide: reading a pluviometer', [
      '1. Read the gauge every hour, at eye level, at the bottom of the meniscus.',
      '2. Record the rainfall in millimetres with one decimal (0.0 when dry).',
      '3. Empty the gauge after each reading; note any overflow in the comment.',
      '4. Sync the tablet when back in network coverage.',
    ]),
  );
  fs.writeFileSync(
    files.protocol,
    pdf('Water sampling protocol', [
      'Sample mid-stream, 20 cm below the surface, facing upstream.',
      'Measure temperature first, then pH (calibrate daily) and conductivity.',
      'Turbid water: tick when the Secchi disc disappears above 50 cm.',
    ]),
  );
  const sheet: CsvValue[][] = [
    ['species', 'count', 'nesting'],
    ['Grey heron', 2, false],
    ['Kingfisher', 1, true],
  ];
  fs.writeFileSync(files.sheet, sheet.map((r) => csvRow(r) + '\n').join(''));
  return files;
}

/** Creates the demo data set; returns false when it is already present (the command is idempotent). */
export async function seedDemo(db: Db): Promise<boolean> {
  if ((await db.query("SELECT 1 FROM app_user WHERE login = 'demo'")).length > 0) return false;
  for (const u of [DEMO.writer, DEMO.reader, DEMO.field]) await createUser(db, u.username, u.password);
  for (const p of DEMO_PROJECTS) {
    await createProject(db, p);
    await setProjectGeopackage(db, p.key, fileURLToPath(new URL(`demo-layers/${p.geopackage}`, import.meta.url)));
    await setProjectExtent(db, p.key, p.extent);
    await grantRole(db, DEMO.writer.username, p.key, 'writer');
    await grantRole(db, DEMO.reader.username, p.key, 'reader');
    await grantRole(db, DEMO.field.username, p.key, 'writer');
  }
  for (const { projects, ...spec } of INDICATORS) {
    await createIndicator(db, spec);
    for (const key of projects) await linkIndicator(db, key, spec.code);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-demo-'));
  try {
    const f = writeDocuments(tmp);
    await addDocument(db, {
      indicator: 'pluviometry',
      file: f.chart,
      label: 'Rain gauge network',
      type: 'preview',
      description: 'Where the gauges are.',
    });
    await addDocument(db, {
      indicator: 'pluviometry',
      file: f.guide,
      label: 'Pluviometer field guide',
      type: 'document',
    });
    await addDocument(db, {
      indicator: 'water_quality',
      file: f.protocol,
      label: 'Water sampling protocol',
      type: 'document',
    });
    await addDocument(db, {
      indicator: 'bird_count',
      file: f.sheet,
      label: 'Bird count sheet (CSV)',
      type: 'other',
    });
    await addDocument(db, {
      indicator: 'air_quality',
      file: f.sensor,
      label: 'Sensor coverage map',
      type: 'image',
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const [code, n] of Object.entries(COUNTS)) {
    // Most observations come from the field technician; the last ones from the demo user, so the
    // demo user can edit some of their own.
    const all = [...observationsFor(code, n)];
    const own = Math.floor(n / 20);
    await insertObservations(db, { indicator: code, author: 'field', observations: all.slice(0, n - own) });
    await insertObservations(db, { indicator: code, author: 'demo', observations: all.slice(n - own) });
  }
  return true;
}
