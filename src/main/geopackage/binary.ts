/**
 * GeoPackage geometry blobs (OGC GeoPackage 1.3, §2.1.3 "GeoPackageBinary"): a header — magic "GP",
 * version, flags (byte order, envelope kind, empty), the SRS id and an optional envelope — followed
 * by ISO WKB.
 */
import { bbox, type BBox, type Geometry } from '../../shared/geometry';
import { decodeWkb, wkbSize, writeWkb } from '../../shared/wkb';

export class GpkgGeometryError extends Error {
  override name = 'GpkgGeometryError';
}

/** Bytes of the envelope per indicator code (0: none, 1: xy, 2: xyz, 3: xym, 4: xyzm). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/**
 * Encodes a geometry (little endian; an xy envelope except for points, whose envelope is the point
 * itself, as GDAL writes them). Null → an empty-geometry blob is never written: null stays SQL NULL.
 */
export function encodeGpkgGeometry(g: Geometry, srsId = 4326): { blob: Buffer; bbox: BBox } {
  const box = bbox(g);
  const withEnvelope = g.type !== 'Point';
  const headerBytes = 8 + (withEnvelope ? 32 : 0);
  const blob = Buffer.allocUnsafe(headerBytes + wkbSize(g));
  blob.write('GP', 0, 'ascii');
  blob[2] = 0;
  blob[3] = 0b0000_0001 | (withEnvelope ? 1 << 1 : 0);
  blob.writeInt32LE(srsId, 4);
  if (withEnvelope) {
    blob.writeDoubleLE(box[0], 8);
    blob.writeDoubleLE(box[2], 16);
    blob.writeDoubleLE(box[1], 24);
    blob.writeDoubleLE(box[3], 32);
  }
  writeWkb(g, new DataView(blob.buffer, blob.byteOffset, blob.byteLength), headerBytes);
  return { blob, bbox: box };
}

export interface DecodedGpkgGeometry {
  srsId: number;
  /** [minX, minY, maxX, maxY] from the header, when it has one. */
  envelope: BBox | null;
  /** Null for an empty geometry (header flag, or an empty point). */
  geometry: Geometry | null;
}

/** Decodes a GeoPackage geometry blob; throws GpkgGeometryError (or WkbError) on what it cannot read. */
export function decodeGpkgGeometry(blob: Uint8Array): DecodedGpkgGeometry {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < 8 || b[0] !== 0x47 || b[1] !== 0x50) throw new GpkgGeometryError('not a GeoPackage geometry');
  if (b[2] !== 0) throw new GpkgGeometryError(`unknown GeoPackage binary version ${b[2]}`);
  const flags = b[3]!;
  if (flags & 0b0010_0000) throw new GpkgGeometryError('extended GeoPackage geometry types are not supported');
  const le = (flags & 1) === 1;
  const envelopeCode = (flags >> 1) & 0b111;
  const envelopeBytes = ENVELOPE_BYTES[envelopeCode];
  if (envelopeBytes === undefined) throw new GpkgGeometryError(`invalid envelope indicator ${envelopeCode}`);
  if (b.length < 8 + envelopeBytes) throw new GpkgGeometryError('GeoPackage geometry header is truncated');
  const srsId = le ? b.readInt32LE(4) : b.readInt32BE(4);
  const d = (i: number) => (le ? b.readDoubleLE(8 + i * 8) : b.readDoubleBE(8 + i * 8));
  // Envelope order is minx, maxx, miny, maxy.
  const envelope: BBox | null = envelopeBytes > 0 ? [d(0), d(2), d(1), d(3)] : null;
  const empty = (flags & 0b0001_0000) !== 0;
  if (empty) return { srsId, envelope, geometry: null };
  try {
    return { srsId, envelope, geometry: decodeWkb(b, 8 + envelopeBytes) };
  } catch (err) {
    if (err instanceof Error && /empty point/.test(err.message)) return { srsId, envelope, geometry: null };
    throw err;
  }
}
