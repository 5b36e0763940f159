import { describe, expect, it } from 'vitest';
import { sniffDocument } from '../../../src/server/observations/sniff.js';

describe('document sniffing', () => {
  it('types documents from content, using the name only for text kinds', () => {
    expect(sniffDocument(Buffer.from('%PDF-1.7'), 'x.txt').mime).toBe('application/pdf');
    expect(sniffDocument(Buffer.from('89504e470d0a1a0a0000', 'hex'), 'x.pdf')).toEqual({
      mime: 'image/png',
      ext: '.png',
    });
    expect(sniffDocument(Buffer.from('a,b\n'), 'sheet.csv').ext).toBe('.csv');
    expect(sniffDocument(Buffer.from([0, 1, 2]), 'x.pdf').mime).toBe('application/octet-stream');
  });
});
