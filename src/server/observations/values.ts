import { type Dimension } from '../../shared/api.js';
import { type Value } from '../../shared/values.js';

export type { Value };

/** Stored values → the wire's list of {name, type, value}, in dimension order. */
export function valuesJson(dims: Dimension[], vals: Record<string, Value>) {
  return dims.filter((d) => d.code in vals).map((d) => ({ name: d.code, type: d.type, value: vals[d.code]! }));
}
