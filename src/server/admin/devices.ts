import { type Db } from '../db/types.js';

export async function deviceReport(_db: Db, _indicator: string | null): Promise<string[]> {
  return [];
}
