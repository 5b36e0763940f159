/**
 * Writes sent to the server whose outcome the device does not know yet. Each is recorded (and
 * committed) before its request leaves, and forgotten once an answer about the observation has
 * been applied: a lost answer leaves the record, and the server's version is then recognised as
 * this device's own by its write id.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { stmt } from './statements';

export type WriteKind = 'create' | 'update' | 'delete' | 'media';

export interface PendingWrite {
  seq: number;
  writeId: string;
  uuid: string;
  kind: WriteKind;
  localRev: number;
  baseImport: number | null;
  mediaFile: string | null;
}

export interface NewWrite {
  uuid: string;
  localRev: number;
  baseImport: number | null;
  mediaFile?: string | null;
}

/** Records one write request covering these observations; returns its write id. */
export function recordWrite(db: Db, kind: WriteKind, items: readonly NewWrite[]): string {
  const writeId = randomUUID();
  const insert = stmt(
    db,
    `INSERT INTO pending_write (write_id, uuid, kind, local_rev, base_import, media_file) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const i of items) insert.run(writeId, i.uuid, kind, i.localRev, i.baseImport, i.mediaFile ?? null);
  })();
  return writeId;
}

/** The observation's writes of unknown outcome, oldest first. */
export function pendingWrites(db: Db, uuid: string): PendingWrite[] {
  return stmt(
    db,
    `SELECT seq, write_id AS writeId, uuid, kind, local_rev AS localRev, base_import AS baseImport, media_file AS mediaFile
         FROM pending_write WHERE uuid = ? ORDER BY seq`,
  ).all(uuid) as PendingWrite[];
}

export function hasPendingWrites(db: Db, uuid: string): boolean {
  return stmt(db, 'SELECT 1 FROM pending_write WHERE uuid = ? LIMIT 1').get(uuid) !== undefined;
}

/** The outcome of every write about this observation is known (or no longer matters). */
export function forgetWrites(db: Db, uuid: string): void {
  stmt(db, 'DELETE FROM pending_write WHERE uuid = ?').run(uuid);
}
