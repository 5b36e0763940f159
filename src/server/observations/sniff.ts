/** File kinds recognised from their first bytes; a client's file name or extension is never trusted. */
export interface Kind {
  mime: string;
  ext: string;
}

const startsWith = (b: Buffer, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function sniffImage(b: Buffer): Kind | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', ext: '.jpg' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', ext: '.png' };
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return { mime: 'image/gif', ext: '.gif' };
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return { mime: 'image/webp', ext: '.webp' };
  return null;
}

/** Documents may be anything an admin uploads; recognise the common kinds, else octet-stream. */
export function sniffDocument(b: Buffer, name: string): Kind {
  const image = sniffImage(b);
  if (image) return image;
  if (startsWith(b, ascii('%PDF-'))) return { mime: 'application/pdf', ext: '.pdf' };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { mime: 'application/zip', ext: '.zip' };
  if (b.length >= 12 && startsWith(b, ascii('ftyp'), 4)) return { mime: 'video/mp4', ext: '.mp4' };
  const text = !b.subarray(0, 4096).includes(0);
  if (text && /\.csv$/i.test(name)) return { mime: 'text/csv; charset=utf-8', ext: '.csv' };
  if (text && /\.(md|markdown)$/i.test(name)) return { mime: 'text/markdown; charset=utf-8', ext: '.md' };
  if (text) return { mime: 'text/plain; charset=utf-8', ext: '.txt' };
  return { mime: 'application/octet-stream', ext: '.bin' };
}
