/**
 * The benchmark's peer stores seededObservation(g) as its documents, claiming they are the observations our
 * seeding generates in SQL; this holds the two in step, field by field, as the server's pull serialises them.
 */
import { describe, expect, it } from 'vitest';
import { openMemoryPglite } from '../../../src/server/db/pglite';
import { dimensionsOf } from '../../../src/server/observations/indicators';
import {
  OBSERVATION_FROM,
  OBSERVATION_SELECT,
  toObservation,
  type ObservationRow,
} from '../../../src/server/observations/read';
import { seedBase, seededObservation, seedObservations } from '../../bench/lib/seed';

describe('benchmark seeding', () => {
  it("gives the peer's documents the values the server sends for the observations seeded in SQL", async () => {
    const db = await openMemoryPglite();
    try {
      const s = await seedBase(db);
      // Low and high observation numbers: x and y wrap around, and g × 104,729 passes 10^11 near the top.
      const ranges = [1, 999_001];
      for (const from of ranges) await seedObservations(db, s, 1000, from);
      const rows = await db.query<ObservationRow>(
        `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM} ORDER BY o.id`,
      );
      const dims = (await dimensionsOf(db, [s.indicatorId])).get(s.indicatorId)!;
      const sent = rows.map((r) => {
        const o = toObservation(r, dims, '');
        return {
          indicator: o.indicator,
          timestamp: o.timestamp,
          x: o.x,
          y: o.y,
          wkt: o.wkt,
          values: o.values,
          author: o.author,
        };
      });
      const generated = ranges.flatMap((from) => Array.from({ length: 1000 }, (_, i) => seededObservation(from + i)));
      expect(sent).toHaveLength(2000);
      expect(sent).toEqual(generated);
    } finally {
      await db.close();
    }
  });
});
