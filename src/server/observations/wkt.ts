/**
 * A small WKT reader for the geometries observations carry (2D POINT, LINESTRING, POLYGON and their
 * MULTI forms): validates them and computes the centroid that becomes x/y when those are omitted.
 */
export type Coord = [number, number];
export interface Geometry {
  type: 'POINT' | 'LINESTRING' | 'POLYGON' | 'MULTIPOINT' | 'MULTILINESTRING' | 'MULTIPOLYGON';
  points: Coord[];
  lines: Coord[][];
  polygons: Coord[][][];
}

export class WktError extends Error {}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/;

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }
  expect(c: string) {
    if (this.peek() !== c) throw new WktError(`expected "${c}" at position ${this.i}`);
    this.i++;
  }
  word(): string {
    this.ws();
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.i));
    if (!m) throw new WktError(`expected a geometry type at position ${this.i}`);
    this.i += m[0].length;
    return m[0].toUpperCase();
  }
  num(): number {
    this.ws();
    const m = NUMBER.exec(this.s.slice(this.i));
    if (!m) throw new WktError(`expected a number at position ${this.i}`);
    this.i += m[0].length;
    return Number(m[0]);
  }
  coord(): Coord {
    const x = this.num();
    const y = this.num();
    if (/^[\s]*[-+.\d]/.test(this.s.slice(this.i))) throw new WktError('only 2D coordinates (x y) are supported');
    if (x < -180 || x > 180 || y < -90 || y > 90)
      throw new WktError(`coordinate (${x} ${y}) is outside longitude [-180, 180] / latitude [-90, 90]`);
    return [x, y];
  }
  list<T>(item: () => T): T[] {
    this.expect('(');
    const out = [item()];
    while (this.peek() === ',') {
      this.i++;
      out.push(item());
    }
    this.expect(')');
    return out;
  }
}

function line(r: Reader): Coord[] {
  const pts = r.list(() => r.coord());
  if (pts.length < 2) throw new WktError('a linestring needs at least 2 points');
  return pts;
}
function ring(r: Reader): Coord[] {
  const pts = r.list(() => r.coord());
  const [first, last] = [pts[0]!, pts[pts.length - 1]!];
  if (pts.length < 4) throw new WktError('a polygon ring needs at least 4 points');
  if (first[0] !== last[0] || first[1] !== last[1])
    throw new WktError('a polygon ring must be closed (first point = last point)');
  return pts;
}
const polygon = (r: Reader) => r.list(() => ring(r));

export function parseWkt(text: string): Geometry {
  const r = new Reader(text);
  const type = r.word() as Geometry['type'];
  const g: Geometry = { type, points: [], lines: [], polygons: [] };
  if (r.peek().toUpperCase() === 'E') throw new WktError('empty geometries are not accepted');
  if (/^[ZM]/i.test(r.s.slice(r.i).trimStart())) throw new WktError('only 2D geometries are supported');
  switch (type) {
    case 'POINT':
      r.expect('(');
      g.points.push(r.coord());
      r.expect(')');
      break;
    case 'LINESTRING':
      g.lines.push(line(r));
      break;
    case 'POLYGON':
      g.polygons.push(polygon(r));
      break;
    case 'MULTIPOINT':
      // Both MULTIPOINT ((1 2), (3 4)) and MULTIPOINT (1 2, 3 4) occur in the wild.
      g.points.push(
        ...r.list(() => {
          if (r.peek() !== '(') return r.coord();
          r.expect('(');
          const c = r.coord();
          r.expect(')');
          return c;
        }),
      );
      break;
    case 'MULTILINESTRING':
      g.lines.push(...r.list(() => line(r)));
      break;
    case 'MULTIPOLYGON':
      g.polygons.push(...r.list(() => polygon(r)));
      break;
    default:
      throw new WktError(`unsupported geometry type ${type} (POINT, LINESTRING, POLYGON or MULTI*)`);
  }
  r.ws();
  if (r.i !== r.s.length) throw new WktError(`unexpected text at position ${r.i}`);
  return g;
}

/** Centroid of the highest dimension present: area-weighted, else length-weighted, else the mean point. */
export function centroid(g: Geometry): Coord {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of g.polygons) {
    poly.forEach((rng, k) => {
      let ra = 0;
      let rx = 0;
      let ry = 0;
      for (let i = 0; i < rng.length - 1; i++) {
        const [x0, y0] = rng[i]!;
        const [x1, y1] = rng[i + 1]!;
        const cross = x0 * y1 - x1 * y0;
        ra += cross;
        rx += (x0 + x1) * cross;
        ry += (y0 + y1) * cross;
      }
      // Exterior rings add, holes subtract, whatever their winding.
      const sign = (k === 0 ? 1 : -1) * Math.sign(ra || 1);
      a += (sign * ra) / 2;
      cx += (sign * rx) / 6;
      cy += (sign * ry) / 6;
    });
  }
  if (Math.abs(a) > 1e-15) return [cx / a, cy / a];
  let len = 0;
  let lx = 0;
  let ly = 0;
  const segs = [...g.lines, ...g.polygons.flat()];
  for (const l of segs) {
    for (let i = 0; i < l.length - 1; i++) {
      const [x0, y0] = l[i]!;
      const [x1, y1] = l[i + 1]!;
      const d = Math.hypot(x1 - x0, y1 - y0);
      len += d;
      lx += ((x0 + x1) / 2) * d;
      ly += ((y0 + y1) / 2) * d;
    }
  }
  if (len > 0) return [lx / len, ly / len];
  const pts = [...g.points, ...segs.flat()];
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}
