/**
 * The observation form's checks: the form's text is read as people type it in their language
 * (format.ts: '12,5', '1 234,5', the locale's date order), then the shared observation rule
 * (src/shared/observation.ts) decides, as main and the server will, so mistakes are named next to
 * their field before anything is sent.
 */
import { t, type MessageId } from '../i18n';
import { parseNumber, parseTimestamp } from './format';
import type { DateFormat, Dimension, DimensionValue } from '../../../shared/ipc';
import { checkObservation, type CleanObservation, type RuleError } from '../../../shared/observation';

/** A point, a WKT geometry, or a shared object of the series' layer (Lizmap series on shared objects). */
export type LocationMode = 'point' | 'wkt' | 'object';

export interface FormState {
  timestamp: string;
  /** Raw text of each input, by dimension code ('' | 'true' | 'false' for booleans). */
  values: Record<string, string>;
  mode: LocationMode;
  lon: string;
  lat: string;
  wkt: string;
  /** The end time as typed (servers that keep one); '' or absent: none. */
  end?: string;
  /** The picked shared object's unique id ('' or absent when none is picked). */
  objectId?: string;
}

export interface Parsed {
  timestamp: string;
  values: Record<string, DimensionValue>;
  x?: number;
  y?: number;
  wkt: string | null;
  objectId?: string;
}

export type FieldErrors = Record<string, string>;

/** Digits, a sign and the spaces that group thousands: a whole number as people type it. */
const WHOLE = /^[-+−]?[\d\s\u00a0\u202f]+$/;

/**
 * What the rule receives for an input: a number where the text reads as one in the user's
 * language, otherwise the text itself (so the rule refuses it, naming the problem); texts as typed.
 */
function ruleInput(raw: string, d: Dimension): unknown {
  const text = raw.trim();
  if (d.type === 'string' || d.type === 'text') return raw;
  // A date or date-and-time input gives 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM[:SS]': the rule reads both.
  if (d.type === 'date' || d.type === 'timestamp') return text;
  if (d.type === 'boolean' || text === '') return text;
  const n = d.type === 'integer' && !WHOLE.test(text) ? null : parseNumber(text);
  return n ?? text;
}

const WKT_MESSAGES: Partial<Record<RuleError['problem'], MessageId>> = {
  collection: 'observation.errors.wktCollection',
  empty: 'observation.errors.wktEmpty',
  dimension: 'observation.errors.wkt2d',
  range: 'observation.errors.wktRange',
  'not-finite': 'observation.errors.wktRange',
  'ring-open': 'observation.errors.wktRingOpen',
  'too-few-points': 'observation.errors.wktTooFewPoints',
  'too-long': 'observation.errors.wktTooLong',
};

function messageOf(e: RuleError): string {
  if (e.problem === 'required') return t('observation.errors.required');
  if (e.field === 'timestamp') return t('observation.errors.timestamp');
  if (e.field === 'x') return t('observation.errors.longitude');
  if (e.field === 'y') return t('observation.errors.latitude');
  if (e.field === 'wkt') return t(WKT_MESSAGES[e.problem] ?? 'observation.errors.wkt');
  switch (e.problem) {
    case 'integer':
    case 'integer-range':
      return t('observation.errors.integer');
    case 'real':
      return t('observation.errors.real');
    case 'date':
      return t('observation.errors.date');
    case 'timestamp':
      return t('observation.errors.dateTime');
    default:
      return t('observation.errors.text');
  }
}

export function validateForm(
  form: FormState,
  dimensions: Dimension[],
  dateFormat: DateFormat,
): { parsed?: Parsed; normalised?: CleanObservation; errors: FieldErrors } {
  const own: FieldErrors = {};
  const timestamp = parseTimestamp(form.timestamp, dateFormat);
  if (form.timestamp.trim() === '') own['timestamp'] = t('observation.errors.required');
  else if (timestamp === null) own['timestamp'] = t('observation.errors.timestamp');

  let x: number | undefined;
  let y: number | undefined;
  let wkt: string | null = null;
  if (form.mode === 'object') {
    // The object's own geometry places it (the server's); the rule checks the rest on a stand-in point.
    x = 0;
    y = 0;
    if (!form.objectId) own['objectId'] = t('observation.errors.spatialObject');
  } else if (form.mode === 'point') {
    x = parseNumber(form.lon) ?? undefined;
    y = parseNumber(form.lat) ?? undefined;
    if (form.lon.trim() !== '' && x === undefined) own['x'] = t('observation.errors.longitude');
    if (form.lat.trim() !== '' && y === undefined) own['y'] = t('observation.errors.latitude');
  } else if (form.wkt.trim() === '') {
    own['wkt'] = t('observation.errors.required');
  } else {
    wkt = form.wkt.trim();
  }

  const values: Record<string, unknown> = {};
  for (const d of dimensions) values[d.code] = ruleInput(form.values[d.code] ?? '', d);
  const r = checkObservation(
    { timestamp: timestamp ?? form.timestamp, x, y, wkt, values },
    { dateFormat, dimensions },
    { finerTimestamp: 'truncate' },
  );

  const found: FieldErrors = {};
  if ('errors' in r) {
    for (const e of r.errors) {
      // A WKT still to be typed makes no x/y problem.
      if (form.mode === 'wkt' && own['wkt'] && (e.field === 'x' || e.field === 'y')) continue;
      found[e.field] ??= messageOf(e);
    }
  }
  Object.assign(found, own);
  // In the form's order, so the summary reads top to bottom and focus goes to the first field.
  const order = ['timestamp', ...dimensions.map((d) => `values.${d.code}`), 'x', 'y', 'wkt', 'objectId'];
  const errors: FieldErrors = {};
  for (const field of [...order, ...Object.keys(found)]) if (found[field] !== undefined) errors[field] ??= found[field];
  if (Object.keys(errors).length > 0 || 'errors' in r) return { errors };
  const ok = r.ok;
  return {
    parsed: {
      timestamp: ok.timestamp,
      values: ok.values,
      ...(form.mode === 'point' ? { x: ok.x, y: ok.y } : {}),
      wkt: form.mode === 'wkt' ? ok.wkt : null,
      ...(form.mode === 'object' && form.objectId ? { objectId: form.objectId } : {}),
    },
    normalised: ok,
    errors,
  };
}
