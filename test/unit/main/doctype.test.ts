/**
 * What the OS may open is decided from the bytes and the declared type: programs, scripts,
 * shortcuts, launchers, markup and non-office archives are save-only whatever they claim to be.
 */
import { describe, expect, it } from 'vitest';
import { classifyDocument, SAVE_ONLY_EXT } from '../../../src/main/documents/doctype';
import { suggestedFileName } from '../../../src/main/documents/documents';
import {
  apk,
  docm,
  docx,
  elf,
  exe,
  jar,
  jarLookingLikeDocx,
  lnk,
  machO,
  odt,
  SAFE,
  SCRIPTS,
  xlsx,
  zip,
  zippedApp,
} from '../../helpers/documents';

const OCTET = 'application/octet-stream';

describe('viewable documents', () => {
  it.each([
    ['pdf', SAFE.pdf(), 'application/pdf', '.pdf'],
    ['png', SAFE.png(), 'image/png', '.png'],
    ['jpeg', SAFE.jpeg(), 'image/jpeg', '.jpg'],
    ['gif', SAFE.gif(), 'image/gif', '.gif'],
    ['webp', SAFE.webp(), 'image/webp', '.webp'],
    ['text', SAFE.text(), 'text/plain; charset=utf-8', '.txt'],
    ['csv', SAFE.csv(), 'text/csv; charset=utf-8', '.csv'],
    ['docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.docx'],
    ['docx', docx(), 'application/zip', '.docx'],
    ['xlsx', xlsx(), 'application/zip', '.xlsx'],
    ['odt', odt(), 'application/vnd.oasis.opendocument.text', '.odt'],
  ] as const)('%s declared %s opens as %s', (kind, bytes, declared, ext) => {
    expect(classifyDocument(bytes, declared)).toEqual({ action: 'open', kind, ext, typeMismatch: false });
  });

  it('trusts the bytes when the declared type is generic or missing', () => {
    expect(classifyDocument(SAFE.pdf(), OCTET)).toMatchObject({ action: 'open', ext: '.pdf' });
    expect(classifyDocument(SAFE.png(), undefined)).toMatchObject({ action: 'open', ext: '.png' });
    // Text of no declared kind is plain text, never CSV (that needs the server's word).
    expect(classifyDocument(SAFE.csv(), '')).toMatchObject({ action: 'open', kind: 'text', ext: '.txt' });
  });

  it('plain text is cached as .txt whatever it holds, so a JavaScript file opens in a text editor', () => {
    expect(classifyDocument(Buffer.from(SCRIPTS.js), 'text/plain')).toMatchObject({ action: 'open', ext: '.txt' });
    // Non-UTF-8 text (a Windows-1252 CSV from a spreadsheet) is still text.
    expect(classifyDocument(Buffer.from('caf\xe9;12\n', 'latin1'), 'text/csv')).toMatchObject({ ext: '.csv' });
  });
});

describe('save-only documents', () => {
  it.each([
    ['windows-program', exe()],
    ['linux-program', elf()],
    ['macos-program', machO()],
    ['shortcut', lnk()],
    ['script', Buffer.from(SCRIPTS.sh)],
    ['script', Buffer.from(SCRIPTS.bat)],
    ['script', Buffer.from(SCRIPTS.cmd)],
    ['script', Buffer.from(`\ufeff  ${SCRIPTS.sh}`)],
    ['launcher', Buffer.from(SCRIPTS.desktop)],
    ['web-page', Buffer.from(SCRIPTS.html)],
    ['web-page', Buffer.from(SCRIPTS.hta)],
    ['svg', Buffer.from(SCRIPTS.svg)],
    ['java-archive', jar()],
    ['java-archive', jarLookingLikeDocx()],
    ['android-app', apk()],
    ['archive', zippedApp()],
    ['archive', zip([{ name: 'readme.txt', data: 'hello' }])],
    ['macro-document', docm()],
    ['macro-document', odt(true)],
    ['legacy-office', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])],
    ['unknown', Buffer.from([0, 1, 2, 3, 4, 5])],
    ['unknown', Buffer.alloc(0)],
  ] as const)('%s content is save-only, whatever is declared', (kind, bytes) => {
    for (const declared of [OCTET, 'text/plain', 'application/pdf', 'application/zip', undefined]) {
      expect(classifyDocument(bytes, declared)).toEqual({
        action: 'save',
        kind,
        ext: SAVE_ONLY_EXT,
        typeMismatch: false,
      });
    }
  });

  it('refuses viewable bytes whose declared type says something else', () => {
    for (const [bytes, declared] of [
      [SAFE.pdf(), 'text/html'],
      [SAFE.text(), 'application/x-msdownload'],
      [SAFE.text(), 'text/html'],
      [SAFE.text(), 'application/javascript'],
      [SAFE.png(), 'image/svg+xml'],
      [docx(), 'application/java-archive'],
    ] as const) {
      expect(classifyDocument(bytes, declared)).toMatchObject({ action: 'save', typeMismatch: true, ext: '.download' });
    }
  });

  it('reads no more of a ZIP than it needs and survives garbled ones', () => {
    const good = docx();
    // Truncated: the central directory is gone.
    expect(classifyDocument(good.subarray(0, 60), 'application/zip').action).toBe('save');
    // A central directory pointing past the end.
    const bad = Buffer.from(good);
    bad.writeUInt32LE(0xfffffff0, bad.length - 6);
    expect(classifyDocument(bad, 'application/zip')).toMatchObject({ action: 'save', kind: 'archive' });
  });
});

describe('the name offered in the save dialog', () => {
  const save = { action: 'save', ext: '.download' } as const;
  const pdf = { action: 'open', ext: '.pdf' } as const;
  it('is the label made a file name, with the extension of what a viewable document is', () => {
    expect(suggestedFileName('Field report.exe', save)).toBe('Field report.exe');
    expect(suggestedFileName('Field report.exe', pdf)).toBe('Field report.pdf');
    expect(suggestedFileName('Field guide', pdf)).toBe('Field guide.pdf');
    expect(suggestedFileName('guide.PDF', pdf)).toBe('guide.PDF');
  });
  it('never names a folder or a device', () => {
    expect(suggestedFileName('../../etc/passwd', save)).toBe('_.._etc_passwd');
    expect(suggestedFileName('a\\b:c*?"<>|\u0007.txt', save)).toBe('a_b_c_______.txt');
    expect(suggestedFileName('CON', save)).toBe('_CON');
    expect(suggestedFileName(' .. ', save)).toBe('document');
  });
});
