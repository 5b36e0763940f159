import { describe, expect, it } from 'vitest';
import { centroid, parseWkt, WktError } from '../../../src/server/observations/wkt.js';

describe('WKT reader', () => {
  it.each([
    ['POINT(1 2)', [1, 2]],
    ['point ( -1.5  2e1 )', [-1.5, 20]],
    ['LINESTRING(0 0, 10 0, 10 10)', [7.5, 2.5]],
    ['POLYGON((0 0, 4 0, 4 2, 0 2, 0 0))', [2, 1]],
    ['POLYGON((0 0, 0 2, 4 2, 4 0, 0 0))', [2, 1]], // clockwise: same centroid
    ['MULTIPOINT(1 1, 3 3)', [2, 2]],
    ['MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((2 0, 3 0, 3 1, 2 1, 2 0)))', [1.5, 0.5]],
    ['MULTILINESTRING((0 0, 2 0), (0 2, 2 2))', [1, 1]],
  ] as const)('%s → centroid %j', (wkt, expected) => {
    const [x, y] = centroid(parseWkt(wkt));
    expect(x).toBeCloseTo(expected[0]);
    expect(y).toBeCloseTo(expected[1]);
  });

  it('weights holes out of polygons', () => {
    const [x, y] = centroid(parseWkt('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (5 0, 10 0, 10 10, 5 10, 5 0))'));
    expect(x).toBeCloseTo(2.5);
    expect(y).toBeCloseTo(5);
  });

  it.each([
    ['', /geometry type/],
    ['CIRCLE(1 2)', /unsupported/],
    ['POINT(1)', /number/],
    ['POINT(1 2 3)', /2D/],
    ['POINT Z (1 2 3)', /2D/],
    ['POINT EMPTY', /empty/],
    ['POINT(200 0)', /outside/],
    ['POINT(0 -91)', /outside/],
    ['LINESTRING(0 0)', /at least 2/],
    ['POLYGON((0 0, 1 0, 1 1, 0 0.5))', /closed/],
    ['POLYGON((0 0, 1 0, 0 0))', /at least 4/],
    ['POINT(1 2) trailing', /unexpected/],
    ['POINT(1 2', /expected "\)"/],
  ])('rejects %j', (wkt, message) => {
    expect(() => parseWkt(wkt)).toThrow(WktError);
    expect(() => parseWkt(wkt)).toThrow(message);
  });
});
