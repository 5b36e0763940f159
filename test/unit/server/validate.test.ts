import { describe, expect, it } from 'vitest';
import { type Dimension } from '../../../src/shared/api.js';
import { validateObservation } from '../../../src/server/observations/validate.js';

const DIMS: Dimension[] = [
  { code: 'n', name: 'N', type: 'integer', unit: null },
  { code: 'r', name: 'R', type: 'real', unit: 'mm' },
  { code: 'b', name: 'B', type: 'boolean', unit: null },
  { code: 's', name: 'S', type: 'string', unit: null },
];
const base = {
  uuid: 'E715352E-EDB0-553E-2C69-09B6DC768EA7',
  indicator: 'ind',
  timestamp: '2024-01-31 23:59:59',
  x: 3,
  y: 43,
  values: [
    { name: 'n', value: 1 },
    { name: 'r', value: 1.5 },
    { name: 'b', value: true },
    { name: 's', value: 'x' },
  ],
};
const run = (o: unknown) =>
  validateObservation(o, 4, (c) => (c === 'ind' ? { dateFormat: 'minute', dimensions: DIMS } : undefined));

describe('observation validation', () => {
  it('normalises a valid observation', () => {
    const r = run({ ...base, id: 99, import: 5, author: 'mallory' });
    expect(r).toEqual({
      ok: {
        uuid: 'e715352e-edb0-553e-2c69-09b6dc768ea7',
        indicator: 'ind',
        timestamp: '2024-01-31 23:59:59',
        x: 3,
        y: 43,
        wkt: 'POINT(3 43)',
        values: { n: 1, r: 1.5, b: true, s: 'x' },
      },
    });
  });

  it('reports every problem with index, uuid and field', () => {
    const r = run({
      ...base,
      timestamp: 'yesterday',
      x: -181,
      values: [
        { name: 'n', value: 'one' },
        { name: 'zz', value: 1 },
      ],
    });
    expect('errors' in r && r.errors.map((e) => [e.index, e.uuid, e.field])).toEqual([
      [4, base.uuid, 'timestamp'],
      [4, base.uuid, 'x'],
      [4, base.uuid, 'values.n'],
      [4, base.uuid, 'values.zz'],
      [4, base.uuid, 'values.r'],
      [4, base.uuid, 'values.b'],
      [4, base.uuid, 'values.s'],
    ]);
  });

  it('names the indicator when unknown', () => {
    const r = run({ ...base, indicator: 'other' });
    expect('errors' in r && r.errors.map((e) => e.field)).toEqual(['indicator']);
  });

  it('keeps a time finer than the indicator precision, and refuses a coarser one', () => {
    const at = (timestamp: string) => run({ ...base, timestamp });
    expect(at('2024-01-31T23:59:59.123')).toMatchObject({ ok: { timestamp: '2024-01-31 23:59:59' } });
    expect(at('2024-01-31 23:59')).toMatchObject({ ok: { timestamp: '2024-01-31 23:59:00' } });
    for (const bad of ['2024-01-31 23', '2024-01-31', '2024-01-01 10:00:00Z', '2023-02-29 00:00'])
      expect(at(bad), bad).toMatchObject({ errors: [{ field: 'timestamp' }] });
  });

  it('refuses a value given twice or tagged with another type, once per field', () => {
    const r = run({
      ...base,
      values: [
        { name: 'n', value: 1 },
        { name: 'n', value: 2 },
        { name: 'n', value: 3 },
        { name: 'r', type: 'integer', value: 1 },
        { name: 'b', value: true },
        { name: 's', value: 'x' },
      ],
    });
    expect('errors' in r && r.errors.map((e) => [e.field, e.message])).toEqual([
      ['values.n', 'is given more than once'],
      ['values.r', 'type must be real, not integer'],
    ]);
  });
});
