import { describe, expect, it } from 'vitest';
import { sniffDocument, sniffImage } from '../../../src/server/observations/sniff.js';

describe('file sniffing', () => {
  it.each([
    ['ffd8ffe0', 'image/jpeg'],
    ['89504e470d0a1a0a', 'image/png'],
    [Buffer.from('GIF87a').toString('hex'), 'image/gif'],
    [Buffer.from('RIFF\0\0\0\0WEBPVP8 ').toString('hex'), 'image/webp'],
  ])('recognises %s', (hex, mime) => expect(sniffImage(Buffer.from(hex, 'hex'))?.mime).toBe(mime));
  it('refuses what is not an image whatever its name', () => {
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
  it('types documents from content, using the name only for text kinds', () => {
    expect(sniffDocument(Buffer.from('%PDF-1.7'), 'x.txt').mime).toBe('application/pdf');
    expect(sniffDocument(Buffer.from('a,b\n'), 'sheet.csv').ext).toBe('.csv');
    expect(sniffDocument(Buffer.from([0, 1, 2]), 'x.pdf').mime).toBe('application/octet-stream');
  });
});
