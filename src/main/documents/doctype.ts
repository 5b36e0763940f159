/**
 * Which downloaded documents the OS may open. The OS picks the program from the file's extension,
 * so a document becomes a program the moment its cached copy is named `….exe`. The decision is
 * therefore made from the bytes (magic numbers; for ZIP containers, the entries inside) together
 * with the type the server declared, never from the document's label or URL, and the cached copy's
 * extension comes from that decision only.
 *
 * Opened in the system viewer (allow-list): PDF; PNG, JPEG, GIF and WebP images; plain text and
 * CSV; macro-free Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp) files.
 * Everything else (programs, scripts, shortcuts, launchers, web pages, SVG, Java/Android archives,
 * legacy OLE Office files, macro-enabled documents, other archives, unknown bytes, and any content
 * that contradicts its declared type) can only be saved, through a save dialog, with a warning.
 */
import { inflateRawSync } from 'node:zlib';
import { sniffImage } from '../../shared/images';
import type { DocumentKind } from '../../shared/ipc';

export interface DocumentVerdict {
  action: 'open' | 'save';
  /** What the bytes are. */
  kind: DocumentKind;
  /** Extension of the cached copy, from `kind` alone. */
  ext: string;
  /** The server declared a specific type that contradicts the bytes. */
  typeMismatch: boolean;
}

type ViewableKind =
  'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'text' | 'csv' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'odp';

/** The extension each viewable kind is cached under (the OS opens it with that type's viewer). */
const VIEWABLE_EXT: Record<ViewableKind, string> = {
  pdf: '.pdf',
  png: '.png',
  jpeg: '.jpg',
  gif: '.gif',
  webp: '.webp',
  text: '.txt',
  csv: '.csv',
  docx: '.docx',
  xlsx: '.xlsx',
  pptx: '.pptx',
  odt: '.odt',
  ods: '.ods',
  odp: '.odp',
};

/** Cached copies of anything else: an extension no OS associates with a program. */
export const SAVE_ONLY_EXT = '.download';

/** Declared types that say nothing about the content: the bytes alone decide. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed'];
const OOXML = 'application/vnd.openxmlformats-officedocument.';
const ODF = 'application/vnd.oasis.opendocument.';

/** Specific declared types each viewable kind agrees with (besides the generic ones). */
const DECLARED: Record<ViewableKind, readonly string[]> = {
  pdf: ['application/pdf', 'application/x-pdf'],
  png: ['image/png'],
  jpeg: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  gif: ['image/gif'],
  webp: ['image/webp'],
  text: ['text/plain', 'text/markdown', 'text/x-markdown'],
  csv: ['text/csv', 'application/csv', 'text/comma-separated-values'],
  docx: [`${OOXML}wordprocessingml.document`, ...ZIP_TYPES],
  xlsx: [`${OOXML}spreadsheetml.sheet`, ...ZIP_TYPES],
  pptx: [`${OOXML}presentationml.presentation`, ...ZIP_TYPES],
  odt: [`${ODF}text`, ...ZIP_TYPES],
  ods: [`${ODF}spreadsheet`, ...ZIP_TYPES],
  odp: [`${ODF}presentation`, ...ZIP_TYPES],
};

export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The verdict for a downloaded document: its bytes and the Content-Type the server sent. */
export function classifyDocument(bytes: Uint8Array, declaredType: string | null | undefined): DocumentVerdict {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = mediaType(declaredType);
  const kind = sniff(b, declared);
  if (!(kind in VIEWABLE_EXT)) return { action: 'save', kind, ext: SAVE_ONLY_EXT, typeMismatch: false };
  const viewable = kind as ViewableKind;
  if (!GENERIC_TYPES.has(declared) && !DECLARED[viewable].includes(declared)) {
    return { action: 'save', kind, ext: SAVE_ONLY_EXT, typeMismatch: true };
  }
  return { action: 'open', kind, ext: VIEWABLE_EXT[viewable], typeMismatch: false };
}

function startsWith(b: Buffer, sig: readonly number[] | string, at = 0): boolean {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + bytes.length && b.subarray(at, at + bytes.length).equals(bytes);
}

// [MS-SHLLINK]: HeaderSize 0x4C followed by the LinkCLSID 00021401-0000-0000-C000-000000000046.
const SHELL_LINK = [
  0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x46,
];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MACH_O = [
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  // Universal binary, and also a Java class file: a program either way.
  [0xca, 0xfe, 0xba, 0xbe],
];

function sniff(b: Buffer, declared: string): DocumentKind {
  if (startsWith(b, '%PDF-')) return 'pdf';
  const image = sniffImage(b);
  if (image) return image.kind;
  if (startsWith(b, 'MZ')) return 'windows-program';
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return 'linux-program';
  if (MACH_O.some((sig) => startsWith(b, sig))) return 'macos-program';
  if (startsWith(b, SHELL_LINK)) return 'shortcut';
  if (startsWith(b, OLE)) return 'legacy-office';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(b);
  return sniffText(b, declared);
}

// ---- text ---------------------------------------------------------------------------------

/** Bytes a text file never holds: NUL and the C0 controls other than TAB, LF, VT, FF, CR, ESC. */
function isText(b: Buffer): boolean {
  for (const c of b)
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b) return false;
  return b.length > 0;
}

function sniffText(b: Buffer, declared: string): DocumentKind {
  if (!isText(b)) return 'unknown';
  // The first line decides what kind of text it is; skip a UTF-8 BOM and leading blank space.
  const head = b
    .subarray(0, 4096)
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart();
  const lower = head.toLowerCase();
  if (head.startsWith('#!')) return 'script';
  if (/^(@\s*echo\b|echo\s+off\b|rem\s)/i.test(head)) return 'script';
  if (lower.startsWith('[desktop entry]')) return 'launcher';
  if (head.startsWith('<')) return /<svg[\s>]/i.test(lower) ? 'svg' : 'web-page';
  return DECLARED.csv.includes(declared) ? 'csv' : 'text';
}

// ---- ZIP containers -------------------------------------------------------------------------

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

const MAX_ENTRIES = 20_000;

/** The central directory of a ZIP file; null when it cannot be read (truncated, ZIP64, garbled). */
function zipEntries(b: Buffer): ZipEntry[] | null {
  // End of central directory: 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  const offset = b.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff || count > MAX_ENTRIES) return null;
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLength = b.readUInt16LE(p + 28);
    const extraLength = b.readUInt16LE(p + 30);
    const commentLength = b.readUInt16LE(p + 32);
    if (p + 46 + nameLength > b.length) return null;
    entries.push({
      name: b.toString('utf8', p + 46, p + 46 + nameLength),
      method: b.readUInt16LE(p + 10),
      compressedSize: b.readUInt32LE(p + 20),
      localOffset: b.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's content, stored or deflated, at most 1 MiB (a larger one is not what we look for). */
function zipRead(b: Buffer, e: ZipEntry): Buffer | null {
  const p = e.localOffset;
  if (p + 30 > b.length || b.readUInt32LE(p) !== 0x04034b50) return null;
  const start = p + 30 + b.readUInt16LE(p + 26) + b.readUInt16LE(p + 28);
  const data = b.subarray(start, start + e.compressedSize);
  if (data.length !== e.compressedSize) return null;
  try {
    if (e.method === 0) return data.length <= 1 << 20 ? data : null;
    if (e.method === 8) return inflateRawSync(data, { maxOutputLength: 1 << 20 });
  } catch {
    // corrupt or larger than the limit
  }
  return null;
}

function sniffZip(b: Buffer): DocumentKind {
  const entries = zipEntries(b);
  if (!entries) return 'archive';
  const names = entries.map((e) => e.name);
  const has = (re: RegExp) => names.some((n) => re.test(n));
  if (has(/^META-INF\/MANIFEST\.MF$/i) || has(/\.class$/i)) return 'java-archive';
  if (has(/^AndroidManifest\.xml$/i) || has(/^classes\d*\.dex$/i)) return 'android-app';

  // OpenDocument: the first entry is an uncompressed `mimetype` naming the document's type.
  const first = entries[0];
  if (first?.name === 'mimetype' && first.method === 0) {
    const mime = zipRead(b, first)?.toString('latin1').trim() ?? '';
    const odf: Record<string, DocumentKind> = {
      [`${ODF}text`]: 'odt',
      [`${ODF}spreadsheet`]: 'ods',
      [`${ODF}presentation`]: 'odp',
    };
    const kind = odf[mime];
    if (!kind || !names.includes('content.xml')) return 'archive';
    // Basic and script libraries are macros.
    return has(/^(Basic|Scripts)\//i) ? 'macro-document' : kind;
  }

  // Office Open XML: [Content_Types].xml declares the main part's type, which tells a plain
  // document from its macro-enabled or template variants.
  const typesEntry = entries.find((e) => e.name === '[Content_Types].xml');
  if (typesEntry) {
    const types = zipRead(b, typesEntry)?.toString('utf8') ?? '';
    if (has(/vbaProject\.bin$/i) || has(/(^|\/)activeX\//i) || has(/\/embeddings\/oleObject[^/]*\.bin$/i)) {
      return 'macro-document';
    }
    if (/macroEnabled/i.test(types)) return 'macro-document';
    const main = (part: string, type: string) => names.includes(part) && types.includes(`${type}.main+xml`);
    if (main('word/document.xml', 'wordprocessingml.document')) return 'docx';
    if (main('xl/workbook.xml', 'spreadsheetml.sheet')) return 'xlsx';
    if (main('ppt/presentation.xml', 'presentationml.presentation')) return 'pptx';
  }
  return 'archive';
}
