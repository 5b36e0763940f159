/**
 * The shared centroid against PostGIS's ST_Centroid (what the Lizmap G-Obs module sends as x/y),
 * on the case table's WKT and on generated geometries. Needs PostgreSQL with PostGIS through
 * DATABASE_URL (`eval "$(scripts/postgres-throwaway.sh start)"`): skipped loudly otherwise, a
 * failure in CI. The property prints its seed; replay with GOBS_PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bbox, centroid, inBBox, type Geometry, type Position } from '../../../src/shared/geometry';
import { formatWkt, parseWkt } from '../../../src/shared/wkt';
import { createTestDatabase, postgresUrl } from '../../helpers/postgres';
import { RULE_CASES } from '../../unit/shared/rules-cases';

function available(): boolean {
  if (postgresUrl()) return true;
  const why = 'DATABASE_URL is not set (the centroid is compared with PostGIS)';
  if (process.env['CI'] === 'true') throw new Error(`CENTROID/POSTGIS TESTS CANNOT RUN: ${why}.`);
  const message = `CENTROID/POSTGIS TESTS SKIPPED: ${why}. Run: eval "$(scripts/postgres-throwaway.sh start)"`;
  console.warn(`\n${'!'.repeat(message.length + 8)}\n!!! ${message} !!!\n${'!'.repeat(message.length + 8)}\n`);
  return false;
}

/**
 * A convex ring around a centre (a valid shell or hole), either winding: at least 4 vertices, each
 * within a quarter step of its even angle, so the centre stays ≥ 0.38 radius from every edge.
 */
const ring = (cx: number, cy: number, radius: number) =>
  fc
    .record({
      jitter: fc.array(fc.double({ min: -0.25, max: 0.25, noNaN: true }), { minLength: 4, maxLength: 9 }),
      clockwise: fc.boolean(),
    })
    .map(({ jitter, clockwise }) => {
      const n = jitter.length;
      const r: Position[] = jitter.map((j, i) => {
        const a = ((i + j) * 2 * Math.PI) / n;
        return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
      });
      if (clockwise) r.reverse();
      return [...r, r[0]!];
    });

/**
 * A valid polygon (convex shell, maybe a convex hole around the same centre) in a 10° cell. Parts of
 * a multipolygon are 1 km or more across: PostGIS sums every ring about the first shell's first
 * point, which loses more than 1e-9 of the extent on 10 m parts 50° apart (ours does not).
 */
const polygon = (cellX: number, minRadius = 1e-4) =>
  fc
    .record({
      cx: fc.double({ min: cellX - 5, max: cellX + 5, noNaN: true }),
      cy: fc.double({ min: -60, max: 60, noNaN: true }),
      radius: fc.double({ min: minRadius, max: 4, noNaN: true }),
      hole: fc.boolean(),
    })
    .chain(({ cx, cy, radius, hole }) =>
      hole ? fc.tuple(ring(cx, cy, radius), ring(cx, cy, radius * 0.25)) : ring(cx, cy, radius).map((shell) => [shell]),
    );

const position = fc.tuple(
  fc.double({ min: -170, max: 170, noNaN: true }),
  fc.double({ min: -80, max: 80, noNaN: true }),
) as fc.Arbitrary<Position>;
const line = fc.array(position, { minLength: 2, maxLength: 6 });

const validGeometries: fc.Arbitrary<Geometry> = fc.oneof(
  position.map((coordinates) => ({ type: 'Point', coordinates }) as const),
  fc
    .array(position, { minLength: 1, maxLength: 6 })
    .map((coordinates) => ({ type: 'MultiPoint', coordinates }) as const),
  line.map((coordinates) => ({ type: 'LineString', coordinates }) as const),
  fc
    .array(line, { minLength: 1, maxLength: 3 })
    .map((coordinates) => ({ type: 'MultiLineString', coordinates }) as const),
  polygon(0).map((coordinates) => ({ type: 'Polygon', coordinates }) as const),
  fc
    .tuple(polygon(-100, 1e-2), fc.option(polygon(-50, 1e-2)), fc.option(polygon(50, 1e-2)))
    .map(([a, b, c]): Geometry => ({ type: 'MultiPolygon', coordinates: [a, ...(b ? [b] : []), ...(c ? [c] : [])] })),
);

describe.skipIf(!available())('the centroid is PostGIS’s ST_Centroid', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function postgis(wkt: string): Promise<{ x: number; y: number; valid: boolean }> {
    const r = await client.query<{ x: number; y: number; valid: boolean }>(
      'SELECT ST_X(c) AS x, ST_Y(c) AS y, ST_IsValid(g) AS valid FROM (SELECT ST_GeomFromText($1, 4326) AS g) s, ST_Centroid(g) AS c',
      [wkt],
    );
    return r.rows[0]!;
  }

  const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, scale);

  it('for every accepted WKT of the case table', async () => {
    const wkts = RULE_CASES.filter((c) => c.input.wkt && 'ok' in c.expect).map((c) => c.input.wkt!);
    expect(wkts.length).toBeGreaterThan(10);
    for (const wkt of wkts) {
      const [x, y] = centroid(parseWkt(wkt));
      const p = await postgis(wkt);
      expect([x, y], wkt).toEqual([expect.closeTo(p.x, 9), expect.closeTo(p.y, 9)]);
    }
  });

  it('for generated valid geometries, from 10 m to 1000 km across', async () => {
    const seed = Number(process.env.GOBS_PROPERTY_SEED ?? Date.now() % 2 ** 31);
    console.log(`centroid vs PostGIS: seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(validGeometries, async (g) => {
        const wkt = formatWkt(g);
        const p = await postgis(wkt);
        expect(p.valid, wkt).toBe(true);
        const [x, y] = centroid(g);
        const b = bbox(g);
        const scale = Math.max(b[2] - b[0], b[3] - b[1]);
        expect(close(x, p.x, scale) && close(y, p.y, scale), `${wkt}: ${[x, y]} vs PostGIS ${[p.x, p.y]}`).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('for invalid polygons whose area centroid means nothing, the centroid of their boundary instead', async () => {
    const boundary = (wkt: string) =>
      centroid({
        type: 'MultiLineString',
        coordinates: (parseWkt(wkt) as Extract<Geometry, { type: 'Polygon' }>).coordinates,
      });
    // A bow tie with unequal lobes: PostGIS answers a point outside the shape's box.
    const bowTie = 'POLYGON((0 0, 2 2, 2 0, 0 3, 0 0))';
    const p = await postgis(bowTie);
    expect(p.valid).toBe(false);
    expect(inBBox([p.x, p.y], bbox(parseWkt(bowTie)))).toBe(false);
    expect(centroid(parseWkt(bowTie))).toEqual(boundary(bowTie));
    // A hole larger than its shell: a negative net area.
    const inverted = 'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (-5 -5, 5 -5, 5 5, -5 5, -5 -5))';
    expect((await postgis(inverted)).valid).toBe(false);
    expect(centroid(parseWkt(inverted))).toEqual(boundary(inverted));
  });
});
