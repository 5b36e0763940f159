/**
 * Small real image files for the fixtures and the tests (project illustration, indicator icon,
 * observation media): PNG and GIF are written here; the one JPEG is a committed file
 * (files/hiking.jpg, made once with gdal_translate from a PNG of this module).
 */
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG with a diagonal gradient of the given tint: distinct images from distinct tints. */
export function png(width: number, height: number, tint: [number, number, number] = [40, 120, 200]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) {
      const shade = Math.round((255 * (x + y)) / Math.max(1, width + height - 2));
      row[1 + x * 3] = (tint[0] + shade) & 0xff;
      row[2 + x * 3] = (tint[1] + shade / 2) & 0xff;
      row[3 + x * 3] = tint[2];
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 transparent GIF89a. */
export const GIF = Buffer.from(
  '47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b',
  'hex',
);

export const JPEG_PATH = new URL('./files/hiking.jpg', import.meta.url);

export function jpeg(): Buffer {
  return readFileSync(JPEG_PATH);
}

/** The image type of a file by its first bytes, as a server's MIME check sees it (null: not an image it accepts). */
export function sniffImage(bytes: Buffer): 'jpeg' | 'png' | 'gif' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  return null;
}
