import { describe, expect, it } from 'vitest';
import { decodeGpkgGeometry, encodeGpkgGeometry, GpkgGeometryError } from '../../../src/main/geopackage/binary';
import { exportColumns, cellValue, type DecodedRow } from '../../../src/main/analyst/exports/columns';
import { declaredGeometryType } from '../../../src/main/analyst/exports/writers';
import { encodeWkb } from '../../../src/shared/wkb';
import { parseWkt } from '../../../src/shared/wkt';
import type { Dimension } from '../../../src/shared/ipc';

describe('GeoPackage geometry blobs', () => {
  it('writes GP, version 0, little-endian flags, SRS 4326, an xy envelope (none for points), then WKB', () => {
    const poly = parseWkt('POLYGON ((1 2, 3 2, 3 5, 1 5, 1 2))');
    const { blob, bbox } = encodeGpkgGeometry(poly);
    expect(blob.subarray(0, 2).toString('ascii')).toBe('GP');
    expect(blob[2]).toBe(0);
    expect(blob[3]).toBe(0b011); // little endian, envelope kind 1 (xy)
    expect(blob.readInt32LE(4)).toBe(4326);
    expect([8, 16, 24, 32].map((o) => blob.readDoubleLE(o))).toEqual([1, 3, 2, 5]); // minx maxx miny maxy
    expect(Buffer.from(blob.subarray(40)).equals(Buffer.from(encodeWkb(poly)))).toBe(true);
    expect(bbox).toEqual([1, 2, 3, 5]);
    const point = encodeGpkgGeometry(parseWkt('POINT (1 2)')).blob;
    expect(point[3]).toBe(1);
    expect(point.length).toBe(8 + 21);
    expect(decodeGpkgGeometry(blob)).toEqual({ srsId: 4326, envelope: [1, 2, 3, 5], geometry: poly });
  });

  it('reads big-endian headers, xyz / xyzm envelopes and the empty flag', () => {
    const wkb = Buffer.from(encodeWkb(parseWkt('LINESTRING (0 0, 1 1)')));
    const be = Buffer.alloc(8 + 48);
    be.write('GP', 0, 'ascii');
    be[3] = 0b0000_0100; // big endian, envelope kind 2 (xyz)
    be.writeInt32BE(3857, 4);
    [0, 1, 0, 1, -5, 5].forEach((v, i) => be.writeDoubleBE(v, 8 + i * 8));
    const decoded = decodeGpkgGeometry(Buffer.concat([be, wkb]));
    expect(decoded.srsId).toBe(3857);
    expect(decoded.envelope).toEqual([0, 0, 1, 1]);
    expect(decoded.geometry?.type).toBe('LineString');

    const xyzm = Buffer.alloc(8 + 64);
    xyzm.write('GP', 0, 'ascii');
    xyzm[3] = 0b0000_1001;
    expect(decodeGpkgGeometry(Buffer.concat([xyzm, wkb])).geometry?.type).toBe('LineString');

    const empty = Buffer.alloc(8);
    empty.write('GP', 0, 'ascii');
    empty[3] = 0b0001_0001;
    empty.writeInt32LE(4326, 4);
    expect(decodeGpkgGeometry(Buffer.concat([empty, Buffer.from('010700000000000000', 'hex')])).geometry).toBeNull();
  });

  it('refuses what is not a GeoPackage geometry', () => {
    expect(() => decodeGpkgGeometry(Buffer.from('XX000000', 'hex'))).toThrow(GpkgGeometryError);
    const bad = Buffer.alloc(8);
    bad.write('GP', 0, 'ascii');
    bad[3] = 0b0000_1110; // envelope kind 7: invalid
    expect(() => decodeGpkgGeometry(bad)).toThrow(/envelope/);
    bad[3] = 0b0010_0001; // extended type
    expect(() => decodeGpkgGeometry(bad)).toThrow(/extended/);
    bad[3] = 0b0000_0011; // xy envelope announced, not there
    expect(() => decodeGpkgGeometry(bad)).toThrow(/truncated/);
  });
});

describe('export columns', () => {
  const dims: Dimension[] = [
    { code: 'rain', name: 'Rain', type: 'real', unit: 'mm' },
    { code: 'State', name: 'State of the gauge', type: 'string', unit: null },
    { code: 'state_2', name: 'Other', type: 'integer', unit: null },
    { code: 'fid', name: 'Field id', type: 'boolean', unit: null },
  ];

  it('puts units in headers and keeps names unique ignoring case', () => {
    const cols = exportColumns(dims, true);
    expect(cols.map((c) => c.header)).toEqual([
      'uuid',
      'timestamp',
      'x',
      'y',
      'wkt',
      'rain (mm)',
      'State_2',
      'state_2_2',
      'fid_2',
      'author',
      'state',
    ]);
    expect(exportColumns(dims, false).map((c) => c.gpkgType)).toEqual([
      'TEXT',
      'TEXT',
      'REAL',
      'TEXT',
      'INTEGER',
      'BOOLEAN',
      'TEXT',
      'TEXT',
    ]);
  });

  it('types values by their dimension; a mistyped stored value becomes null', () => {
    const cols = exportColumns(dims, false);
    const row: DecodedRow = {
      uuid: 'u',
      timestamp: '2024-01-01 00:00:00',
      x: 1,
      y: 2,
      wkt: null,
      author: null,
      state: 'synced',
      values: { rain: 'wet', State: 12, state_2: 3, fid: true },
    };
    expect(cols.map((c) => cellValue(c, row))).toEqual([
      'u',
      '2024-01-01 00:00:00',
      null,
      '12',
      3,
      true,
      null,
      'synced',
    ]);
  });

  it('declares the column type the set needs (single, multi when mixed with it, any otherwise)', () => {
    expect(declaredGeometryType([''])).toBe('POINT');
    expect(declaredGeometryType(['', 'POINT'])).toBe('POINT');
    expect(declaredGeometryType(['POINT', 'MULTIPOINT'])).toBe('MULTIPOINT');
    expect(declaredGeometryType(['POLYGON'])).toBe('POLYGON');
    expect(declaredGeometryType(['LINESTRING Z'])).toBe('LINESTRING');
    expect(declaredGeometryType(['', 'LINESTRING'])).toBe('GEOMETRY');
    expect(declaredGeometryType([])).toBe('POINT');
  });
});
