/**
 * What the stand-in's fixtures contain (sql/fixtures.sql holds the data itself), for tests to
 * name things without hard-coding ids. Modelled on the module's test data: project
 * `test_project_a`, users gobsapi_writer / gobsapi_reader / gobsapi_writer_filtered with their
 * passwords and groups (tests/README.md and tests/Makefile of lizmap-gobsapi-module), the
 * pluviometry / population / hiker_position / observation indicators and series 1-4.
 */
import { createHash } from 'node:crypto';

/** The server time the fixtures were written at ("2 days ago" means before this). */
export const FIXTURE_NOW = '2025-06-02T08:00:00Z';

export interface FixtureUser {
  login: string;
  password: string;
  email: string;
  firstname: string;
  lastname: string;
  /** Lizmap groups besides `users` and the private `__priv_<login>` every account has. */
  groups: string[];
}

export const FIXTURE_USERS = {
  /** Author of Al's observations (actor email al@al.al), sees the whole of test_project_a and b. */
  writer: {
    login: 'gobsapi_writer',
    password: 'al_password',
    email: 'al@al.al',
    firstname: 'Al',
    lastname: 'A.',
    groups: ['gobsapi_group', 'gobsapi_global_group'],
  },
  /** Another writer (actor John, jon@jon.jon), same views as the writer. */
  otherWriter: {
    login: 'gobsapi_writer_john',
    password: 'john_password',
    email: 'jon@jon.jon',
    firstname: 'John',
    lastname: 'J.',
    groups: ['gobsapi_group', 'gobsapi_global_group'],
  },
  /** Called a reader in the module's test README; no rule of the module we read stops it writing. */
  reader: {
    login: 'gobsapi_reader',
    password: 'bob_password',
    email: 'bob@bob.bob',
    firstname: 'Bob',
    lastname: 'B.',
    groups: ['gobsapi_group', 'gobsapi_global_group'],
  },
  /** Area restriction: only the "east" view of test_project_a (x ≥ -3.775), not project b. */
  filtered: {
    login: 'gobsapi_writer_filtered',
    password: 'md_password',
    email: 'md@md.md',
    firstname: 'Md',
    lastname: 'M.',
    groups: ['gobsapi_group', 'gobsapi_filtered_group'],
  },
  /** A Lizmap account in no G-Obs group: no project. */
  outsider: {
    login: 'lizmap_visitor',
    password: 'visitor_password',
    email: 'visitor@example.org',
    firstname: 'Vi',
    lastname: 'Sitor',
    groups: [],
  },
} satisfies Record<string, FixtureUser>;

export type FixtureUserKey = keyof typeof FIXTURE_USERS;

export const PROJECTS = {
  a: 'test_project_a',
  b: 'test_project_b',
  /** Exists, with a view for other groups and no series: never listed, 404 for everyone here. */
  default: 'default_project',
} as const;

/** Series ids (the path segment of every observation URL). */
export const SERIES = {
  /** pluviometry on layer pluviometers, protocol pluviometry (30 days): 240 hourly values of June 2019 by CIRAD. */
  pluviometry: 1,
  /** population on brittany-cities (shared polygons), protocol population: 7 cities × 2011–2016, by DREAL. */
  population: 2,
  /** hiker_position on gpsposition, protocol gps-tracking (30 days): 5 hikers × 30 points; Al's 20 latest are 2 days old. */
  hikers: 3,
  /** observation (number, species) on faunal_observation, protocol field_observations (7 days). */
  fauna: 4,
  /** river_inspection (date, timestamp, boolean, real, text) on river-stations, protocol river-inspection. */
  riverInspection: 5,
  /** pluviometry again (same indicator as series 1), protocol pluviometry-manual (2 days), by Al. */
  manualPluviometry: 6,
  /** pluviometry in test_project_b (same indicator and layer as series 1), by John. */
  projectBPluviometry: 7,
} as const;

export const LAYERS = {
  pluviometers: 'pluviometers',
  cities: 'brittany-cities',
  gps: 'gpsposition',
  fauna: 'faunal_observation',
  riverStations: 'river-stations',
} as const;

/** Unique ids (INSEE codes) of the city polygons; the filtered user's area covers the last three. */
export const CITIES = {
  brennilis: '29018',
  huelgoat: '29081',
  pleyberChrist: '29163',
  leCloitre: '29034',
  berrien: '29007',
  plougonven: '29191',
  scrignac: '29275',
} as const;

/** Where the global and the filtered views of test_project_a are (lon/lat). */
export const AREAS = {
  projectA: { xmin: -3.95, ymin: 48.34, xmax: -3.6, ymax: 48.57 },
  filteredEast: { xmin: -3.775, ymin: 48.34, xmax: -3.6, ymax: 48.57 },
  projectB: { xmin: -3.9, ymin: 48.4, xmax: -3.62, ymax: 48.52 },
} as const;

/** The uuid the fixtures give a seed (md5 made into a lowercase v4 uuid, as pg_temp.fx_uuid does). */
export function fixtureUuid(seed: string): string {
  const hex = createHash('md5').update(seed).digest('hex').split('');
  hex[12] = '4';
  hex[16] = '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Observations the tests refer to by role. */
export const OBSERVATIONS = {
  /** Al's hike of 2 days ago, first point (x -3.796, east edge of the west half). Editable by the writer. */
  alRecentHike: (i = 10) => fixtureUuid(`obs-s3-${101 + i}`),
  /** Al's hike of 45 days ago: his, but past the 30-day window. */
  alOldHike: (i = 0) => fixtureUuid(`obs-s3-${101 + i}`),
  /** John's 2017 hike point. */
  johnHike: (i = 0) => fixtureUuid(`obs-s3-${161 + i}`),
  /** Manual pluviometry by Al: k = 1 or 2 (22 and 46 hours old) editable, 3 or 4 outside the 2-day window. */
  manualPluviometry: (station: 1 | 2 | 3, k: 1 | 2 | 3 | 4) => fixtureUuid(`obs-s6-${station}-${k}`),
  /** CIRAD's pluviometry (no Lizmap account): station 1-5, hour 0-47. */
  pluviometry: (station: number, hour: number) => fixtureUuid(`obs-s1-${station}-${hour}`),
  /** Population of a city (spatial object id 11-17) for a year 2011-2016. */
  population: (cityObjectId: number, year: number) => fixtureUuid(`obs-s2-${cityObjectId}-${year}`),
  /** Al's faunal observations 1-6 (a day old, fractional start seconds), John's 7-12 (ten days old). */
  fauna: (i: number) => fixtureUuid(`obs-s4-${i}`),
  /** Al's river inspections 1-6 (five days old). */
  riverInspection: (k: number) => fixtureUuid(`obs-s5-${k}`),
  /** Project b pluviometry by John. */
  projectB: (station: 4 | 5, hour: 0 | 1) => fixtureUuid(`obs-s7-${station}-${hour}`),
} as const;

/** Uuids already in the deletion log at the fixture time (one in 2022, three in the last 3 days). */
export const DELETED_BEFORE = {
  in2022: fixtureUuid('deleted-2022'),
  threeDaysAgo: fixtureUuid('deleted-a'),
  threeDaysAgoPlus5min: fixtureUuid('deleted-b'),
  twentySixHoursAgo: fixtureUuid('deleted-c'),
} as const;

export const DOCUMENTS = {
  hikingPreview: '542aa72f-d1de-4810-97bb-208f2388698b',
  hikingPresentation: '1a7f7323-6b18-46ed-a9fe-9efbe1f006a2',
  hikingRulesUrl: fixtureUuid('doc-hiking-rules'),
  rainIcon: fixtureUuid('doc-rain-icon'),
  rainGaugeManual: fixtureUuid('doc-gauge-manual'),
} as const;

/** Observation counts of the fixtures per series. */
export const COUNTS = { 1: 240, 2: 42, 3: 150, 4: 12, 5: 6, 6: 12, 7: 4 } as const;
