import { describe, expect, it } from 'vitest';
import { rewindRfc7946, type Geometry, type Position } from '../../../src/shared/geometry';
import { commonType, toMulti } from '../../../src/main/geopackage/geometryType';
import { encodeWkb, decodeWkb, WkbError } from '../../../src/shared/wkb';
import { formatWkt, parseWkt } from '../../../src/shared/wkt';
import { rng } from '../../helpers/seedAnalyst';

describe('geometry', () => {
  it('rewinds polygons as RFC 7946 wants: exterior counter-clockwise, holes clockwise', () => {
    const cw = parseWkt('POLYGON ((0 0, 0 4, 4 4, 4 0, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))');
    const g = rewindRfc7946(cw) as Extract<Geometry, { type: 'Polygon' }>;
    const area2 = (r: Position[]) =>
      r.slice(0, -1).reduce((s, p, i) => s + p[0] * r[i + 1]![1] - r[i + 1]![0] * p[1], 0);
    expect(area2(g.coordinates[0]!)).toBeGreaterThan(0);
    expect(area2(g.coordinates[1]!)).toBeLessThan(0);
    expect(rewindRfc7946(g)).toEqual(g);
  });

  it('the column type a set of geometries needs', () => {
    expect(commonType([])).toBeNull();
    expect(commonType(['Point', 'Point'])).toBe('POINT');
    expect(commonType(['Point', 'MultiPoint'])).toBe('MULTIPOINT');
    expect(commonType(['Polygon', 'MultiPolygon', 'Polygon'])).toBe('MULTIPOLYGON');
    expect(commonType(['MultiLineString'])).toBe('MULTILINESTRING');
    expect(commonType(['Point', 'LineString'])).toBe('GEOMETRY');
    expect(commonType(['Polygon', 'MultiPoint'])).toBe('GEOMETRY');
    expect(toMulti({ type: 'Point', coordinates: [1, 2] })).toEqual({ type: 'MultiPoint', coordinates: [[1, 2]] });
  });
});

function randomGeometry(r: () => number): Geometry {
  const pos = (): Position => [r() * 360 - 180, r() * 180 - 90];
  const line = (n = 2 + Math.floor(r() * 5)) => Array.from({ length: n }, pos);
  const ring = () => {
    const pts = line(3 + Math.floor(r() * 4));
    return [...pts, pts[0]!];
  };
  const poly = () => Array.from({ length: 1 + Math.floor(r() * 2) }, ring);
  const many = <T>(f: () => T) => Array.from({ length: 1 + Math.floor(r() * 3) }, f);
  switch (Math.floor(r() * 6)) {
    case 0:
      return { type: 'Point', coordinates: pos() };
    case 1:
      return { type: 'LineString', coordinates: line() };
    case 2:
      return { type: 'Polygon', coordinates: poly() };
    case 3:
      return { type: 'MultiPoint', coordinates: many(pos) };
    case 4:
      return { type: 'MultiLineString', coordinates: many(() => line()) };
    default:
      return { type: 'MultiPolygon', coordinates: many(poly) };
  }
}

describe('WKB', () => {
  it('round-trips random geometries through WKT and WKB (property)', () => {
    const seed = Number(process.env['GOBS_SEED'] ?? Date.now() % 2 ** 31);
    console.log(`WKB round-trip property seed: ${seed} (GOBS_SEED=${seed} to replay)`);
    const r = rng(seed);
    for (let i = 0; i < 500; i++) {
      const g = randomGeometry(r);
      expect(decodeWkb(encodeWkb(g)), `seed ${seed}, case ${i}`).toEqual(g);
      expect(parseWkt(formatWkt(g)), `seed ${seed}, case ${i}`).toEqual(g);
    }
  });

  it('writes ISO little-endian WKB byte for byte', () => {
    const bytes = encodeWkb({ type: 'Point', coordinates: [1, 2] });
    expect(Buffer.from(bytes).toString('hex')).toBe('0101000000' + '000000000000f03f' + '0000000000000040');
    const line = Buffer.from(encodeWkb(parseWkt('LINESTRING (0 0, 1 1)'))).toString('hex');
    expect(line.slice(0, 18)).toBe('010200000002000000');
  });

  it('reads big-endian, ISO Z/M and PostGIS EWKB, dropping the extra ordinates', () => {
    const be = Buffer.alloc(21);
    be.writeUInt8(0, 0);
    be.writeUInt32BE(1, 1);
    be.writeDoubleBE(3, 5);
    be.writeDoubleBE(4, 13);
    expect(decodeWkb(be)).toEqual({ type: 'Point', coordinates: [3, 4] });

    const isoZ = Buffer.alloc(5 + 4 + 2 * 24);
    isoZ.writeUInt8(1, 0);
    isoZ.writeUInt32LE(1002, 1);
    isoZ.writeUInt32LE(2, 5);
    [0, 0, 9, 1, 1, 9].forEach((v, i) => isoZ.writeDoubleLE(v, 9 + i * 8));
    expect(decodeWkb(isoZ)).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });

    const ewkb = Buffer.alloc(5 + 4 + 24);
    ewkb.writeUInt8(1, 0);
    ewkb.writeUInt32LE((0x80000000 | 0x20000000 | 1) >>> 0, 1);
    ewkb.writeUInt32LE(4326, 5);
    [5, 6, 7].forEach((v, i) => ewkb.writeDoubleLE(v, 9 + i * 8));
    expect(decodeWkb(ewkb)).toEqual({ type: 'Point', coordinates: [5, 6] });
  });

  it('refuses damage, collections, curves and empty points with a WkbError', () => {
    const ok = encodeWkb(parseWkt('POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))'));
    expect(() => decodeWkb(ok.subarray(0, ok.length - 3))).toThrow(WkbError);
    const huge = Buffer.from(ok);
    huge.writeUInt32LE(0xffffffff, 5);
    expect(() => decodeWkb(huge)).toThrow(/too large/);
    const gc = Buffer.from('010700000000000000', 'hex');
    expect(() => decodeWkb(gc)).toThrow(/collections/);
    const curve = Buffer.from('010800000000000000', 'hex');
    expect(() => decodeWkb(curve)).toThrow(/unsupported/);
    const empty = Buffer.alloc(21);
    empty.writeUInt8(1, 0);
    empty.writeUInt32LE(1, 1);
    empty.writeDoubleLE(NaN, 5);
    empty.writeDoubleLE(NaN, 13);
    expect(() => decodeWkb(empty)).toThrow(/empty/);
    expect(() => decodeWkb(Buffer.from('02', 'hex'))).toThrow(WkbError);
  });
});
