/** File kinds recognised from their first bytes; a client's file name or extension is never trusted. */
import { sniffImage } from '../../shared/images.js';

export interface Kind {
  mime: string;
  ext: string;
}

const startsWith = (b: Buffer, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Documents may be anything an admin uploads; recognise the common kinds, else octet-stream. */
export function sniffDocument(b: Buffer, name: string): Kind {
  const image = sniffImage(b);
  if (image) return { mime: image.mime, ext: image.ext };
  if (startsWith(b, ascii('%PDF-'))) return { mime: 'application/pdf', ext: '.pdf' };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { mime: 'application/zip', ext: '.zip' };
  if (b.length >= 12 && startsWith(b, ascii('ftyp'), 4)) return { mime: 'video/mp4', ext: '.mp4' };
  const text = !b.subarray(0, 4096).includes(0);
  if (text && /\.csv$/i.test(name)) return { mime: 'text/csv; charset=utf-8', ext: '.csv' };
  if (text && /\.(md|markdown)$/i.test(name)) return { mime: 'text/markdown; charset=utf-8', ext: '.md' };
  if (text) return { mime: 'text/plain; charset=utf-8', ext: '.txt' };
  return { mime: 'application/octet-stream', ext: '.bin' };
}
