import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/server/admin/csv';
import { CSV_EOL, csvCell, csvLine, csvRow, csvText } from '../../../src/shared/csv.js';

// The one rule for every CSV the project writes (server export, demo files, the desktop's exports).
const CASES: [input: string | number | boolean | null, cell: string][] = [
  ['plain', 'plain'],
  ['=1+2', "'=1+2"],
  ['+33 6 12', "'+33 6 12"],
  ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tx', "'\tx"],
  ['\rx', '"\'\rx"'],
  ['=HYPERLINK("http://e.example","x")', '"\'=HYPERLINK(""http://e.example"",""x"")"'],
  ["'already", "''already"],
  ["'", "''"],
  ['-3.5', "'-3.5"], // text that looks like a number is still text
  [-3.5, '-3.5'], // a number stays a number
  [-7, '-7'],
  [0, '0'],
  [true, 'true'],
  [null, ''],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['x = 1', 'x = 1'], // only a leading character counts
  ['', ''],
];

describe('shared CSV cells', () => {
  it.each(CASES)('writes %j as %j', (input, cell) => expect(csvCell(input)).toBe(cell));

  it('reads every escaped text back exactly (after RFC 4180 unquoting)', () => {
    for (const [input, cell] of CASES) {
      if (typeof input !== 'string') continue;
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(csvText(unquoted)).toBe(input);
    }
  });

  it('leaves hand-written text that merely starts with a quote alone', () => {
    expect(csvText("'hello")).toBe("'hello");
  });

  it('joins a row', () => expect(csvRow([1, '=x', null, 'a,b'])).toBe('1,\'=x,,"a,b"'));

  it('writes non-finite numbers as empty cells', () => expect(csvCell(Number.NaN)).toBe(''));
});

describe('CSV lines of the desktop exports', () => {
  it('end with CRLF, and an RFC 4180 reader gets every text back as written', () => {
    const values = ['plain', 'a,b', 'say "x"', 'two\nlines', 'cr\r\nlf', 'é ü 雨', ' padded '];
    const line = csvLine(values);
    expect(line.endsWith(CSV_EOL)).toBe(true);
    expect(parseCsv(line)[0]!.fields).toEqual(values);
    expect(parseCsv(csvLine(['=1+1', -1, '-1']))[0]!.fields).toEqual(["'=1+1", '-1', "'-1"]);
  });
});
