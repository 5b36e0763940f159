/**
 * Values of an observation, per dimension type. What the wire, a CSV cell or a form sends is
 * coerced to the dimension's type or refused:
 * - integer: a safe integer (|n| ≤ 2^53 − 1), as a number or as digits with an optional sign;
 * - real: a finite number, as a number or as decimal text ('1.5', '.5', '1e3'; no thousands
 *   separator, no decimal comma: '1,500' means 1500 to some and 1.5 to others);
 * - boolean: true or false, or the text 'true' / 'false';
 * - string (and a Lizmap server's text): any text up to 10,000 characters without NUL; the empty
 *   text is a value;
 * - date, timestamp (a Lizmap server's types): wall-clock texts 'YYYY-MM-DD' and
 *   'YYYY-MM-DD HH:MM:SS' (dimensionValues.ts), with no time zone.
 * Surrounding spaces around numbers are ignored. No value (absent, null, or blank text where a
 * number or boolean is expected) is refused as required: every dimension needs a value.
 *
 * People typing in the form write numbers in their language ('12,5', '1 234,5'): the form reads
 * them (src/renderer/src/lib/format.ts) before the rule is applied.
 */
import type { DimensionType } from './constants';
import { normaliseDateValue, normaliseTimestampValue } from './dimensionValues';

export type Value = number | boolean | string;

export const STRING_VALUE_MAX_LENGTH = 10_000;

export type ValueProblem =
  | 'required'
  | 'integer'
  | 'integer-range'
  | 'real'
  | 'boolean'
  | 'string'
  | 'string-nul'
  | 'string-length'
  | 'date'
  | 'timestamp';

export type ValueResult = { value: Value } | { problem: ValueProblem; message: string };

const INTEGER = /^[-+]?\d+$/;
const REAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

// -0 is stored and compared as 0.
const noNegativeZero = (n: number) => (n === 0 ? 0 : n);

/** Decimal text → number; null when it is not a finite decimal number. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!REAL.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? noNegativeZero(n) : null;
}

const problem = (p: ValueProblem, message: string): ValueResult => ({ problem: p, message });

/** The value in the dimension's type, or the problem; `message` follows the field's name. */
export function coerceValue(type: DimensionType, raw: unknown): ValueResult {
  if (
    raw === undefined ||
    raw === null ||
    (type !== 'string' && type !== 'text' && typeof raw === 'string' && raw.trim() === '')
  ) {
    return problem('required', 'is required');
  }
  switch (type) {
    case 'integer': {
      const n = typeof raw === 'string' && INTEGER.test(raw.trim()) ? Number(raw.trim()) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n)) return problem('integer', 'must be a whole number');
      if (!Number.isSafeInteger(n))
        return problem(
          'integer-range',
          `must be a whole number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
        );
      return { value: noNegativeZero(n) };
    }
    case 'real': {
      const n = typeof raw === 'string' ? parseDecimal(raw) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n)) return problem('real', 'must be a number');
      return { value: noNegativeZero(n) };
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return problem('boolean', 'must be true or false');
    case 'string':
    case 'text':
      if (typeof raw !== 'string') return problem('string', 'must be text');
      if (raw.includes('\u0000')) return problem('string-nul', 'must not contain NUL characters');
      if (raw.length > STRING_VALUE_MAX_LENGTH)
        return problem('string-length', `is longer than ${STRING_VALUE_MAX_LENGTH} characters`);
      return { value: raw };
    case 'date': {
      const day = typeof raw === 'string' ? normaliseDateValue(raw) : null;
      return day === null ? problem('date', 'must be a date (YYYY-MM-DD)') : { value: day };
    }
    case 'timestamp': {
      const moment = typeof raw === 'string' ? normaliseTimestampValue(raw) : null;
      return moment === null
        ? problem('timestamp', 'must be a date and time (YYYY-MM-DD HH:MM:SS)')
        : { value: moment };
    }
  }
}
