import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../../src/main/store/db';
import { rng } from '../../helpers/seedAnalyst';
import {
  beginSummary,
  buildSummaryChunk,
  completeSummary,
  hourChunks,
  refreshStale,
  staleCount,
  type SummaryKind,
} from '../../../src/main/store/summaries';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gobs-summaries-'));
  db = openStore(join(dir, 'store.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const STATES = ['synced', 'local', 'modified', 'deleted'];
let uuidCounter = 0;

function randomRow(r: () => number, indicator = 'ind') {
  const hour = String(Math.floor(r() * 6)).padStart(2, '0');
  const vals: Record<string, unknown> = {};
  if (r() < 0.9) vals['rain'] = Math.round(r() * 100) / 10;
  if (r() < 0.8) vals['count'] = Math.floor(r() * 5);
  if (r() < 0.8) vals['dry'] = r() < 0.5;
  if (r() < 0.8) vals['note'] = r() < 0.3 ? '' : `n${Math.floor(r() * 3)}`;
  return {
    uuid: `00000000-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`,
    indicator,
    timestamp: `2024-01-0${1 + Math.floor(r() * 2)} ${hour}:${String(Math.floor(r() * 60)).padStart(2, '0')}:00`,
    // a few places only, so cells hold several observations
    x: [2.35, 2.351, -1.55, 5.37][Math.floor(r() * 4)]!,
    y: [48.85, 48.851, 47.21, 43.3][Math.floor(r() * 4)]!,
    vals: JSON.stringify(vals),
    state: STATES[Math.floor(r() * STATES.length)]!,
  };
}

function insert(row: ReturnType<typeof randomRow>): void {
  db.prepare(
    `INSERT INTO observation (uuid, indicator_code, timestamp, x, y, vals, state) VALUES (@uuid, @indicator, @timestamp, @x, @y, @vals, @state)`,
  ).run(row);
}

function snapshot(kind: SummaryKind): unknown[] {
  const tables: [string, string][] =
    kind === 'series'
      ? [
          ['series_hour', 'hour'],
          ['series_day', 'day'],
        ]
      : [['place_cell', 'cell']];
  const extra = kind === 'place' ? ', round(sx, 6) AS sx, round(sy, 6) AS sy' : '';
  return tables.flatMap(([table, key]) =>
    db
      .prepare(
        `SELECT '${table}' AS t, indicator_code, dim, ${key} AS k, state, n, vmin, vmax, round(vsum, 6) AS vsum, first_id${extra}
           FROM ${table} ORDER BY indicator_code, dim, k, state`,
      )
      .all()
      .map((row) => {
        const r = row as Record<string, unknown>;
        // first_id names the observation only when the group holds one.
        if (r['n'] !== 1) r['first_id'] = null;
        return r;
      }),
  );
}

function rebuild(kind: SummaryKind, indicator = 'ind'): void {
  beginSummary(db, indicator, kind);
  for (const c of hourChunks(db, indicator, 7)) buildSummaryChunk(db, indicator, kind, c);
  completeSummary(db, indicator, kind);
}

describe('chart and map summaries', () => {
  it('triggers keep both summaries equal to a rebuild through inserts, edits and deletions (property)', () => {
    const seed = Number(process.env['GOBS_SEED'] ?? Date.now() % 2 ** 31);
    console.log(`summary trigger property seed: ${seed} (GOBS_SEED=${seed} to replay)`);
    const r = rng(seed);
    for (let i = 0; i < 40; i++) insert(randomRow(r));
    rebuild('series');
    rebuild('place');
    for (let step = 0; step < 300; step++) {
      const ids = db.prepare('SELECT local_id FROM observation').pluck().all() as number[];
      const pick = ids[Math.floor(r() * ids.length)];
      const op = r();
      if (op < 0.35 || pick === undefined) insert(randomRow(r));
      else if (op < 0.55) db.prepare('DELETE FROM observation WHERE local_id = ?').run(pick);
      else if (op < 0.7)
        db.prepare('UPDATE observation SET state = ? WHERE local_id = ?').run(STATES[Math.floor(r() * 4)], pick);
      else if (op < 0.85) {
        const other = randomRow(r);
        db.prepare('UPDATE observation SET vals = ?, timestamp = ? WHERE local_id = ?').run(
          other.vals,
          other.timestamp,
          pick,
        );
      } else
        db.prepare('UPDATE observation SET x = ?, y = ? WHERE local_id = ?').run(randomRow(r).x, randomRow(r).y, pick);
      // Another indicator's rows never touch this one's summaries.
      if (step % 50 === 0) insert(randomRow(r, 'other'));
      if (step % 30 === 29) {
        for (const kind of ['series', 'place'] as const) {
          while (refreshStale(db, 'ind', kind, 5) > 0);
          const kept = snapshot(kind);
          expect(kept.length).toBeGreaterThan(10);
          rebuild(kind);
          expect(kept, `seed ${seed}, step ${step}, ${kind}`).toEqual(snapshot(kind));
        }
      }
    }
  });

  it('changes made while a summary is being built, chunk by chunk, are all accounted for (property)', () => {
    const seed = Number(process.env['GOBS_SEED'] ?? Date.now() % 2 ** 31);
    console.log(`summary build-under-change property seed: ${seed} (GOBS_SEED=${seed} to replay)`);
    const r = rng(seed);
    for (let i = 0; i < 80; i++) insert(randomRow(r));
    for (const kind of ['series', 'place'] as const) {
      beginSummary(db, 'ind', kind);
      for (const c of hourChunks(db, 'ind', 7)) {
        buildSummaryChunk(db, 'ind', kind, c);
        // The sync writes between two chunks: into parts built and parts not yet built.
        for (let k = 0; k < 3; k++) {
          const ids = db.prepare('SELECT local_id FROM observation').pluck().all() as number[];
          const pick = ids[Math.floor(r() * ids.length)]!;
          const op = r();
          if (op < 0.4) insert(randomRow(r));
          else if (op < 0.6) db.prepare('DELETE FROM observation WHERE local_id = ?').run(pick);
          else {
            const other = randomRow(r);
            db.prepare('UPDATE observation SET vals = ?, timestamp = ?, x = ?, state = ? WHERE local_id = ?').run(
              other.vals,
              other.timestamp,
              other.x,
              other.state,
              pick,
            );
          }
        }
      }
      completeSummary(db, 'ind', kind);
      while (refreshStale(db, 'ind', kind, 5) > 0);
      const kept = snapshot(kind);
      expect(kept.length).toBeGreaterThan(10);
      rebuild(kind);
      expect(kept, `seed ${seed}, ${kind}`).toEqual(snapshot(kind));
    }
  });

  it('an indicator never summarised costs nothing but probes: no summary rows, nothing stale', () => {
    const r = rng(1);
    for (let i = 0; i < 20; i++) insert(randomRow(r));
    db.prepare('DELETE FROM observation WHERE local_id = 1').run();
    db.prepare("UPDATE observation SET vals = '{}' WHERE local_id = 2").run();
    expect(db.prepare('SELECT count(*) FROM series_hour').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM place_cell').pluck().get()).toBe(0);
    expect(staleCount(db, 'ind', 'series') + staleCount(db, 'ind', 'place')).toBe(0);
  });

  it('values: numbers min/max/sum, booleans as 1/0, texts counted when not empty (the map keeps numbers only)', () => {
    insert({
      ...randomRow(rng(2)),
      timestamp: '2024-01-01 10:00:00',
      state: 'synced',
      vals: '{"a":2,"b":true,"c":"x"}',
    });
    insert({
      ...randomRow(rng(3)),
      timestamp: '2024-01-01 10:30:00',
      state: 'synced',
      vals: '{"a":-1.5,"b":false,"c":""}',
    });
    insert({ ...randomRow(rng(4)), timestamp: '2024-01-01 10:59:59', state: 'synced', vals: '{"a":null,"b":true}' });
    rebuild('series');
    const rows = db
      .prepare(
        "SELECT dim, n, vmin, vmax, vsum, first_id FROM series_hour WHERE hour = unixepoch('2024-01-01 10:00:00') ORDER BY dim",
      )
      .all();
    expect(rows).toEqual([
      { dim: '', n: 3, vmin: null, vmax: null, vsum: null, first_id: 1 },
      { dim: 'a', n: 2, vmin: -1.5, vmax: 2, vsum: 0.5, first_id: null },
      { dim: 'b', n: 3, vmin: 0, vmax: 1, vsum: 2, first_id: null },
      { dim: 'c', n: 1, vmin: null, vmax: null, vsum: null, first_id: null },
    ]);
    rebuild('place');
    expect(db.prepare('SELECT DISTINCT dim FROM place_cell ORDER BY dim').pluck().all()).toEqual(['', 'a', 'b']);
  });

  it('chunks cover the time line without gaps, on whole hours', () => {
    const r = rng(5);
    for (let i = 0; i < 100; i++) insert(randomRow(r));
    const chunks = hourChunks(db, 'ind', 10);
    expect(chunks[0]!.from).toBeNull();
    expect(chunks.at(-1)!.to).toBeNull();
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.from).toBe(chunks[i - 1]!.to);
      expect(chunks[i]!.from).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}$/);
    }
    expect(hourChunks(db, 'nothing', 10)).toEqual([{ from: null, to: null }]);
  });
});
