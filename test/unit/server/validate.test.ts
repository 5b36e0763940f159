import { describe, expect, it } from 'vitest';
import { type Dimension } from '../../../src/shared/api.js';
import { normaliseTimestamp, validateObservation } from '../../../src/server/observations/validate.js';
import { coerce } from '../../../src/server/observations/values.js';

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
const run = (o: unknown) => validateObservation(o, 4, (c) => (c === 'ind' ? DIMS : undefined));

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

  it.each([
    ['2024-01-31 23:59:59', '2024-01-31 23:59:59'],
    ['2024-01-31T23:59:59.123', '2024-01-31 23:59:59'],
    ['2024-01-31 23:59', '2024-01-31 23:59:00'],
    ['2024-02-29 00:00:00', '2024-02-29 00:00:00'],
    ['2023-02-29 00:00:00', null],
    ['2024-13-01 00:00:00', null],
    ['2024-01-01 24:00:00', null],
    ['2024-01-01 10:00:00Z', null],
    ['0000-01-01 00:00:00', null],
    ['', null],
  ])('timestamp %j → %j', (input, out) => expect(normaliseTimestamp(input)).toBe(out));

  it.each([
    ['integer', '42', 42],
    ['integer', ' -7 ', -7],
    ['integer', 4.0, 4],
    ['real', '1e3', 1000],
    ['real', '.5', 0.5],
    ['boolean', 'false', false],
    ['string', '', ''],
  ] as const)('coerces %s %j', (type, v, out) => expect(coerce(type, v)).toEqual({ value: out }));

  it.each([
    ['integer', 1.5],
    ['integer', '1.5'],
    ['integer', 2 ** 60],
    ['integer', true],
    ['real', 'NaN'],
    ['real', Infinity],
    ['real', '1,5'],
    ['boolean', 1],
    ['boolean', 'yes'],
    ['string', 3],
    ['string', 'a\u0000b'],
    ['string', 'x'.repeat(10_001)],
  ] as const)('refuses %s %j', (type, v) => expect(coerce(type, v)).toHaveProperty('error'));
});
