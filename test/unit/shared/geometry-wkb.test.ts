/**
 * Centroid and WKT properties over generated geometries. Each property prints its seed; replay a
 * failure with GOBS_PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
<<<<<<<< HEAD:test/unit/shared/geometry.test.ts
import {
  bbox,
  centroid,
  geometryFromGeoJson,
  GeometryError,
  inBBox,
  ringArea2,
  rewindRfc7946,
  toGeoJson,
  type Geometry,
  type Position,
} from '../../../src/shared/geometry';
import { formatWkt, parseWkt } from '../../../src/shared/wkt';
========
import { bbox, centroid, rewindRfc7946, type Geometry, type Position } from '../../../src/shared/geometry';
import { commonType, toMulti } from '../../../src/main/geopackage/geometryType';
import { encodeWkb, decodeWkb, WkbError } from '../../../src/shared/wkb';
import { formatWkt, parseWkt, WktError } from '../../../src/shared/wkt';
>>>>>>>> 390fa40 (Docs: analyst data (chart reduction, map clustering, exports, GeoPackage module, libraries); CI installs gdal-bin and requires the GDAL-checked tests; bench item 8 runs test/bench/analyst.ts; GeoPackage column typing moved beside the GeoPackage writer):test/unit/shared/geometry-wkb.test.ts

function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => void, numRuns = 300): void {
  const seed = Number(process.env.GOBS_PROPERTY_SEED ?? Date.now() % 2 ** 31);
  console.log(`${name}: seed ${seed}`);
  fc.assert(
    fc.property(arb, (v) => {
      predicate(v);
    }),
    { seed, numRuns },
  );
}

// Coordinates on a 1/1024° grid: translations and differences are then exact, so a property
// failing there is the formula's fault, not rounding's.
const gridCoord = (max: number) => fc.integer({ min: -max * 1024, max: max * 1024 }).map((n) => n / 1024);
const gridPosition = fc.tuple(gridCoord(80), gridCoord(80)) as fc.Arbitrary<Position>;
// Any doubles in range, to look for NaN, Infinity and escapes from the box.
const anyPosition = fc.tuple(
  fc.double({ min: -180, max: 180, noNaN: true }),
  fc.double({ min: -90, max: 90, noNaN: true }),
) as fc.Arbitrary<Position>;

function geometries(position: fc.Arbitrary<Position>): fc.Arbitrary<Geometry> {
  const line = fc.array(position, { minLength: 2, maxLength: 8 });
  const ring = fc.array(position, { minLength: 3, maxLength: 8 }).map((ps) => [...ps, ps[0]!]);
  const polygon = fc.array(ring, { minLength: 1, maxLength: 3 });
  return fc.oneof(
    position.map((coordinates) => ({ type: 'Point', coordinates }) as const),
    line.map((coordinates) => ({ type: 'LineString', coordinates }) as const),
    polygon.map((coordinates) => ({ type: 'Polygon', coordinates }) as const),
    fc
      .array(position, { minLength: 1, maxLength: 8 })
      .map((coordinates) => ({ type: 'MultiPoint', coordinates }) as const),
    fc
      .array(line, { minLength: 1, maxLength: 3 })
      .map((coordinates) => ({ type: 'MultiLineString', coordinates }) as const),
    fc
      .array(polygon, { minLength: 1, maxLength: 3 })
      .map((coordinates) => ({ type: 'MultiPolygon', coordinates }) as const),
  );
}

function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(walk);
  return { type: g.type, coordinates: walk(g.coordinates) } as Geometry;
}

/** Every line and ring walked the other way round. */
function reversed(g: Geometry): Geometry {
  switch (g.type) {
    case 'Point':
    case 'MultiPoint':
      return g;
    case 'LineString':
      return { type: g.type, coordinates: [...g.coordinates].reverse() };
    case 'Polygon':
    case 'MultiLineString':
      return { type: g.type, coordinates: g.coordinates.map((l) => [...l].reverse()) };
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((p) => p.map((r) => [...r].reverse())) };
  }
}

describe('centroid', () => {
  it('moves with the geometry (translation equivariance)', () => {
    check('centroid translation', fc.tuple(geometries(gridPosition), gridCoord(10), gridCoord(10)), ([g, dx, dy]) => {
      const [cx, cy] = centroid(g);
      const [tx, ty] = centroid(mapPositions(g, ([x, y]) => [x + dx, y + dy]));
      expect(tx).toBeCloseTo(cx + dx, 9);
      expect(ty).toBeCloseTo(cy + dy, 9);
    });
  });

  it('does not depend on the direction lines and rings are walked', () => {
    check('centroid winding', geometries(gridPosition), (g) => {
      const [cx, cy] = centroid(g);
      const [rx, ry] = centroid(reversed(g));
      expect(rx).toBeCloseTo(cx, 9);
      expect(ry).toBeCloseTo(cy, 9);
    });
  });

  it('is finite and inside the bounding box, whatever the geometry (self-intersecting rings too)', () => {
    check('centroid in bbox', geometries(anyPosition), (g) => {
      const c = centroid(g);
      expect(Number.isFinite(c[0]) && Number.isFinite(c[1])).toBe(true);
      expect(inBBox(c, bbox(g))).toBe(true);
    });
  });

  it('is the mean of the points for points', () => {
    check('centroid of points', fc.array(anyPosition, { minLength: 1, maxLength: 20 }), (points) => {
      const [cx, cy] = centroid({ type: 'MultiPoint', coordinates: points });
      expect(cx).toBeCloseTo(points.reduce((s, p) => s + p[0], 0) / points.length, 9);
      expect(cy).toBeCloseTo(points.reduce((s, p) => s + p[1], 0) / points.length, 9);
      if (points.length === 1) expect(centroid({ type: 'Point', coordinates: points[0]! })).toEqual(points[0]);
    });
  });

  it('of a convex polygon is its triangles’ weighted centroid, strictly inside it', () => {
    // Convex polygons around a centre anywhere on Earth, from 10 m to 1000 km across.
    const convex = fc
      .record({
        cx: fc.double({ min: -170, max: 170, noNaN: true }),
        cy: fc.double({ min: -80, max: 80, noNaN: true }),
        radius: fc.double({ min: 1e-4, max: 9, noNaN: true }),
        jitter: fc.array(fc.double({ min: -0.4, max: 0.4, noNaN: true }), { minLength: 3, maxLength: 12 }),
        clockwise: fc.boolean(),
      })
      .map(({ cx, cy, radius, jitter, clockwise }) => {
        const n = jitter.length;
        const ring: Position[] = jitter.map((j, i) => {
          const a = ((i + j) * 2 * Math.PI) / n;
          return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
        });
        if (clockwise) ring.reverse();
        return [...ring, ring[0]!];
      });
    check('convex centroid', convex, (ring) => {
      let area = 0;
      let sx = 0;
      let sy = 0;
      const [a0, b0] = ring[0]!;
      for (let i = 1; i < ring.length - 2; i++) {
        const [a1, b1] = ring[i]!;
        const [a2, b2] = ring[i + 1]!;
        const t = ((a1 - a0) * (b2 - b0) - (a2 - a0) * (b1 - b0)) / 2;
        area += t;
        sx += (t * (a0 + a1 + a2)) / 3;
        sy += (t * (b0 + b1 + b2)) / 3;
      }
      const [cx, cy] = centroid({ type: 'Polygon', coordinates: [ring] });
      const scale = Math.max(...ring.map(([x]) => Math.abs(x - a0)), ...ring.map(([, y]) => Math.abs(y - b0)));
      expect(Math.abs(cx - sx / area)).toBeLessThan(1e-9 * scale + 1e-12);
      expect(Math.abs(cy - sy / area)).toBeLessThan(1e-9 * scale + 1e-12);
      const orientation = Math.sign(ringArea2(ring));
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i]!;
        const [x1, y1] = ring[i + 1]!;
        expect(orientation * ((x1 - x0) * (cy - y0) - (cx - x0) * (y1 - y0))).toBeGreaterThan(0);
      }
    });
  });

  it('falls back like PostGIS: flat polygons to their boundary, zero-length lines to their first point', () => {
    expect(
      centroid({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [2, 0],
            [4, 0],
            [0, 0],
          ],
        ],
      }),
    ).toEqual([2, 0]);
    expect(
      centroid({
        type: 'Polygon',
        coordinates: [
          [
            [1, 1],
            [1, 1],
            [1, 1],
            [1, 1],
          ],
        ],
      }),
    ).toEqual([1, 1]);
    expect(
      centroid({
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [0, 0],
            [0, 0],
          ],
          [
            [2, 2],
            [2, 2],
          ],
        ],
      }),
    ).toEqual([1, 1]);
    // A bow tie: its two lobes' signed areas cancel; the length-weighted centroid is its middle.
    expect(
      centroid({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [2, 2],
            [2, 0],
            [0, 2],
            [0, 0],
          ],
        ],
      }),
    ).toEqual([1, 1]);
    // A hole larger than its shell has no meaningful area centroid either.
    const inverted = centroid({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
        [
          [-5, -5],
          [5, -5],
          [5, 5],
          [-5, 5],
          [-5, -5],
        ],
      ],
    });
    expect(inBBox(inverted, [-5, -5, 5, 5])).toBe(true);
  });
});

describe('WKT text', () => {
  it('round-trips: parsing the normalised text gives the same geometry, normalising twice changes nothing', () => {
    check(
      'wkt round trip',
      geometries(anyPosition).filter((g) => {
        try {
          parseWkt(formatWkt(g));
          return true;
        } catch {
          return false; // open rings and the like: the parser's refusals are tested elsewhere
        }
      }),
      (g) => {
        const text = formatWkt(g);
        const parsed = parseWkt(text);
        expect(parsed).toEqual(mapPositions(g, ([x, y]) => [x === 0 ? 0 : x, y === 0 ? 0 : y]));
        expect(formatWkt(parsed)).toBe(text);
      },
    );
  });

  it('GeoJSON: RFC 7946 winding and bbox, read back by the same rules', () => {
    const cw = parseWkt('POLYGON((0 0, 0 4, 4 4, 4 0, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))');
    const g = toGeoJson(cw);
    expect(g.bbox).toEqual([0, 0, 4, 4]);
    const rings = (g as Extract<Geometry, { type: 'Polygon' }>).coordinates;
    expect(ringArea2(rings[0]!)).toBeGreaterThan(0);
    expect(ringArea2(rings[1]!)).toBeLessThan(0);
    expect(rewindRfc7946(rewindRfc7946(cw))).toEqual(rewindRfc7946(cw));
    expect(geometryFromGeoJson(JSON.parse(JSON.stringify(g)))).toEqual(rewindRfc7946(cw));
    const refusals: [unknown, string][] = [
      [{ type: 'GeometryCollection', geometries: [] }, 'collection'],
      [{ type: 'Point', coordinates: [] }, 'empty'],
      [{ type: 'Point', coordinates: [1, 2, 3] }, 'dimension'],
      [{ type: 'Point', coordinates: [200, 0] }, 'range'],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0.5],
            ],
          ],
        },
        'ring-open',
      ],
      [{ type: 'LineString', coordinates: [[0, 0]] }, 'too-few-points'],
      [{ type: 'Circle', coordinates: [0, 0] }, 'type'],
      ['POINT(1 2)', 'syntax'],
    ];
    for (const [value, problem] of refusals) {
      let caught: unknown;
      try {
        geometryFromGeoJson(value);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(value)).toBeInstanceOf(GeometryError);
      expect((caught as GeometryError).problem).toBe(problem);
    }
    expect(geometryFromGeoJson({ type: 'Point', coordinates: [1, 2, 3] }, { dropZ: true })).toEqual({
      type: 'Point',
      coordinates: [1, 2],
    });
  });
});
