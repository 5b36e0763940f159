import { type Db } from '../db/types.js';

export async function importCsv(_db: Db, _a: { indicator: string; csv: string; as: string | null }): Promise<{ importId: number; created: number; updated: number }> {
  throw new Error('not implemented yet');
}
export async function exportCsv(_db: Db, _code: string, _write: (line: string) => void): Promise<void> {
  throw new Error('not implemented yet');
}
