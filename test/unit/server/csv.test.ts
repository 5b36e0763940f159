import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/server/admin/csv.js';
import { csvCell, csvText } from '../../../src/shared/csv.js';

describe('CSV', () => {
  it('parses quotes, doubled quotes, embedded newlines and CRLF, with line numbers', () => {
    const text = '\ufeffa,b,c\r\n1,"two, with comma","say ""hi"""\n"multi\nline",,x\n\nlast,row,end';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, with comma', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '', 'x'] },
      { line: 6, fields: ['last', 'row', 'end'] },
    ]);
  });
  it('refuses an unterminated quote', () => expect(() => parseCsv('a\n"open,1\n')).toThrow(/line 2/));
  it('quotes what needs quoting and round-trips', () => {
    const values = ['plain', 'a,b', 'say "x"', 'two\nlines', ' padded', '', '=1+2', "'", '@x,y'];
    const line = values.map(csvCell).join(',');
    expect(parseCsv(line)[0]!.fields.map(csvText)).toEqual(values);
  });
});
