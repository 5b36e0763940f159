/**
 * The images an observation's photo may be, recognised from their first bytes: a file's name,
 * extension or declared type is never trusted. The same table serves the form (before a photo is
 * attached), main (attach, upload, download) and the server (upload, documents).
 */
export type ImageKind = 'jpeg' | 'png' | 'gif' | 'webp';

export interface ImageType {
  kind: ImageKind;
  mime: string;
  /** The extension files of this kind are stored under. */
  ext: string;
}

/** Bytes expected at an offset; a signature matches when all of its parts do. */
type Signature = readonly { at: number; bytes: readonly number[] }[];

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const TABLE: readonly (ImageType & { signatures: readonly Signature[] })[] = [
  { kind: 'jpeg', mime: 'image/jpeg', ext: '.jpg', signatures: [[{ at: 0, bytes: [0xff, 0xd8, 0xff] }]] },
  {
    kind: 'png',
    mime: 'image/png',
    ext: '.png',
    signatures: [[{ at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }]],
  },
  {
    kind: 'gif',
    mime: 'image/gif',
    ext: '.gif',
    signatures: [[{ at: 0, bytes: ascii('GIF87a') }], [{ at: 0, bytes: ascii('GIF89a') }]],
  },
  {
    kind: 'webp',
    mime: 'image/webp',
    ext: '.webp',
    signatures: [
      [
        { at: 0, bytes: ascii('RIFF') },
        { at: 8, bytes: ascii('WEBP') },
      ],
    ],
  },
];

export const IMAGE_TYPES: readonly ImageType[] = TABLE.map(({ kind, mime, ext }) => ({ kind, mime, ext }));

/** Bytes enough to recognise every kind (read this many from a file before calling sniffImage). */
export const IMAGE_SNIFF_BYTES = 12;

const matches = (b: Uint8Array, s: Signature) =>
  s.every(({ at, bytes }) => b.length >= at + bytes.length && bytes.every((v, i) => b[at + i] === v));

export function sniffImage(bytes: Uint8Array): ImageType | null {
  const t = TABLE.find((row) => row.signatures.some((s) => matches(bytes, s)));
  return t ? { kind: t.kind, mime: t.mime, ext: t.ext } : null;
}
