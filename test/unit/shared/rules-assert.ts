/** The checks every side runs on its answer to a case of rules-cases.ts. */
import { expect } from 'vitest';
import { checkObservation } from '../../../src/shared/observation';
import { normalisedFields, RULE_DIMENSIONS, ruleInputOf, type RuleCase } from './rules-cases';

export type Side = 'desktop' | 'server';

/**
 * An accepted case: the side's normalised observation is the case's expectation (x/y to 1e-9°)
 * and exactly what the shared rule computes, down to the last bit of x/y.
 */
export function expectAccepted(c: RuleCase, side: Side, answer: Parameters<typeof normalisedFields>[0]): void {
  if (!('ok' in c.expect)) throw new Error(`${c.name}: expected a refusal naming ${c.expect.fields.join(', ')}`);
  const got = normalisedFields(answer);
  const { serverTimestamp, x, y, ...rest } = c.expect.ok;
  expect(got, c.name).toMatchObject({
    ...rest,
    timestamp: side === 'server' ? (serverTimestamp ?? rest.timestamp) : rest.timestamp,
  });
  expect(got.x, c.name).toBeCloseTo(x, 9);
  expect(got.y, c.name).toBeCloseTo(y, 9);
  const rule = checkObservation(
    ruleInputOf(c),
    { dateFormat: c.format ?? 'hour', dimensions: RULE_DIMENSIONS },
    { finerTimestamp: side === 'server' ? 'keep' : 'truncate' },
  );
  expect(rule, c.name).toHaveProperty('ok');
  expect(got, c.name).toEqual('ok' in rule ? rule.ok : null);
}

/** The fields a refused case names, in the rule's order. */
export function expectedFields(c: RuleCase): string[] {
  if (!('fields' in c.expect)) throw new Error(`${c.name}: expected it accepted, was refused`);
  return c.expect.fields;
}
