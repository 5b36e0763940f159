/**
 * One table of cases for the observation rules, run as it is against every side: the shared rule
 * itself (rules.test.ts), the renderer's form check (test/unit/renderer/observation-rules.test.ts),
 * main through its real IPC handlers (test/unit/main/observation-rules.test.ts) and the server over
 * HTTP (test/integration/server/observation-rules.test.ts). Same input → same accepted/refused
 * outcome, same normalised observation, same fields named.
 *
 * The one deliberate difference: a time finer than the indicator's precision is truncated on the
 * desktop and kept by the server (`serverTimestamp`; see src/shared/timestamp.ts).
 */
import type { DateFormat, Dimension } from '../../../src/shared/api';
import type { Value } from '../../../src/shared/values';

/** Every indicator of the table has these dimensions; one indicator per precision. */
export const RULE_DIMENSIONS: Dimension[] = [
  { code: 'rain', name: 'Rain', type: 'real', unit: 'mm' },
  { code: 'gauge', name: 'Gauge', type: 'integer', unit: null },
  { code: 'checked', name: 'Checked', type: 'boolean', unit: null },
  { code: 'note', name: 'Note', type: 'string', unit: null },
];

export const RULE_FORMATS: DateFormat[] = ['year', 'month', 'day', 'hour', 'minute', 'second'];
export const ruleIndicator = (format: DateFormat) => `rules_${format}`;

export interface RuleInput {
  timestamp: string;
  x?: number;
  y?: number;
  wkt?: string;
  /** A null value is no value: main receives null, the wire leaves the entry out, the form leaves the input empty. */
  values: Record<string, number | boolean | string | null>;
}

export interface RuleCase {
  name: string;
  /** Precision of the indicator (default hour). */
  format?: DateFormat;
  input: RuleInput;
  expect:
    | {
        ok: {
          timestamp: string;
          /** What the server stores when it differs (a time finer than the precision). */
          serverTimestamp?: string;
          x: number;
          y: number;
          wkt: string;
          values: Record<string, Value>;
        };
      }
    | { fields: string[] };
  /**
   * Why the observation form cannot send this input, or reads it otherwise as people type it (the
   * case is then not run against the form; the form's own reading is tested beside it).
   */
  notForForm?: string;
}

const VALUES = { rain: 1.5, gauge: 7, checked: true, note: 'clear sky' } as const;
const TS = '2024-05-01 10:00:00';
const base = (over: Partial<RuleInput> = {}): RuleInput => ({
  timestamp: TS,
  x: 3.87,
  y: 43.61,
  values: VALUES,
  ...over,
});
const geo = (wkt: string, over: Partial<RuleInput> = {}): RuleInput => ({
  timestamp: TS,
  wkt,
  values: VALUES,
  ...over,
});
const ok = (over: Partial<Extract<RuleCase['expect'], { ok: unknown }>['ok']> = {}) => ({
  ok: { timestamp: TS, x: 3.87, y: 43.61, wkt: 'POINT(3.87 43.61)', values: { ...VALUES }, ...over },
});
const fields = (...f: string[]) => ({ fields: f });
const XY_AND_WKT = 'the form sends either coordinates or a WKT geometry, never both';
const NOT_TEXT = 'a text input always sends text';
const LEFT_OUT = 'the form reads a time typed without its minutes or seconds as :00, as its input shows times';

export const RULE_CASES: RuleCase[] = [
  // ---- timestamps ----------------------------------------------------------------------------
  { name: 'timestamp: the stored form', input: base(), expect: ok() },
  { name: 'timestamp: ISO "T", minutes', input: base({ timestamp: '2024-05-01T10:00' }), expect: ok() },
  {
    name: 'timestamp: just the hour of an hourly indicator',
    input: base({ timestamp: '2024-05-01 10' }),
    expect: ok(),
  },
  { name: 'timestamp: surrounding spaces', input: base({ timestamp: '  2024-05-01 10:00  ' }), expect: ok() },
  {
    name: 'timestamp: finer than the precision (truncated on the desktop, kept by the server)',
    input: base({ timestamp: '2024-05-01 10:37:12' }),
    expect: ok({ serverTimestamp: '2024-05-01 10:37:12' }),
  },
  {
    name: 'timestamp: fractional seconds dropped, not rounded',
    input: base({ timestamp: '2024-12-31T23:59:59.999999' }),
    expect: ok({ timestamp: '2024-12-31 23:00:00', serverTimestamp: '2024-12-31 23:59:59' }),
  },
  {
    name: 'timestamp: coarser than the precision',
    input: base({ timestamp: '2024-05-01' }),
    expect: fields('timestamp'),
  },
  { name: 'timestamp: "Z" refused', input: base({ timestamp: '2024-05-01T10:00:00Z' }), expect: fields('timestamp') },
  {
    name: 'timestamp: UTC offset refused',
    input: base({ timestamp: '2024-05-01T10:00:00+02:00' }),
    expect: fields('timestamp'),
  },
  { name: 'timestamp: 30 February', input: base({ timestamp: '2024-02-30 10:00' }), expect: fields('timestamp') },
  {
    name: 'timestamp: 29 February of a leap year',
    input: base({ timestamp: '2024-02-29 23:00' }),
    expect: ok({ timestamp: '2024-02-29 23:00:00' }),
  },
  {
    name: 'timestamp: 2100 is not a leap year',
    input: base({ timestamp: '2100-02-29 10' }),
    expect: fields('timestamp'),
  },
  { name: 'timestamp: hour 24', input: base({ timestamp: '2024-05-01 24:00' }), expect: fields('timestamp') },
  {
    name: 'timestamp: a wrong minute is refused even when truncated away',
    input: base({ timestamp: '2024-05-01 10:60' }),
    expect: fields('timestamp'),
  },
  { name: 'timestamp: year 0000', input: base({ timestamp: '0000-01-01 00' }), expect: fields('timestamp') },
  {
    name: 'timestamp: year 0001',
    input: base({ timestamp: '0001-01-01 00' }),
    expect: ok({ timestamp: '0001-01-01 00:00:00' }),
  },
  { name: 'timestamp: words', input: base({ timestamp: 'yesterday' }), expect: fields('timestamp') },
  {
    name: 'timestamp: day first',
    input: base({ timestamp: '01/05/2024 10:00' }),
    expect: fields('timestamp'),
    notForForm: 'the form reads dates in the order of the user’s locale',
  },
  {
    name: 'timestamp: year precision',
    format: 'year',
    input: base({ timestamp: '2024' }),
    expect: ok({ timestamp: '2024-01-01 00:00:00' }),
  },
  {
    name: 'timestamp: year precision, full time given',
    format: 'year',
    input: base({ timestamp: '2024-07-15 12:30' }),
    expect: ok({ timestamp: '2024-01-01 00:00:00', serverTimestamp: '2024-07-15 12:30:00' }),
  },
  {
    name: 'timestamp: month precision',
    format: 'month',
    input: base({ timestamp: '2024-07' }),
    expect: ok({ timestamp: '2024-07-01 00:00:00' }),
  },
  {
    name: 'timestamp: month precision, year only',
    format: 'month',
    input: base({ timestamp: '2024' }),
    expect: fields('timestamp'),
  },
  { name: 'timestamp: month 13', format: 'month', input: base({ timestamp: '2024-13' }), expect: fields('timestamp') },
  {
    name: 'timestamp: day precision',
    format: 'day',
    input: base({ timestamp: '2024-07-15' }),
    expect: ok({ timestamp: '2024-07-15 00:00:00' }),
  },
  {
    name: 'timestamp: day precision, time given',
    format: 'day',
    input: base({ timestamp: '2024-07-15T10:22' }),
    expect: ok({ timestamp: '2024-07-15 00:00:00', serverTimestamp: '2024-07-15 10:22:00' }),
  },
  {
    name: 'timestamp: minute precision',
    format: 'minute',
    input: base({ timestamp: '2024-07-15 10:22' }),
    expect: ok({ timestamp: '2024-07-15 10:22:00' }),
  },
  {
    name: 'timestamp: minute precision, hour only',
    format: 'minute',
    input: base({ timestamp: '2024-07-15 10' }),
    expect: fields('timestamp'),
    notForForm: LEFT_OUT,
  },
  {
    name: 'timestamp: second precision',
    format: 'second',
    input: base({ timestamp: '2024-07-15T10:22:33' }),
    expect: ok({ timestamp: '2024-07-15 10:22:33' }),
  },
  {
    name: 'timestamp: second precision, no seconds',
    format: 'second',
    input: base({ timestamp: '2024-07-15 10:22' }),
    expect: fields('timestamp'),
    notForForm: LEFT_OUT,
  },
  {
    name: 'timestamp: second 60',
    format: 'second',
    input: base({ timestamp: '2024-07-15 10:22:60' }),
    expect: fields('timestamp'),
  },

  // ---- values ---------------------------------------------------------------------------------
  {
    name: 'values: numeric and boolean text normalised',
    input: base({ values: { rain: '2.5', gauge: ' 3 ', checked: 'false', note: 'a' } }),
    expect: ok({ values: { rain: 2.5, gauge: 3, checked: false, note: 'a' } }),
  },
  {
    name: 'values: decimal forms',
    input: base({ values: { ...VALUES, rain: '.5', gauge: '+4' } }),
    expect: ok({ values: { ...VALUES, rain: 0.5, gauge: 4 } }),
  },
  {
    name: 'values: exponent',
    input: base({ values: { ...VALUES, rain: '1e3' } }),
    expect: ok({ values: { ...VALUES, rain: 1000 } }),
  },
  {
    name: 'values: -0 is 0',
    input: base({ values: { ...VALUES, rain: '-0', gauge: '-0' } }),
    expect: ok({ values: { ...VALUES, rain: 0, gauge: 0 } }),
  },
  {
    name: 'values: a whole number written 4.0 as a number',
    input: base({ values: { ...VALUES, gauge: 4.0 } }),
    expect: ok({ values: { ...VALUES, gauge: 4 } }),
  },
  {
    name: 'values: integer text "4.0"',
    input: base({ values: { ...VALUES, gauge: '4.0' } }),
    expect: fields('values.gauge'),
  },
  { name: 'values: integer 1.5', input: base({ values: { ...VALUES, gauge: 1.5 } }), expect: fields('values.gauge') },
  {
    name: 'values: integer beyond 2^53',
    input: base({ values: { ...VALUES, gauge: 2 ** 60 } }),
    expect: fields('values.gauge'),
  },
  {
    name: 'values: hexadecimal',
    input: base({ values: { ...VALUES, gauge: '0x10' } }),
    expect: fields('values.gauge'),
  },
  {
    name: 'values: boolean as integer',
    input: base({ values: { ...VALUES, gauge: true } }),
    expect: fields('values.gauge'),
  },
  { name: 'values: "NaN"', input: base({ values: { ...VALUES, rain: 'NaN' } }), expect: fields('values.rain') },
  {
    name: 'values: "Infinity"',
    input: base({ values: { ...VALUES, rain: 'Infinity' } }),
    expect: fields('values.rain'),
  },
  {
    name: 'values: a decimal comma on the wire',
    input: base({ values: { ...VALUES, rain: '1,5' } }),
    expect: fields('values.rain'),
    notForForm: 'the form reads a decimal comma as people type it',
  },
  { name: 'values: blank number', input: base({ values: { ...VALUES, rain: ' ' } }), expect: fields('values.rain') },
  { name: 'values: no number', input: base({ values: { ...VALUES, gauge: null } }), expect: fields('values.gauge') },
  {
    name: 'values: boolean "yes"',
    input: base({ values: { ...VALUES, checked: 'yes' } }),
    expect: fields('values.checked'),
  },
  { name: 'values: boolean 1', input: base({ values: { ...VALUES, checked: 1 } }), expect: fields('values.checked') },
  {
    name: 'values: boolean "TRUE"',
    input: base({ values: { ...VALUES, checked: 'TRUE' } }),
    expect: fields('values.checked'),
  },
  {
    name: 'values: the empty text is a value',
    input: base({ values: { ...VALUES, note: '' } }),
    expect: ok({ values: { ...VALUES, note: '' } }),
  },
  {
    name: 'values: text kept as typed',
    input: base({ values: { ...VALUES, note: '  two  spaces ' } }),
    expect: ok({ values: { ...VALUES, note: '  two  spaces ' } }),
  },
  {
    name: 'values: a number for a text',
    input: base({ values: { ...VALUES, note: 5 } }),
    expect: fields('values.note'),
    notForForm: NOT_TEXT,
  },
  {
    name: 'values: no text',
    input: base({ values: { ...VALUES, note: null } }),
    expect: fields('values.note'),
    notForForm: 'an empty text input is the empty text',
  },
  {
    name: 'values: NUL in text',
    input: base({ values: { ...VALUES, note: 'a\u0000b' } }),
    expect: fields('values.note'),
  },
  {
    name: 'values: text of 10,000 characters',
    input: base({ values: { ...VALUES, note: 'x'.repeat(10_000) } }),
    expect: ok({ values: { ...VALUES, note: 'x'.repeat(10_000) } }),
  },
  {
    name: 'values: text of 10,001 characters',
    input: base({ values: { ...VALUES, note: 'x'.repeat(10_001) } }),
    expect: fields('values.note'),
  },
  {
    name: 'values: a dimension missing',
    input: base({ values: { rain: 1.5, gauge: 7, note: 'n' } }),
    expect: fields('values.checked'),
    notForForm: 'the form has an input for every dimension',
  },
  {
    name: 'values: an unknown dimension',
    input: base({ values: { ...VALUES, colour: 'red' } }),
    expect: fields('values.colour'),
    notForForm: 'the form has inputs only for the dimensions',
  },

  // ---- location: x/y ----------------------------------------------------------------------------
  { name: 'location: x/y only', input: base(), expect: ok() },
  {
    name: 'location: longitude 180',
    input: base({ x: 180, y: -90 }),
    expect: ok({ x: 180, y: -90, wkt: 'POINT(180 -90)' }),
  },
  { name: 'location: longitude beyond 180', input: base({ x: 180.0001 }), expect: fields('x') },
  { name: 'location: latitude below -90', input: base({ y: -90.5 }), expect: fields('y') },
  { name: 'location: no latitude', input: base({ y: undefined }), expect: fields('y') },
  { name: 'location: nothing', input: base({ x: undefined, y: undefined }), expect: fields('x', 'y') },
  {
    name: 'location: an empty WKT is none',
    input: base({ wkt: '' }),
    expect: ok(),
    notForForm: 'the form asks for a WKT in WKT mode',
  },

  // ---- location: WKT ----------------------------------------------------------------------------
  { name: 'wkt: a point', input: geo('POINT (10 20)'), expect: ok({ x: 10, y: 20, wkt: 'POINT(10 20)' }) },
  {
    name: 'wkt: lower case, exponent, spaces',
    input: geo('  point ( -1.5   2e1 ) '),
    expect: ok({ x: -1.5, y: 20, wkt: 'POINT(-1.5 20)' }),
  },
  {
    name: 'wkt: a line, length-weighted',
    input: geo('LINESTRING(0 0,10 0,10 10)'),
    expect: ok({ x: 7.5, y: 2.5, wkt: 'LINESTRING(0 0, 10 0, 10 10)' }),
  },
  {
    name: 'wkt: a polygon, area-weighted (an L: vertex mean 1.67/1.33, centroid 1.5/1)',
    input: geo('POLYGON((0 0, 4 0, 4 1, 1 1, 1 3, 0 3, 0 0))'),
    expect: ok({ x: 1.5, y: 1, wkt: 'POLYGON((0 0, 4 0, 4 1, 1 1, 1 3, 0 3, 0 0))' }),
  },
  {
    name: 'wkt: the same L near Montpellier',
    input: geo('POLYGON((3.8 43.6, 3.84 43.6, 3.84 43.61, 3.81 43.61, 3.81 43.63, 3.8 43.63, 3.8 43.6))'),
    expect: ok({
      x: 3.815,
      y: 43.61,
      wkt: 'POLYGON((3.8 43.6, 3.84 43.6, 3.84 43.61, 3.81 43.61, 3.81 43.63, 3.8 43.63, 3.8 43.6))',
    }),
  },
  {
    name: 'wkt: a clockwise polygon has the same centroid',
    input: geo('POLYGON((0 0, 0 3, 1 3, 1 1, 4 1, 4 0, 0 0))'),
    expect: ok({ x: 1.5, y: 1, wkt: 'POLYGON((0 0, 0 3, 1 3, 1 1, 4 1, 4 0, 0 0))' }),
  },
  {
    name: 'wkt: a hole is subtracted',
    input: geo('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 2 0, 2 2, 0 2, 0 0))'),
    expect: ok({ x: 28 / 12, y: 28 / 12, wkt: 'POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 2 0, 2 2, 0 2, 0 0))' }),
  },
  {
    name: 'wkt: multipoint, both spellings',
    input: geo('MULTIPOINT(0 0, 2 4)'),
    expect: ok({ x: 1, y: 2, wkt: 'MULTIPOINT((0 0), (2 4))' }),
  },
  {
    name: 'wkt: multilinestring',
    input: geo('MULTILINESTRING ((0 0, 2 0), (0 2, 2 2))'),
    expect: ok({ x: 1, y: 1, wkt: 'MULTILINESTRING((0 0, 2 0), (0 2, 2 2))' }),
  },
  {
    name: 'wkt: multipolygon, weighted by area',
    input: geo('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)))'),
    expect: ok({ x: 13 / 6, y: 0.5, wkt: 'MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)))' }),
  },
  {
    name: 'wkt: a flat polygon falls back to its boundary',
    input: geo('POLYGON((0 0, 2 0, 4 0, 0 0))'),
    expect: ok({ x: 2, y: 0, wkt: 'POLYGON((0 0, 2 0, 4 0, 0 0))' }),
  },
  {
    name: 'wkt: a line of no length is its point',
    input: geo('LINESTRING(5 5, 5 5)'),
    expect: ok({ x: 5, y: 5, wkt: 'LINESTRING(5 5, 5 5)' }),
  },
  {
    name: 'wkt: given x/y on the line are kept',
    input: geo('LINESTRING (0 0, 4 0)', { x: 1, y: 0 }),
    expect: ok({ x: 1, y: 0, wkt: 'LINESTRING(0 0, 4 0)' }),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: x/y at the vertex mean (earlier desktops) are in the extent',
    input: geo('POLYGON((0 0, 4 0, 4 1, 1 1, 1 3, 0 3, 0 0))', { x: 10 / 6, y: 8 / 6 }),
    expect: ok({ x: 10 / 6, y: 8 / 6, wkt: 'POLYGON((0 0, 4 0, 4 1, 1 1, 1 3, 0 3, 0 0))' }),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: x/y unrelated to the point are refused (POINT(-100 -80) with 3.8/43.6)',
    input: geo('POINT(-100 -80)', { x: 3.8, y: 43.6 }),
    expect: fields('x', 'y'),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: x within 1e-6° of the point is kept',
    input: geo('POINT(3.8 43.6)', { x: 3.8000004, y: 43.6 }),
    expect: ok({ x: 3.8000004, y: 43.6, wkt: 'POINT(3.8 43.6)' }),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: x 1e-5° off the point is refused',
    input: geo('POINT(3.8 43.6)', { x: 3.80001, y: 43.6 }),
    expect: fields('x'),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: y outside the polygon’s extent is refused, x derived',
    input: geo('POLYGON((0 0, 4 0, 4 2, 0 2, 0 0))', { y: 3 }),
    expect: fields('y'),
    notForForm: XY_AND_WKT,
  },
  {
    name: 'wkt: GEOMETRYCOLLECTION refused',
    input: geo('GEOMETRYCOLLECTION(POINT(1 2))'),
    expect: fields('wkt'),
  },
  { name: 'wkt: EMPTY refused', input: geo('POINT EMPTY'), expect: fields('wkt') },
  { name: 'wkt: Z refused', input: geo('POINT Z (1 2 3)'), expect: fields('wkt') },
  { name: 'wkt: a third ordinate refused', input: geo('POINT(1 2 3)'), expect: fields('wkt') },
  { name: 'wkt: longitude out of range', input: geo('POINT(300 43.4)'), expect: fields('wkt') },
  { name: 'wkt: a number that overflows', input: geo('POINT(1e999 0)'), expect: fields('wkt') },
  { name: 'wkt: an open ring', input: geo('POLYGON((0 0, 1 0, 1 1, 0 0.5))'), expect: fields('wkt') },
  { name: 'wkt: a ring of 3 points', input: geo('POLYGON((0 0, 1 0, 0 0))'), expect: fields('wkt') },
  { name: 'wkt: a line of 1 point', input: geo('LINESTRING(0 0)'), expect: fields('wkt') },
  { name: 'wkt: another type', input: geo('CIRCLE(3 43, 2)'), expect: fields('wkt') },
  { name: 'wkt: trailing text', input: geo('POINT(1 2) extra'), expect: fields('wkt') },
  { name: 'wkt: unclosed parenthesis', input: geo('POINT(1 2'), expect: fields('wkt') },
  { name: 'wkt: a comma inside a point', input: geo('POINT(1, 2)'), expect: fields('wkt') },
  {
    name: 'wkt: longer than 100,000 characters',
    input: geo(`LINESTRING(${Array.from({ length: 20_000 }, (_, i) => `${i % 90} 1`).join(', ')})`),
    expect: fields('wkt'),
  },
  {
    name: 'wkt: an invalid WKT with a bad timestamp and a bad value: every field named',
    input: geo('POINT(1 2', { timestamp: '2024-02-30 10', values: { ...VALUES, gauge: 'many' } }),
    expect: fields('timestamp', 'wkt', 'values.gauge'),
  },
];

/** The UUID form: any 8-4-4-4-12 hexadecimal, compared in lower case; null when refused. */
export const UUID_CASES: { input: string; expected: string | null }[] = [
  { input: 'e715352e-edb0-553e-2c69-09b6dc768ea7', expected: 'e715352e-edb0-553e-2c69-09b6dc768ea7' },
  { input: 'E715352E-EDB0-553E-2C69-09B6DC768EA7', expected: 'e715352e-edb0-553e-2c69-09b6dc768ea7' },
  { input: '0b7a9f52-4a38-4c8a-9d3e-1f2e3d4c5b6a', expected: '0b7a9f52-4a38-4c8a-9d3e-1f2e3d4c5b6a' },
  { input: '00000000-0000-0000-0000-000000000000', expected: '00000000-0000-0000-0000-000000000000' },
  { input: 'e715352e-edb0-553e-2c69-09b6dc768ea', expected: null },
  { input: 'e715352eedb0553e2c6909b6dc768ea7', expected: null },
  { input: '{e715352e-edb0-553e-2c69-09b6dc768ea7}', expected: null },
  { input: ' e715352e-edb0-553e-2c69-09b6dc768ea7', expected: null },
  { input: 'g715352e-edb0-553e-2c69-09b6dc768ea7', expected: null },
  { input: '------------------------------------', expected: null },
  { input: 'not-a-uuid', expected: null },
];

// ---- one case, in each side's own form ---------------------------------------------------------

export const indicatorOf = (c: RuleCase) => ruleIndicator(c.format ?? 'hour');

/** What the shared rule receives (a null value is no value). */
export function ruleInputOf(c: RuleCase) {
  return {
    ...c.input,
    values: Object.fromEntries(Object.entries(c.input.values).filter(([, v]) => v !== null)),
  };
}

/** The observation form filled as a person would (text everywhere; coordinates or a WKT). */
export function formStateOf(c: RuleCase) {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    timestamp: c.input.timestamp,
    values: Object.fromEntries(RULE_DIMENSIONS.map((d) => [d.code, text(c.input.values[d.code])])),
    mode: c.input.wkt === undefined ? ('point' as const) : ('wkt' as const),
    lon: text(c.input.x),
    lat: text(c.input.y),
    wkt: c.input.wkt ?? '',
  };
}

/** The argument of `observations.create` over IPC. */
export function ipcArgsOf(c: RuleCase) {
  return { indicatorCode: indicatorOf(c), ...c.input };
}

/** One item of POST /observation/observations. */
export function wireItemOf(c: RuleCase, uuid: string) {
  const { values, ...rest } = c.input;
  return {
    uuid,
    indicator: indicatorOf(c),
    ...rest,
    values: Object.entries(values)
      .filter(([, v]) => v !== null)
      .map(([name, value]) => ({ name, value })),
  };
}

/** The normalised fields a side answered, to compare with the case and with the shared rule. */
export function normalisedFields(o: {
  timestamp: string;
  x: number;
  y: number;
  wkt: string | null;
  values: Record<string, unknown> | { name: string; value: unknown }[];
}) {
  const values = Array.isArray(o.values) ? Object.fromEntries(o.values.map((v) => [v.name, v.value])) : o.values;
  return { timestamp: o.timestamp, x: o.x, y: o.y, wkt: o.wkt, values };
}
