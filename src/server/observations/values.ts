import { type Dimension, type DimensionType } from '../../shared/api.js';

export type Value = number | boolean | string;

const INTEGER = /^[-+]?\d+$/;
const REAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Coerces a wire or CSV value to the dimension's type; returns an error message when it cannot. */
export function coerce(type: DimensionType, v: unknown): { value: Value } | { error: string } {
  switch (type) {
    case 'integer': {
      const n = typeof v === 'string' && INTEGER.test(v.trim()) ? Number(v.trim()) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) return { error: 'must be an integer' };
      if (!Number.isSafeInteger(n)) return { error: 'integer is too large' };
      return { value: n };
    }
    case 'real': {
      const n = typeof v === 'string' && REAL.test(v.trim()) ? Number(v.trim()) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return { error: 'must be a number' };
      return { value: n };
    }
    case 'boolean': {
      if (typeof v === 'boolean') return { value: v };
      if (v === 'true' || v === 'false') return { value: v === 'true' };
      return { error: 'must be true or false' };
    }
    case 'string':
      if (typeof v !== 'string') return { error: 'must be a string' };
      if (v.includes('\u0000')) return { error: 'must not contain NUL characters' };
      if (v.length > 10_000) return { error: 'is longer than 10000 characters' };
      return { value: v };
  }
}

export function valuesJson(dims: Dimension[], vals: Record<string, Value>) {
  return dims.filter((d) => d.code in vals).map((d) => ({ name: d.code, type: d.type, value: vals[d.code]! }));
}
