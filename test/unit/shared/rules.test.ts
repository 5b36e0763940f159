/** The case table against the shared rule itself; the sides run the same table (see rules-cases.ts). */
import { describe, expect, it } from 'vitest';
import { checkObservation } from '../../../src/shared/observation';
import { isUuid, normaliseUuid } from '../../../src/shared/uuid';
import { RULE_CASES, RULE_DIMENSIONS, UUID_CASES } from './rules-cases';

const ruleInput = (c: (typeof RULE_CASES)[number]) => ({
  ...c.input,
  values: Object.fromEntries(Object.entries(c.input.values).filter(([, v]) => v !== null)),
});

describe('the observation rule, case by case', () => {
  it.each(RULE_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const indicator = { dateFormat: c.format ?? 'hour', dimensions: RULE_DIMENSIONS };
    for (const finer of ['truncate', 'keep'] as const) {
      const r = checkObservation(ruleInput(c), indicator, { finerTimestamp: finer });
      if ('fields' in c.expect) {
        expect('errors' in r && r.errors.map((e) => e.field), finer).toEqual(c.expect.fields);
        if ('errors' in r) for (const e of r.errors) expect(e.message).toMatch(/^(is|must|needs) /);
        continue;
      }
      if ('errors' in r) throw new Error(`${finer}: refused: ${JSON.stringify(r.errors)}`);
      const { serverTimestamp, x, y, ...rest } = c.expect.ok;
      expect(r.ok).toMatchObject({
        ...rest,
        timestamp: finer === 'keep' ? (serverTimestamp ?? rest.timestamp) : rest.timestamp,
      });
      expect(r.ok.x).toBeCloseTo(x, 9);
      expect(r.ok.y).toBeCloseTo(y, 9);
    }
  });

  it('keeps a stored timestamp sent back unchanged, even finer than the precision', () => {
    const input = {
      timestamp: '2024-03-01 05:37:00',
      x: 1,
      y: 2,
      values: { rain: 1, gauge: 1, checked: true, note: '' },
    };
    const indicator = { dateFormat: 'hour' as const, dimensions: RULE_DIMENSIONS };
    expect(checkObservation(input, indicator, { storedTimestamp: '2024-03-01 05:37:00' })).toMatchObject({
      ok: { timestamp: '2024-03-01 05:37:00' },
    });
    expect(checkObservation(input, indicator, { storedTimestamp: '2024-03-01 05:00:00' })).toMatchObject({
      ok: { timestamp: '2024-03-01 05:00:00' },
    });
    expect(checkObservation(input, indicator)).toMatchObject({ ok: { timestamp: '2024-03-01 05:00:00' } });
  });
});

describe('the UUID form', () => {
  it.each(UUID_CASES.map((c) => [c.input, c.expected] as const))('%j → %j', (input, expected) => {
    expect(normaliseUuid(input)).toBe(expected);
    expect(isUuid(input)).toBe(expected !== null);
  });
});
