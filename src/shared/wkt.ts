/**
 * WKT of observation geometries: POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING and
 * MULTIPOLYGON, 2D, longitude/latitude. Refused, with a WktError naming the problem:
 * GEOMETRYCOLLECTION, EMPTY, Z/M ordinates (unless `dropZ`), other types, open rings, lines of
 * fewer than 2 points and rings of fewer than 4, numbers that overflow, coordinates out of range,
 * text longer than WKT_MAX_LENGTH. Keywords are case-insensitive; both MULTIPOINT((1 2), (3 4))
 * and MULTIPOINT(1 2, 3 4) are read. Ring self-intersections are not checked (PostGIS reads such
 * polygons too; centroid() copes with them).
 *
 * The normalised text (formatWkt) is what is stored: upper-case type glued to its parenthesis, as
 * PostGIS's ST_AsText writes it and as earlier versions stored 'POINT(x y)'; ', ' between items;
 * each number in JavaScript's shortest round-trip form, so parsing it gives back the same numbers.
 */
import {
  checkLine,
  checkPosition,
  checkRing,
  GeometryError,
  OGC_TYPE_NAMES,
  type Geometry,
  type GeometryOptions,
  type GeometryProblem,
  type GeometryType,
  type Position,
} from './geometry';

/** Size bound of a WKT text (also the server's request limit for `wkt`): about 25,000 vertices. */
export const WKT_MAX_LENGTH = 100_000;

export class WktError extends GeometryError {
  override name = 'WktError';
  constructor(problem: GeometryProblem, message: string) {
    super(problem, message);
  }
}

export interface WktOptions extends GeometryOptions {
  /** Longest text accepted (default WKT_MAX_LENGTH). */
  maxLength?: number;
}

const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /[A-Za-z]+/y;
const SPACE = /\s*/y;

const TYPES: Record<string, GeometryType> = Object.fromEntries(
  Object.entries(OGC_TYPE_NAMES).map(([type, name]) => [name, type as GeometryType]),
);

class Reader {
  i = 0;
  /** Ordinates per coordinate, fixed by the Z/M tag or by the first coordinate. */
  ordinates: number | null = null;
  constructor(
    readonly s: string,
    readonly lonLat: boolean,
    readonly dropZ: boolean,
  ) {}
  fail(problem: GeometryProblem, message: string): never {
    throw new WktError(problem, message);
  }
  ws(): void {
    SPACE.lastIndex = this.i;
    SPACE.exec(this.s);
    this.i = SPACE.lastIndex;
  }
  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }
  expect(c: string): void {
    if (this.peek() !== c) {
      this.fail('syntax', `expected "${c}" at position ${this.i}${this.i >= this.s.length ? ' (end of text)' : ''}`);
    }
    this.i++;
  }
  word(): string | null {
    this.ws();
    WORD.lastIndex = this.i;
    const m = WORD.exec(this.s);
    if (!m) return null;
    this.i += m[0].length;
    return m[0].toUpperCase();
  }
  num(): number | null {
    this.ws();
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) return null;
    const start = this.i;
    this.i += m[0].length;
    // Numbers end at a space, a comma or a parenthesis: '1..2' or '1e' is no pair of numbers.
    if (this.i < this.s.length && !/[\s,()]/.test(this.s[this.i]!))
      this.fail('syntax', `malformed number at position ${start}`);
    return Number(m[0]);
  }
  coord(): Position {
    const start = this.i;
    const nums: number[] = [];
    for (let n = this.num(); n !== null; n = this.num()) nums.push(n);
    if (nums.length < 2) this.fail('syntax', `expected "x y" coordinates at position ${start}`);
    if (nums.length > 2 && !this.dropZ) this.fail('dimension', 'only 2D coordinates (x y) are supported');
    if (nums.length > 4) this.fail('syntax', `too many numbers in the coordinate at position ${start}`);
    this.ordinates ??= nums.length;
    if (nums.length !== this.ordinates) this.fail('syntax', `the coordinate at position ${start} mixes dimensions`);
    try {
      return checkPosition(nums[0]!, nums[1]!, this.lonLat);
    } catch (e) {
      if (e instanceof GeometryError) this.fail(e.problem, e.message);
      throw e;
    }
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
  checked<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof GeometryError && !(e instanceof WktError)) this.fail(e.problem, e.message);
      throw e;
    }
  }
  point(): Position {
    this.expect('(');
    const c = this.coord();
    this.expect(')');
    return c;
  }
  line(): Position[] {
    const points = this.list(() => this.coord());
    return this.checked(() => checkLine(points));
  }
  ring(): Position[] {
    const points = this.list(() => this.coord());
    return this.checked(() => checkRing(points));
  }
  polygon(): Position[][] {
    return this.list(() => this.ring());
  }
}

/** The type word and any Z / M / ZM tag, glued ('POINTZ') or apart ('POINT Z'). */
function readType(r: Reader): { type: GeometryType; tag: string | null } {
  const word = r.word();
  if (!word) r.fail('syntax', 'expected a geometry type (POINT, LINESTRING, POLYGON or MULTI*)');
  const glued = /^(.*?)(ZM|Z|M)$/.exec(word);
  const name = TYPES[word] ? word : glued && TYPES[glued[1]!] ? glued[1]! : word;
  if (name === 'GEOMETRYCOLLECTION' || glued?.[1] === 'GEOMETRYCOLLECTION')
    r.fail('collection', 'geometry collections are not accepted: use a MULTI* geometry');
  const type = TYPES[name];
  if (!type) r.fail('type', `unsupported geometry type ${word} (POINT, LINESTRING, POLYGON or MULTI*)`);
  let tag = name === word ? null : glued![2]!;
  if (r.peek() !== '(') {
    const next = r.word();
    if (next === 'EMPTY') r.fail('empty', 'empty geometries are not accepted');
    if (next === null || tag !== null || !['Z', 'M', 'ZM'].includes(next))
      r.fail('syntax', `expected "(" at position ${r.i}`);
    tag = next;
  }
  return { type, tag };
}

export function parseWkt(text: string, options: WktOptions = {}): Geometry {
  const maxLength = options.maxLength ?? WKT_MAX_LENGTH;
  if (text.length > maxLength) throw new WktError('too-long', `the text is longer than ${maxLength} characters`);
  const r = new Reader(text, options.lonLat ?? true, options.dropZ ?? false);
  const { type, tag } = readType(r);
  if (tag !== null) {
    if (!r.dropZ) r.fail('dimension', 'only 2D geometries are supported');
    r.ordinates = tag === 'ZM' ? 4 : 3;
    if (r.peek() !== '(' && r.word() === 'EMPTY') r.fail('empty', 'empty geometries are not accepted');
  }
  let g: Geometry;
  switch (type) {
    case 'Point':
      g = { type, coordinates: r.point() };
      break;
    case 'LineString':
      g = { type, coordinates: r.line() };
      break;
    case 'Polygon':
      g = { type, coordinates: r.polygon() };
      break;
    case 'MultiPoint':
      g = { type, coordinates: r.list(() => (r.peek() === '(' ? r.point() : r.coord())) };
      break;
    case 'MultiLineString':
      g = { type, coordinates: r.list(() => r.line()) };
      break;
    case 'MultiPolygon':
      g = { type, coordinates: r.list(() => r.polygon()) };
      break;
  }
  r.ws();
  if (r.i !== text.length) r.fail('syntax', `unexpected text at position ${r.i}`);
  return g;
}

const pos = (p: Position) => `${p[0]} ${p[1]}`;
const seq = (ps: readonly Position[]) => `(${ps.map(pos).join(', ')})`;
const rings = (rs: readonly Position[][]) => `(${rs.map(seq).join(', ')})`;

/** The normalised text of a geometry. */
export function formatWkt(g: Geometry): string {
  const name = OGC_TYPE_NAMES[g.type];
  switch (g.type) {
    case 'Point':
      return `${name}(${pos(g.coordinates)})`;
    case 'LineString':
      return `${name}${seq(g.coordinates)}`;
    case 'Polygon':
    case 'MultiLineString':
      return `${name}${rings(g.coordinates)}`;
    case 'MultiPoint':
      return `${name}(${g.coordinates.map((p) => `(${pos(p)})`).join(', ')})`;
    case 'MultiPolygon':
      return `${name}(${g.coordinates.map(rings).join(', ')})`;
  }
}

/** The type a WKT text declares, without reading the rest (null when it names none of the six). */
export function wktGeometryType(text: string): GeometryType | null {
  const word = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase();
  if (!word) return null;
  return TYPES[word] ?? TYPES[word.replace(/(ZM|Z|M)$/, '')] ?? null;
}
