/**
 * The case table against main: each case goes through the real IPC dispatch of a real main core
 * (schema, handler, rule, SQLite store) over a seeded store; what is stored is read back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Indicator } from '../../../src/shared/api';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { insertSynced, seedAccount } from '../../helpers/seedStore';
import { expectAccepted, expectedFields } from '../shared/rules-assert';
import {
  indicatorOf,
  ipcArgsOf,
  RULE_CASES,
  RULE_DIMENSIONS,
  RULE_FORMATS,
  ruleIndicator,
  UUID_CASES,
} from '../shared/rules-cases';

const INDICATORS: Indicator[] = RULE_FORMATS.map((format, i) => ({
  id: 100 + i,
  code: ruleIndicator(format),
  label: `Rules at ${format} precision`,
  description: null,
  category: null,
  date_format: format,
  values: RULE_DIMENSIONS,
  documents: [],
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
}));

let desktop: TestDesktop;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gobs-rules-'));
  seedAccount(dataDir, undefined, INDICATORS);
  desktop = await createTestDesktop({ dataDir });
});
afterAll(() => desktop?.close(true));

async function refusal(p: Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; field?: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('main runs the shared rule behind observations.create', () => {
  it.each(RULE_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const count = () => desktop.gobs.observations.count({ indicatorCode: indicatorOf(c) });
    const before = await count();
    if ('fields' in c.expect) {
      const err = await refusal(desktop.gobs.observations.create(ipcArgsOf(c) as never));
      expect(err.code).toBe('invalid_argument');
      // Main stops at the first problem: the rule's first field.
      expect(err.field).toBe(expectedFields(c)[0]);
      expect(err.message).toMatch(/\.$/);
      expect(await count()).toBe(before);
      return;
    }
    const created = await desktop.gobs.observations.create(ipcArgsOf(c) as never);
    expect(created.state).toBe('local');
    expectAccepted(c, 'desktop', await desktop.gobs.observations.get({ uuid: created.uuid }));
  });

  it('words the first problem with the field as people know it', async () => {
    const base = { indicatorCode: 'rules_hour', timestamp: '2024-05-01 10', x: 1, y: 2 };
    const values = { rain: 1, gauge: 1, checked: true, note: '' };
    const message = async (args: object) => (await refusal(desktop.gobs.observations.create(args as never))).message;
    expect(await message({ ...base, values: { ...values, gauge: 1.5 } })).toBe('Gauge must be a whole number.');
    expect(await message({ ...base, values: { ...values, colour: 'red' } })).toBe(
      '"colour" is not a dimension of this indicator.',
    );
    expect(await message({ ...base, timestamp: '2024-05-01', values })).toBe(
      'Timestamp needs at least YYYY-MM-DD HH for this indicator.',
    );
    expect(await message({ ...base, wkt: 'POINT(-100 -80)', x: 3.8, y: 43.6, values })).toBe(
      "Longitude must equal the WKT point's longitude (-100), or be left out.",
    );
    expect(await message({ ...base, x: undefined, wkt: 'POLYGON((0 0, 1 0, 1 1, 0 0.5))', values })).toBe(
      'WKT is not valid: a polygon ring must be closed (its last point repeats the first).',
    );
  });

  it('an edit that sends back a stored time finer than the precision keeps it; a changed one is truncated', async () => {
    const uuid = '5a1d0000-0000-4000-8000-000000000001';
    insertSynced(dataDir, {
      uuid,
      indicator: 'rules_hour',
      timestamp: '2024-03-01 05:37:00',
      x: 3.5,
      y: 43.5,
      values: { rain: 2.5, gauge: 1, checked: true, note: '' },
    });
    const edit = { uuid, x: 3.5, y: 43.5, values: { rain: 3, gauge: 1, checked: true, note: '' } };
    const kept = await desktop.gobs.observations.update({ ...edit, timestamp: '2024-03-01 05:37:00' });
    expect([kept.timestamp, kept.values.rain, kept.state]).toEqual(['2024-03-01 05:37:00', 3, 'modified']);
    const moved = await desktop.gobs.observations.update({ ...edit, timestamp: '2024-03-01 06:37:00' });
    expect(moved.timestamp).toBe('2024-03-01 06:00:00');
  });
});

describe('the UUID form over IPC', () => {
  const stored = [...new Set(UUID_CASES.map((c) => c.expected).filter((u): u is string => u !== null))];

  beforeAll(() => {
    for (const uuid of stored) {
      insertSynced(dataDir, {
        uuid,
        indicator: 'rules_day',
        timestamp: '2024-03-01 00:00:00',
        x: 3.5,
        y: 43.5,
        values: { rain: 1, gauge: 1, checked: false, note: '' },
      });
    }
  });

  it.each(UUID_CASES.map((c) => [c.input, c.expected] as const))('%j', async (input, expected) => {
    if (expected === null) {
      const err = await refusal(desktop.gobs.observations.get({ uuid: input }));
      expect([err.code, err.field, err.message]).toEqual(['invalid_argument', 'uuid', 'Not a valid observation id']);
      return;
    }
    expect((await desktop.gobs.observations.get({ uuid: input })).uuid).toBe(expected);
  });

  it('the design’s example uuid can be edited, deleted and restored in any case', async () => {
    const upper = 'E715352E-EDB0-553E-2C69-09B6DC768EA7';
    const edited = await desktop.gobs.observations.update({
      uuid: upper,
      timestamp: '2024-03-02',
      x: 3.5,
      y: 43.5,
      values: { rain: 2, gauge: 1, checked: false, note: '' },
    });
    expect([edited.uuid, edited.state, edited.timestamp]).toEqual([
      'e715352e-edb0-553e-2c69-09b6dc768ea7',
      'modified',
      '2024-03-02 00:00:00',
    ]);
    expect((await desktop.gobs.observations.delete({ uuid: upper })).state).toBe('deleted');
    expect((await desktop.gobs.observations.restore({ uuid: upper })).state).toBe('modified');
  });
});
