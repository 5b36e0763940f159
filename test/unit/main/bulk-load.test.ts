/**
 * Bulk pulls (store/bulk.ts) and the text index: whatever happens during a bulk load — local edits,
 * deletions, rows already on the device, a crash before its end — the store ends with every index
 * it had, a text index that matches the rows, exact counts, and the same answers to the UI's queries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Observation as WireObservation } from '../../../src/shared/api';
import { openStore, type Db } from '../../../src/main/store/db';
import { openAccountStore } from '../../../src/main/store/account';
import { beginBulkLoad, endBulkLoads, inBulkLoad, worthBulkLoad } from '../../../src/main/store/bulk';
import { insertOrApplyPulled } from '../../../src/main/store/sync';
import { ensureDimensionIndexes } from '../../../src/main/store/indicators';
import {
  findObservation,
  insertLocal,
  listObservations,
  markDeleted,
  updateLocal,
} from '../../../src/main/store/observations';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'gobs-bulk-')), 's.sqlite');
const DIMS = [
  { code: 'rain', type: 'decimal' },
  { code: 'note', type: 'string' },
];
const words = ['flood', 'dry', 'storm', 'mist', 'hail'];

function wire(i: number, indicator = 'rain', uuid = randomUUID()): WireObservation {
  return {
    uuid,
    id: (indicator === 'rain' ? 100_000 : 500_000) + i,
    indicator,
    import: 1,
    timestamp: `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`,
    x: 3 + i / 1000,
    y: 43,
    wkt: null,
    values: [
      { name: 'rain', type: 'decimal', value: i % 13 },
      { name: 'note', type: 'string', value: `${words[i % words.length]} ${i === 7 ? 'needle' : ''}` },
    ],
    author: 'writer',
    created_at: null,
    updated_at: null,
    media_url: null,
  } as unknown as WireObservation;
}

function indexNames(db: Db): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observation' ORDER BY name")
    .pluck()
    .all() as string[];
}

/** The text index holds exactly the rows' text (FTS5's own check compares it with the table). */
function expectTextIndexWhole(db: Db): void {
  expect(() =>
    db.exec("INSERT INTO observation_text (observation_text, rank) VALUES ('integrity-check', 1)"),
  ).not.toThrow();
  for (const w of [...words, 'needle', 'renamed']) {
    const viaIndex = db
      .prepare('SELECT rowid FROM observation_text WHERE search LIKE ? ORDER BY rowid')
      .pluck()
      .all(`%${w}%`);
    const viaRows = db
      .prepare('SELECT local_id FROM observation WHERE search LIKE ? ORDER BY local_id')
      .pluck()
      .all(`%${w}%`);
    expect(viaIndex, w).toEqual(viaRows);
  }
}

function expectCountsExact(db: Db): void {
  const kept = db.prepare('SELECT indicator_code, state, n FROM observation_count WHERE n > 0 ORDER BY 1, 2').all();
  const real = db
    .prepare('SELECT indicator_code, state, count(*) AS n FROM observation GROUP BY 1, 2 ORDER BY 1, 2')
    .all();
  expect(kept).toEqual(real);
}

const content = {
  timestamp: '2024-02-01 10:00:00',
  endTimestamp: null,
  x: 3,
  y: 43,
  wkt: null,
  objectId: null,
  values: { rain: 1, note: 'renamed' },
};

/** A store holding a few rows of another indicator, a local creation and a synced row of this one. */
function prepared(file: string | Db) {
  const db = typeof file === 'string' ? openStore(file) : file;
  ensureDimensionIndexes(db, DIMS);
  for (let i = 0; i < 5; i++) insertOrApplyPulled(db, wire(i, 'other'));
  const mine = insertLocal(db, 'rain', content, 'writer');
  insertOrApplyPulled(db, wire(1));
  return { db, mine, before: indexNames(db) };
}

describe('bulk pulls', () => {
  it('decides on the rows to come against the rows held', () => {
    const { db } = prepared(tmp());
    expect(worthBulkLoad(db, 100, 10)).toBe(true);
    expect(worthBulkLoad(db, 5, 1)).toBe(false); // 7 rows held
    expect(worthBulkLoad(db, 100, 1000)).toBe(false);
    db.close();
  });

  it('drops the plain indexes, keeps identity, and ends with every index, the text index and exact counts', () => {
    const { db, mine, before } = prepared(tmp());
    const pulled = Array.from({ length: 300 }, (_, i) => wire(10 + i));
    // The device's own creation whose answer was lost comes back in the pull: judged, not duplicated.
    pulled.push({ ...wire(9), uuid: mine.uuid });
    db.transaction(() => {
      beginBulkLoad(db, 'rain');
      for (const o of pulled.slice(0, 150)) insertOrApplyPulled(db, o);
    })();
    expect(inBulkLoad(db, 'rain')).toBe(true);
    const during = indexNames(db);
    expect(during.length).toBeLessThan(before.length);
    expect(during).toEqual(expect.arrayContaining(['sqlite_autoindex_observation_1', 'observation_pending']));
    // Local work during the load: an edit and a deletion of a pulled row, an edit of an older row.
    const second = pulled.slice(150);
    db.transaction(() => {
      beginBulkLoad(db, 'rain'); // a later page: nothing more to drop
      for (const o of second) insertOrApplyPulled(db, o);
      // The same page again (its answer was lost): applying is idempotent.
      for (const o of second) insertOrApplyPulled(db, o);
    })();
    updateLocal(db, pulled[20]!.uuid, content);
    markDeleted(db, pulled[21]!.uuid);
    db.prepare('DELETE FROM observation WHERE uuid = ?').run(pulled[22]!.uuid);
    insertOrApplyPulled(db, wire(400, 'other'));
    endBulkLoads(db);
    expect(inBulkLoad(db, 'rain')).toBe(false);
    expect(indexNames(db)).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM observation WHERE indicator_code = ?').pluck().get('rain')).toBe(
      2 + 300 - 1,
    );
    expect(findObservation(db, mine.uuid)?.state).toBe('modified');
    expect(findObservation(db, pulled[20]!.uuid)?.state).toBe('modified');
    expectTextIndexWhole(db);
    expectCountsExact(db);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('a crash during the load leaves a store that the next open completes', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-bulk-'));
    const ref = { serverUrl: 'https://gobs.example', username: 'writer' };
    const store = openAccountStore(dataDir, ref);
    const { db, before } = prepared(store.db);
    db.transaction(() => {
      beginBulkLoad(db, 'rain');
      for (let i = 0; i < 200; i++) insertOrApplyPulled(db, wire(10 + i));
    })();
    // No endBulkLoads: what a killed process leaves behind (every step committed on its own).
    expect(indexNames(db).length).toBeLessThan(before.length);
    db.close();
    const again = openAccountStore(dataDir, ref).db;
    expect(inBulkLoad(again, 'rain')).toBe(false);
    expect(indexNames(again)).toEqual(before);
    expectTextIndexWhole(again);
    expectCountsExact(again);
    again.close();
  });
});

describe('text filter through the text index', () => {
  it('returns what the walk returns, for rare and common text, across pages and sorts', () => {
    const db = openStore(tmp());
    ensureDimensionIndexes(db, DIMS);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insertOrApplyPulled(db, wire(i));
      for (let i = 0; i < 50; i++) insertOrApplyPulled(db, wire(5000 + i, 'other'));
    })();
    const dims = new Map(DIMS.map((d) => [d.code, d.type]));
    const all = (text: string, column: 'timestamp' | 'x', direction: 'asc' | 'desc') => {
      const uuids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = listObservations(
          db,
          {
            indicatorCode: 'rain',
            sort: { column, direction },
            filter: { text, from: '2024-01-03' },
            cursor,
            limit: 7,
          },
          dims,
        );
        uuids.push(...page.rows.map((r) => r.uuid));
        cursor = page.nextCursor;
      } while (cursor && uuids.length < 5000);
      return uuids;
    };
    const walk = (text: string, column: 'timestamp' | 'x', direction: 'asc' | 'desc') => {
      const key = column === 'x' ? 'x' : 'timestamp';
      return db
        .prepare(
          `SELECT uuid FROM observation WHERE indicator_code = 'rain' AND timestamp >= '2024-01-03' AND search LIKE ?
              ORDER BY ${key} ${direction}, local_id ${direction}`,
        )
        .pluck()
        .all(`%${text.toLowerCase()}%`) as string[];
    };
    // 'needle' is in 1 row, 'eedl' a substring of it, 'NEEDLE' the same in capitals, 'storm 1' in a
    // few dozen, 'flood' in 600 (rare enough for the index), 'writer' in every row (common: the walk).
    for (const text of ['needle', 'eedl', 'NEEDLE', 'storm 1', 'flood', 'writer', 'nothing at all', 'xx'])
      for (const [column, direction] of [
        ['timestamp', 'desc'],
        ['x', 'asc'],
      ] as const)
        expect(all(text, column, direction), `${text} ${column}`).toEqual(walk(text, column, direction));
    db.close();
  });
});
