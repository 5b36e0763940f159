/**
 * Main's side of the observation rule (src/shared/observation.ts): an observation entered in the
 * app is checked and normalised before anything is stored, and the first problem is thrown as an
 * AppError naming its field ('timestamp', 'endTimestamp', 'x', 'y', 'wkt', 'values.<code>') so the
 * form shows it inline. The server applies the same rule, so a saved observation is one it accepts.
 */
import type { DateFormat, Dimension, DimensionValue } from '../../shared/ipc';
import { checkObservation, type CleanObservation, type RuleError } from '../../shared/observation';
import { normaliseTimestamp } from '../../shared/timestamp';
import { AppError } from '../errors';

export interface ObservationInput {
  timestamp: string;
  endTimestamp?: string | null | undefined;
  objectId?: string | null | undefined;
  x?: number | undefined;
  y?: number | undefined;
  wkt?: string | null | undefined;
  values: Record<string, DimensionValue>;
}

/**
 * The rule's observation, plus what a Lizmap series adds: an end time, and the shared object it is
 * placed on (its WKT is then the server's, null here until the server gives it).
 */
export interface ValidObservation extends Omit<CleanObservation, 'wkt'> {
  wkt: string | null;
  endTimestamp: string | null;
  objectId: string | null;
}

const LABELS: Record<string, string> = { timestamp: 'Timestamp', x: 'Longitude', y: 'Latitude', wkt: 'WKT' };

/** "Rain must be a number.": the field as people know it, then the rule's phrase. */
export function describe(error: RuleError, dims: readonly Dimension[]): string {
  const code = error.field.startsWith('values.') ? error.field.slice('values.'.length) : null;
  const dim = code === null ? undefined : dims.find((d) => d.code === code);
  const label = LABELS[error.field] ?? (dim ? dim.name || dim.code : `"${code ?? error.field}"`);
  return `${label} ${error.message}.`;
}

export function validateObservation(
  input: ObservationInput,
  dims: readonly Dimension[],
  format: DateFormat,
  /** An edit sending back the stored timestamp keeps it as it is, even if finer than the indicator's precision. */
  storedTimestamp?: string,
): ValidObservation {
  const r = checkObservation(
    input,
    { dateFormat: format, dimensions: dims },
    { finerTimestamp: 'truncate', storedTimestamp },
  );
  if ('errors' in r) {
    const first = r.errors[0]!;
    throw new AppError('invalid_argument', describe(first, dims), first.field);
  }
  let endTimestamp: string | null = null;
  if (input.endTimestamp) {
    const end = normaliseTimestamp(input.endTimestamp, format, 'truncate');
    if (!('timestamp' in end)) throw new AppError('invalid_argument', `End ${end.message}.`, 'endTimestamp');
    endTimestamp = end.timestamp;
    if (endTimestamp < r.ok.timestamp) {
      throw new AppError('invalid_argument', 'The end must not be before the start.', 'endTimestamp');
    }
  }
  const objectId = input.objectId ?? null;
  // On a shared object the geometry is the object's, kept by the server: no point of ours stands for it.
  return { ...r.ok, wkt: objectId === null ? r.ok.wkt : null, endTimestamp, objectId };
}
