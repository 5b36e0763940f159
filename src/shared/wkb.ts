/**
 * Well-Known Binary of the shared geometries. Writes ISO WKB, little endian, 2D (what a
 * GeoPackage holds). Reads ISO and extended (PostGIS) WKB in either byte order, 2D or with Z/M
 * (dropped): geometry collections, curves and empty geometries are refused with a WkbError,
 * so a reader can skip that one feature. Pure TypeScript (Uint8Array, DataView).
 */
import type { Geometry, Position } from './geometry';

export class WkbError extends Error {
  override name = 'WkbError';
}

const CODES = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
} as const;

/** Bytes of the WKB of `g`, to size a buffer before writing. */
export function wkbSize(g: Geometry): number {
  const seq = (ps: readonly Position[]) => 4 + 16 * ps.length;
  const poly = (rs: readonly Position[][]) => 4 + rs.reduce((s, r) => s + seq(r), 0);
  switch (g.type) {
    case 'Point':
      return 5 + 16;
    case 'LineString':
      return 5 + seq(g.coordinates);
    case 'Polygon':
      return 5 + poly(g.coordinates);
    case 'MultiPoint':
      return 5 + 4 + g.coordinates.length * 21;
    case 'MultiLineString':
      return 5 + 4 + g.coordinates.reduce((s, l) => s + 5 + seq(l), 0);
    case 'MultiPolygon':
      return 5 + 4 + g.coordinates.reduce((s, p) => s + 5 + poly(p), 0);
  }
}

/** Writes the WKB of `g` into `out` at `offset`; returns the offset after it. */
export function writeWkb(g: Geometry, out: DataView, offset = 0): number {
  let o = offset;
  const header = (code: number) => {
    out.setUint8(o, 1);
    out.setUint32(o + 1, code, true);
    o += 5;
  };
  const u32 = (n: number) => {
    out.setUint32(o, n, true);
    o += 4;
  };
  const pos = (p: Position) => {
    out.setFloat64(o, p[0], true);
    out.setFloat64(o + 8, p[1], true);
    o += 16;
  };
  const seq = (ps: readonly Position[]) => {
    u32(ps.length);
    ps.forEach(pos);
  };
  const poly = (rs: readonly Position[][]) => {
    u32(rs.length);
    rs.forEach(seq);
  };
  header(CODES[g.type]);
  switch (g.type) {
    case 'Point':
      pos(g.coordinates);
      break;
    case 'LineString':
      seq(g.coordinates);
      break;
    case 'Polygon':
      poly(g.coordinates);
      break;
    case 'MultiPoint':
      u32(g.coordinates.length);
      for (const p of g.coordinates) {
        header(CODES.Point);
        pos(p);
      }
      break;
    case 'MultiLineString':
      u32(g.coordinates.length);
      for (const l of g.coordinates) {
        header(CODES.LineString);
        seq(l);
      }
      break;
    case 'MultiPolygon':
      u32(g.coordinates.length);
      for (const p of g.coordinates) {
        header(CODES.Polygon);
        poly(p);
      }
      break;
  }
  return o;
}

export function encodeWkb(g: Geometry): Uint8Array {
  const bytes = new Uint8Array(wkbSize(g));
  writeWkb(g, new DataView(bytes.buffer));
  return bytes;
}

/** Past this many positions in one geometry the input is treated as damaged (a size bound for readers). */
const MAX_POSITIONS = 50_000_000;

class WkbReader {
  o: number;
  constructor(
    readonly v: DataView,
    offset: number,
  ) {
    this.o = offset;
  }
  need(n: number): void {
    if (this.o + n > this.v.byteLength) throw new WkbError('WKB is truncated');
  }
  count(le: boolean, itemBytes: number): number {
    this.need(4);
    const n = this.v.getUint32(this.o, le);
    this.o += 4;
    // A count larger than the bytes left can only be damage: refuse before allocating.
    if (n > MAX_POSITIONS || this.o + n * itemBytes > this.v.byteLength) throw new WkbError('WKB count is too large');
    return n;
  }
  geometry(expect?: number): Geometry {
    this.need(5);
    const order = this.v.getUint8(this.o);
    if (order > 1) throw new WkbError(`bad WKB byte order ${order}`);
    const le = order === 1;
    let code = this.v.getUint32(this.o + 1, le);
    this.o += 5;
    let dims = 2;
    // Extended WKB (PostGIS): flag bits for Z, M and an embedded SRID.
    if (code & 0x20000000) {
      this.need(4);
      this.o += 4;
    }
    if (code & 0x80000000) dims++;
    if (code & 0x40000000) dims++;
    code &= 0x0fffffff;
    // ISO WKB: 1000s are Z, 2000s M, 3000s ZM.
    const iso = Math.floor(code / 1000);
    if (iso > 3) throw new WkbError(`unsupported WKB geometry type ${code}`);
    if (iso === 1 || iso === 2) dims++;
    if (iso === 3) dims += 2;
    code %= 1000;
    if (expect !== undefined && code !== expect) throw new WkbError(`expected WKB type ${expect}, got ${code}`);
    const stride = dims * 8;
    const pos = (): Position => {
      this.need(stride);
      const p: Position = [this.v.getFloat64(this.o, le), this.v.getFloat64(this.o + 8, le)];
      this.o += stride;
      return p;
    };
    const seq = (): Position[] => {
      const n = this.count(le, stride);
      const out: Position[] = new Array<Position>(n);
      for (let i = 0; i < n; i++) out[i] = pos();
      return out;
    };
    const poly = (): Position[][] => {
      const n = this.count(le, 4);
      const out: Position[][] = [];
      for (let i = 0; i < n; i++) out.push(seq());
      return out;
    };
    switch (code) {
      case 1: {
        const p = pos();
        if (Number.isNaN(p[0]) && Number.isNaN(p[1])) throw new WkbError('empty point');
        return { type: 'Point', coordinates: p };
      }
      case 2:
        return { type: 'LineString', coordinates: seq() };
      case 3:
        return { type: 'Polygon', coordinates: poly() };
      case 4:
      case 5:
      case 6: {
        const n = this.count(le, 5);
        const parts: Geometry[] = [];
        for (let i = 0; i < n; i++) parts.push(this.geometry(code - 3));
        if (code === 4) return { type: 'MultiPoint', coordinates: parts.map((p) => p.coordinates as Position) };
        if (code === 5) return { type: 'MultiLineString', coordinates: parts.map((p) => p.coordinates as Position[]) };
        return { type: 'MultiPolygon', coordinates: parts.map((p) => p.coordinates as Position[][]) };
      }
      case 7:
        throw new WkbError('geometry collections are not supported');
      default:
        throw new WkbError(`unsupported WKB geometry type ${code} (curves, surfaces, TIN...)`);
    }
  }
}

/** Decodes the WKB starting at `offset`; empty multi-geometries decode with no parts. */
export function decodeWkb(bytes: Uint8Array, offset = 0): Geometry {
  const reader = new WkbReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);
  return reader.geometry();
}
