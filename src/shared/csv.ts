/**
 * How every CSV the project writes spells a cell (RFC 4180), with OWASP's defence against CSV
 * (formula) injection: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return would
 * be run as a formula by a spreadsheet, so it gets a leading `'` (shown by none of them, and read back
 * by `csvText`). A text starting with `'` gets one more, so that reading back is exact.
 *
 * Numbers are cells of numeric columns and stay numbers: -3.5 is written -3.5 (a spreadsheet reads a
 * number, not a formula). Only text is escaped — a text value that happens to read "-3.5" is text
 * and is written '-3.5, so it is not silently turned into a number either.
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r']/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One cell: numbers and booleans as they are, null/undefined empty, text escaped and quoted as needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, without its line end. */
export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}

/** The text a cell written by `csvCell` held (after RFC 4180 unquoting): the formula escape undone. */
export function csvText(field: string): string {
  return field.length >= 2 && field[0] === "'" && FORMULA_START.test(field.slice(1)) ? field.slice(1) : field;
}

/** UTF-8 byte order mark: spreadsheets (Excel above all) read a file as UTF-8 only with it. */
export const CSV_BOM = '\uFEFF';
/** RFC 4180 line break. */
export const CSV_EOL = '\r\n';

/** One record with its line break, as files meant for spreadsheets end their lines. */
export function csvLine(values: readonly CsvValue[]): string {
  return csvRow(values) + CSV_EOL;
}
