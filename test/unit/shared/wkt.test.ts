import { describe, expect, it } from 'vitest';
import { centroid } from '../../../src/shared/geometry';
import { IMAGE_TYPES, sniffImage } from '../../../src/shared/images';
import { normaliseTimestamp } from '../../../src/shared/timestamp';
import { coerceValue, parseDecimal } from '../../../src/shared/values';
import { formatWkt, parseWkt, wktGeometryType, WktError, WKT_MAX_LENGTH } from '../../../src/shared/wkt';

const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

describe('WKT reader', () => {
  it.each([
    ['POINT(1 2)', { type: 'Point', coordinates: [1, 2] }],
    ['point ( -1.5  2e1 )', { type: 'Point', coordinates: [-1.5, 20] }],
    [
      'MULTIPOINT ((1 2), (3 4))',
      {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      'MULTIPOINT (1 2, 3 4)',
      {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      '\nLINESTRING\t(0 0,1 1)\n',
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
    ],
  ] as const)('%j', (text, geometry) => expect(parseWkt(text)).toEqual(geometry));

  it.each([
    ['', 'syntax', /geometry type/],
    ['CIRCLE(1 2)', 'type', /unsupported geometry type CIRCLE/],
    ['GEOMETRYCOLLECTION (POINT (1 2))', 'collection', /collections are not accepted/],
    ['GeometryCollection EMPTY', 'collection', /collections/],
    ['POINT(1)', 'syntax', /"x y" coordinates/],
    ['POINT(1 2 3)', 'dimension', /2D/],
    ['POINT Z (1 2 3)', 'dimension', /2D/],
    ['POINTZ(1 2 3)', 'dimension', /2D/],
    ['POINT M (1 2 3)', 'dimension', /2D/],
    ['POINT EMPTY', 'empty', /empty/],
    ['MULTIPOLYGON EMPTY', 'empty', /empty/],
    ['POINT(200 0)', 'range', /outside/],
    ['POINT(0 -91)', 'range', /outside/],
    ['POINT(1e400 0)', 'not-finite', /finite/],
    ['LINESTRING(0 0)', 'too-few-points', /at least 2/],
    ['POLYGON((0 0, 1 0, 1 1, 0 0.5))', 'ring-open', /closed/],
    ['POLYGON((0 0, 1 0, 0 0))', 'too-few-points', /at least 4/],
    ['MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5.5)))', 'ring-open', /closed/],
    ['POINT(1 2) trailing', 'syntax', /unexpected text at position 11/],
    ['POINT(1 2', 'syntax', /expected "\)" at position 9 \(end of text\)/],
    ['POINT(1, 2)', 'syntax', /coordinates/],
    ['POINT(NaN 2)', 'syntax', /coordinates/],
    ['POINT(1..2 3)', 'syntax', /malformed number at position 6/],
    ['POINT(1e 3)', 'syntax', /malformed number/],
    ['POINT(1 2x)', 'syntax', /malformed number/],
    ['LINESTRING(0 0, 1 1 1)', 'dimension', /2D/],
    ['POINT 1 2', 'syntax', /expected "\("/],
  ])('refuses %j (%s)', (text, problem, message) => {
    let error: unknown;
    try {
      parseWkt(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WktError);
    expect((error as WktError).problem).toBe(problem);
    expect((error as WktError).message).toMatch(message);
  });

  it('refuses a text longer than the bound before reading it', () => {
    expect(() => parseWkt(`POINT(${'1'.repeat(WKT_MAX_LENGTH)} 2)`)).toThrow(/longer than 100000 characters/);
    expect(() => parseWkt('POINT(1 2)', { maxLength: 5 })).toThrow(WktError);
  });

  it('drops Z and M only when asked, and reads other coordinate systems only when asked', () => {
    expect(parseWkt('POINT Z (1 2 3)', { dropZ: true })).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(parseWkt('POINTZM(1 2 3 4)', { dropZ: true })).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(parseWkt('LINESTRING ZM (0 0 1 2, 1 1 1 2)', { dropZ: true }).coordinates).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(() => parseWkt('POINT Z (1 2)', { dropZ: true })).toThrow(/mixes dimensions/);
    expect(parseWkt('POINT (500000 6000000)', { lonLat: false }).coordinates).toEqual([500000, 6000000]);
  });

  it('writes the normalised text: PostGIS style type, ", " between items, shortest numbers', () => {
    const cases: [string, string][] = [
      ['point (1.50 2E1)', 'POINT(1.5 20)'],
      ['POINT(-0 0.0)', 'POINT(0 0)'],
      ['LINESTRING (0 0,1 1)', 'LINESTRING(0 0, 1 1)'],
      [
        'POLYGON ((0 0,2 0,2 2,0 2,0 0),(1 1,1.5 1,1.5 1.5,1 1))',
        'POLYGON((0 0, 2 0, 2 2, 0 2, 0 0), (1 1, 1.5 1, 1.5 1.5, 1 1))',
      ],
      ['MULTIPOINT (1 2,3 4)', 'MULTIPOINT((1 2), (3 4))'],
      ['MULTILINESTRING ((0 0,1 1),(2 2,3 3))', 'MULTILINESTRING((0 0, 1 1), (2 2, 3 3))'],
      [
        'MULTIPOLYGON (((0 0,2 0,2 2,0 0)),((5 5,6 5,6 6,5 5)))',
        'MULTIPOLYGON(((0 0, 2 0, 2 2, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
      ],
    ];
    for (const [input, output] of cases) expect(formatWkt(parseWkt(input)), input).toBe(output);
  });

  it('names the declared type cheaply', () => {
    expect(wktGeometryType(' polygon((0 0, 1 0, 1 1, 0 0))')).toBe('Polygon');
    expect(wktGeometryType('MULTIPOINTZ(1 2 3)')).toBe('MultiPoint');
    expect(wktGeometryType('GEOMETRYCOLLECTION(POINT(1 2))')).toBeNull();
    expect(wktGeometryType('')).toBeNull();
  });

  it('computes the centroids the server always did', () => {
    const cases: [string, [number, number]][] = [
      ['POINT(1 2)', [1, 2]],
      ['LINESTRING(0 0, 10 0, 10 10)', [7.5, 2.5]],
      ['POLYGON((0 0, 4 0, 4 2, 0 2, 0 0))', [2, 1]],
      ['POLYGON((0 0, 0 2, 4 2, 4 0, 0 0))', [2, 1]],
      ['MULTIPOINT(1 1, 3 3)', [2, 2]],
      ['MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((2 0, 3 0, 3 1, 2 1, 2 0)))', [1.5, 0.5]],
      ['MULTILINESTRING((0 0, 2 0), (0 2, 2 2))', [1, 1]],
      ['POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (5 0, 10 0, 10 10, 5 10, 5 0))', [2.5, 5]],
    ];
    for (const [wkt, [x, y]] of cases) {
      const c = centroid(parseWkt(wkt));
      expect(c[0], wkt).toBeCloseTo(x, 12);
      expect(c[1], wkt).toBeCloseTo(y, 12);
    }
  });
});

describe('timestamp and value details', () => {
  it('says which problem a timestamp has', () => {
    const problem = (text: string, format: Parameters<typeof normaliseTimestamp>[1] = 'hour') => {
      const r = normaliseTimestamp(text, format);
      return 'problem' in r ? r.problem : r.timestamp;
    };
    expect(problem('2024-05-01T10:00:00Z')).toBe('zone');
    expect(problem('2024-05-01 10:00-0300')).toBe('zone');
    expect(problem('2024-05-01')).toBe('precision');
    expect(problem('2024-05-01 25')).toBe('date');
    expect(problem('2024-05-01-04')).toBe('format');
    expect(problem('2024-5-1 10')).toBe('format');
    expect(problem(`2024-05-01 10:00:00.${'1'.repeat(30)}`)).toBe('format');
    expect(problem('2024', 'year')).toBe('2024-01-01 00:00:00');
  });

  it('reads numbers strictly: no decimal comma, no overflow', () => {
    expect(parseDecimal(' -1.5e2 ')).toBe(-150);
    expect(parseDecimal('1,5')).toBeNull();
    expect(parseDecimal('1e999')).toBeNull();
    expect(coerceValue('integer', '12')).toEqual({ value: 12 });
    expect(coerceValue('integer', 2 ** 53)).toMatchObject({ problem: 'integer-range' });
    expect(coerceValue('string', undefined)).toMatchObject({ problem: 'required' });
    expect(coerceValue('boolean', '')).toMatchObject({ problem: 'required' });
  });
});

describe('image signatures', () => {
  it.each([
    ['ffd8ffe0', 'image/jpeg', '.jpg'],
    ['89504e470d0a1a0a', 'image/png', '.png'],
    [Buffer.from('GIF87a').toString('hex'), 'image/gif', '.gif'],
    [Buffer.from('GIF89a').toString('hex'), 'image/gif', '.gif'],
    [Buffer.from('RIFF\0\0\0\0WEBPVP8 ').toString('hex'), 'image/webp', '.webp'],
  ])('recognises %s', (h, mime, ext) => expect(sniffImage(hex(h))).toMatchObject({ mime, ext }));

  it('refuses what is not an image whatever its name, and works on Buffers too', () => {
    expect(sniffImage(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(bytes('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImage(bytes('GIF8xa'))).toBeNull();
    expect(sniffImage(bytes('RIFF'))).toBeNull();
    expect(sniffImage(hex('ffd8'))).toBeNull();
    expect(sniffImage(new Uint8Array(0))).toBeNull();
    expect(sniffImage(Buffer.from('89504e470d0a1a0a', 'hex'))?.kind).toBe('png');
    expect(IMAGE_TYPES.map((t) => t.kind)).toEqual(['jpeg', 'png', 'gif', 'webp']);
  });
});
