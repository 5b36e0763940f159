import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationRow } from '../../../src/shared/ipc';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { seedAccount, seedObservations } from '../../helpers/seedStore';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let desktop: TestDesktop;

async function open(n = 0): Promise<TestDesktop> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gobs-obs-'));
  const ref = seedAccount(dataDir);
  if (n) seedObservations(dataDir, ref, n);
  return createTestDesktop({ dataDir });
}

afterEach(async () => {
  await desktop?.close(true);
});

async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; field?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('observation channels (store only)', () => {
  beforeEach(async () => {
    desktop = await open();
  });

  it('lists the seeded indicators with their dimensions', async () => {
    const inds = await desktop.gobs.indicators.list({ projectKey: 'water' });
    expect(inds.map((i) => i.code)).toEqual(['pluviometry', 'fauna']);
    expect(inds[1]?.dimensions.map((d) => d.type)).toEqual(['string', 'integer', 'boolean']);
  });

  it('creates offline with a fresh uuid, normalised values and state local', async () => {
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'fauna',
      timestamp: '2024-05-03T10:22',
      x: 3.5,
      y: 43.1,
      values: { species: 'Otter', count: '4', adult: true },
    });
    expect(o.state).toBe('local');
    expect(o.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.timestamp).toBe('2024-05-03 00:00:00');
    expect(o.values).toEqual({ species: 'Otter', count: 4, adult: true });
    expect(o.author).toBe('tester');
    const page = await desktop.gobs.observations.list({ indicatorCode: 'fauna' });
    expect(page.rows.map((r) => r.uuid)).toEqual([o.uuid]);
  });

  it('names the offending field and stores nothing on bad input', async () => {
    const base = {
      indicatorCode: 'fauna',
      timestamp: '2024-05-03',
      x: 3,
      y: 43,
      values: { species: 'Otter', count: 4, adult: false },
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ values: { species: 'Otter', count: 4.5, adult: false } }, 'values.count'],
      [{ values: { species: 'Otter', count: 4 } }, 'values.adult'],
      [{ values: { species: 'Otter', count: 4, adult: 'maybe' } }, 'values.adult'],
      [{ values: { species: 'Otter', count: 4, adult: true, colour: 'red' } }, 'values.colour'],
      [{ timestamp: '2024-02-30' }, 'timestamp'],
      [{ timestamp: '2024-05' }, 'timestamp'],
      [{ x: 200 }, 'x'],
      [{ y: -91 }, 'y'],
      [{ x: undefined, y: undefined, wkt: 'POINT(1 2' }, 'wkt'],
      [{ x: undefined, y: undefined }, 'x'],
    ];
    for (const [patch, field] of cases) {
      const err = await rejectionOf(desktop.gobs.observations.create({ ...base, ...patch } as never));
      expect(err.code, JSON.stringify(patch)).toBe('invalid_argument');
      expect(err.field, JSON.stringify(patch)).toBe(field);
    }
    expect(await desktop.gobs.observations.count({ indicatorCode: 'fauna' })).toBe(0);
  });

  it('takes x/y from a WKT centroid', async () => {
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-05-03 10',
      wkt: 'LINESTRING(0 0, 2 2)',
      values: { rain: 1.5 },
    });
    expect([o.x, o.y, o.wkt]).toEqual([1, 1, 'LINESTRING(0 0, 2 2)']);
  });

  it('edits, deletes and undoes the deletion of an unsent observation', async () => {
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-05-03 10',
      x: 1,
      y: 2,
      values: { rain: 1 },
    });
    const edited = await desktop.gobs.observations.update({
      uuid: o.uuid,
      timestamp: '2024-05-03 11',
      x: 1,
      y: 2,
      values: { rain: 2 },
    });
    expect([edited.state, edited.values.rain, edited.timestamp]).toEqual(['local', 2, '2024-05-03 11:00:00']);
    expect((await desktop.gobs.observations.delete({ uuid: o.uuid })).state).toBe('deleted');
    const err = await rejectionOf(
      desktop.gobs.observations.update({ uuid: o.uuid, timestamp: '2024-05-03 11', x: 1, y: 2, values: { rain: 3 } }),
    );
    expect(err.code).toBe('conflict');
    expect((await desktop.gobs.observations.restore({ uuid: o.uuid })).state).toBe('local');
    expect(desktop.events.filter((e) => e.event === 'observations.changed').length).toBe(4);
  });

  it('rejects unknown uuids and indicators with not_found', async () => {
    expect(
      (await rejectionOf(desktop.gobs.observations.get({ uuid: '0b7a9f52-4a38-4c8a-9d3e-1f2e3d4c5b6a' }))).code,
    ).toBe('not_found');
    expect((await rejectionOf(desktop.gobs.observations.list({ indicatorCode: 'nope' }))).code).toBe('not_found');
    expect((await rejectionOf(desktop.gobs.observations.get({ uuid: 'not-a-uuid' }))).field).toBe('uuid');
  });
});

describe('keyset paging over a wide time range sorted by a value', () => {
  it('walks the value index and still returns exactly the rows of the range, in order', async () => {
    desktop = await open(7000);
    const filter = { from: '2020-01-05', to: '2020-03-31' }; // ~6,000 of the 7,000 rows: the "wide range" plan
    const rows: ObservationRow[] = [];
    let cursor: string | null = null;
    do {
      const page: { rows: ObservationRow[]; nextCursor: string | null } = await desktop.gobs.observations.list({
        indicatorCode: 'pluviometry',
        sort: { column: 'value:rain', direction: 'desc' },
        filter,
        cursor,
        limit: 500,
      });
      rows.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    const expected = await desktop.gobs.observations.count({ indicatorCode: 'pluviometry', filter });
    expect(expected).toBeGreaterThan(5000);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((r) => r.uuid)).size).toBe(expected);
    for (const r of rows) expect(r.timestamp >= '2020-01-05' && r.timestamp < '2020-04').toBe(true);
    for (let i = 1; i < rows.length; i++)
      expect((rows[i - 1]!.values.rain as number) >= (rows[i]!.values.rain as number)).toBe(true);
  });
});

describe('keyset paging', () => {
  beforeEach(async () => {
    desktop = await open(2000);
  });

  async function walk(args: Parameters<TestDesktop['gobs']['observations']['list']>[0]): Promise<ObservationRow[]> {
    const all: ObservationRow[] = [];
    let cursor: string | null = null;
    do {
      const page: { rows: ObservationRow[]; nextCursor: string | null } = await desktop.gobs.observations.list({
        ...args,
        cursor,
        limit: 150,
      });
      all.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

  it.each([
    ['timestamp', 'desc'],
    ['timestamp', 'asc'],
    ['value:rain', 'asc'],
    ['value:rain', 'desc'],
    ['author', 'asc'],
    ['x', 'desc'],
  ] as const)('walks every row exactly once in %s %s order', async (column, direction) => {
    const rows = await walk({ indicatorCode: 'pluviometry', sort: { column, direction } });
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.uuid)).size).toBe(2000);
    const key = (r: ObservationRow) =>
      column === 'timestamp'
        ? r.timestamp
        : column === 'author'
          ? (r.author ?? '')
          : column === 'x'
            ? r.x
            : (r.values.rain as number);
    for (let i = 1; i < rows.length; i++) {
      const c = cmp(key(rows[i - 1]!), key(rows[i]!));
      expect(direction === 'asc' ? c <= 0 : c >= 0).toBe(true);
    }
  });

  it('filters by time range (prefix bounds inclusive), state and text, consistently with count', async () => {
    const filter = { from: '2020-01-02', to: '2020-01-03', text: 'ALICE' };
    const rows = await walk({ indicatorCode: 'pluviometry', filter });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.timestamp >= '2020-01-02' && r.timestamp < '2020-01-04').toBe(true);
      expect(r.author).toBe('alice');
    }
    expect(rows.some((r) => r.timestamp.startsWith('2020-01-03 23'))).toBe(true);
    expect(await desktop.gobs.observations.count({ indicatorCode: 'pluviometry', filter })).toBe(rows.length);
    const local = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2020-01-02 05',
      x: 1,
      y: 1,
      values: { rain: 1 },
    });
    const onlyLocal = await walk({ indicatorCode: 'pluviometry', filter: { states: ['local'] } });
    expect(onlyLocal.map((r) => r.uuid)).toEqual([local.uuid]);
  });

  it('treats LIKE wildcards in the text filter literally', async () => {
    expect(await desktop.gobs.observations.count({ indicatorCode: 'pluviometry', filter: { text: '%' } })).toBe(0);
    expect(await desktop.gobs.observations.count({ indicatorCode: 'pluviometry', filter: { text: '_' } })).toBe(0);
  });

  it('offers offset as a jump and refuses a cursor of another sort', async () => {
    const sort = { column: 'timestamp', direction: 'asc' } as const;
    const all = await walk({ indicatorCode: 'pluviometry', sort });
    const jumped = await desktop.gobs.observations.list({
      indicatorCode: 'pluviometry',
      sort,
      offset: 1234,
      limit: 10,
    });
    expect(jumped.rows.map((r) => r.uuid)).toEqual(all.slice(1234, 1244).map((r) => r.uuid));
    const next = await desktop.gobs.observations.list({
      indicatorCode: 'pluviometry',
      sort,
      cursor: jumped.nextCursor,
      limit: 5,
    });
    expect(next.rows.map((r) => r.uuid)).toEqual(all.slice(1244, 1249).map((r) => r.uuid));
    const err = await rejectionOf(
      desktop.gobs.observations.list({
        indicatorCode: 'pluviometry',
        sort: { column: 'x', direction: 'asc' },
        cursor: jumped.nextCursor,
      }),
    );
    expect(err.field).toBe('cursor');
    expect(
      (
        await rejectionOf(
          desktop.gobs.observations.list({
            indicatorCode: 'pluviometry',
            sort: { column: 'value:nope', direction: 'asc' },
          }),
        )
      ).field,
    ).toBe('sort.column');
  });
});
