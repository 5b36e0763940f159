/**
 * Store writes driven by the sync engine. Each function runs in one transaction and looks at
 * the row as it is *now* (the user may have edited it while a request was in flight): a server
 * answer only overwrites local content when the revision it was computed for is still current.
 */
import type { NotEditableReason } from '../../shared/constants';
import type { ServerObservation as WireObservation } from '../../shared/model';
import type { Db } from './db';
import { stmt } from './statements';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { findObservation, requireObservation, searchText, valuesFromWire, type ObsRecord } from './observations';
import { forgetWrites, hasPendingWrites } from './writes';

export function markPushAttempted(db: Db, uuids: readonly string[]): void {
  const mark = stmt(db, 'UPDATE observation SET push_attempted = 1 WHERE uuid = ?');
  db.transaction(() => uuids.forEach((u) => mark.run(u)))();
}

const SERVER_CONTENT = `timestamp = @timestamp, end_timestamp = @end_timestamp, x = @x, y = @y, wkt = @wkt, vals = @vals,
  search = @search`;
// The media URL of an observation does not change when its photo is replaced, but the import
// does: a cached download is only trusted for the version it was downloaded with. Whether the user
// may edit it comes with every version; a passed editing window never comes back (a Lizmap list
// does not look at the window, only the detail and refusals do).
const SERVER_META = `id = @id, import = @import, author = CASE WHEN @author_known THEN @author ELSE author END,
  created_at = @created_at, updated_at = @updated_at,
  media_url = @media_url, media_cache = CASE WHEN media_url IS @media_url AND import IS @import THEN media_cache END,
  editable = CASE WHEN not_editable = 'window' THEN 0 ELSE @editable END,
  not_editable = CASE
    WHEN not_editable = 'window' THEN 'window'
    WHEN @editable = 0 AND @from_detail AND editable = 1 THEN 'window'
    WHEN @editable = 0 AND @from_detail AND not_editable IS NOT NULL THEN not_editable
    ELSE @not_editable END`;

function params(o: WireObservation) {
  const values = valuesFromWire(o.values);
  return {
    uuid: o.uuid,
    id: o.id,
    import: o.import,
    timestamp: o.timestamp,
    end_timestamp: o.end_timestamp ?? null,
    x: o.x,
    y: o.y,
    wkt: o.wkt ?? null,
    vals: JSON.stringify(values),
    author: o.author ?? null,
    created_at: o.created_at ?? null,
    updated_at: o.updated_at ?? null,
    media_url: o.media_url ?? null,
    author_known: o.author === undefined ? 0 : 1,
    editable: o.editable === undefined || o.editable === null ? null : o.editable ? 1 : 0,
    not_editable: o.editable === false ? (o.not_editable ?? 'server') : null,
    from_detail: o.editable_from === 'detail' ? 1 : 0,
    search: searchText(o.timestamp, values, o.author ?? null, o.uuid),
  };
}

/** The server accepted a created/updated observation: adopt its id/import, and its content if we did not edit since. */
export function applyAccepted(db: Db, o: WireObservation, sentRev: number): void {
  const r = findObservation(db, o.uuid);
  if (!r) return;
  forgetWrites(db, o.uuid);
  const p = params(o);
  if (r.state === 'local' || r.state === 'modified') {
    if (r.local_rev === sentRev) {
      stmt(
        db,
        `UPDATE observation SET ${SERVER_META}, ${SERVER_CONTENT}, state = 'synced', error = NULL, error_field = NULL WHERE uuid = @uuid`,
      ).run(p);
    } else {
      stmt(db, `UPDATE observation SET ${SERVER_META}, state = 'modified' WHERE uuid = @uuid`).run(p);
    }
  } else if (r.state === 'deleted') {
    // Deleted while the push was in flight: the deletion now targets the accepted version.
    stmt(db, `UPDATE observation SET ${SERVER_META}, prev_state = 'modified' WHERE uuid = @uuid`).run(p);
  } else {
    stmt(db, `UPDATE observation SET ${SERVER_META} WHERE uuid = @uuid`).run(p);
  }
}

export function markRejected(db: Db, uuid: string, message: string, field: string | null, sentRev: number): void {
  stmt(
    db,
    `UPDATE observation SET state = 'rejected', error = ?, error_field = ?
      WHERE uuid = ? AND local_rev = ? AND state IN ('local', 'modified')`,
  ).run(message, field, uuid, sentRev);
}

/** The server holds another version (409 on update/delete) or deleted it: keep both sides. */
export function markConflict(db: Db, uuid: string, server: WireObservation | 'deleted'): void {
  const r = findObservation(db, uuid);
  if (!r) return;
  const mineDeleted = r.state === 'deleted' || (r.state === 'conflict' && r.prev_state === 'deleted');
  stmt(
    db,
    `UPDATE observation SET state = 'conflict', prev_state = ?, server_version = ?, error = NULL, error_field = NULL WHERE uuid = ?`,
  ).run(mineDeleted ? 'deleted' : null, server === 'deleted' ? 'deleted' : JSON.stringify(server), uuid);
  // A conflict is a known outcome: the server holds someone else's version and none of my writes
  // about it is in doubt any more. Left recorded, they would make later pulls pass this row by, and
  // a deletion pulled meanwhile would never reach the conflict (found by the sync model test).
  forgetWrites(db, uuid);
}

export function removeRow(db: Db, uuid: string): ObsRecord | null {
  const r = findObservation(db, uuid);
  if (r) stmt(db, 'DELETE FROM observation WHERE uuid = ?').run(uuid);
  forgetWrites(db, uuid);
  return r;
}

/** The server's version is this device's own write: it becomes the base of the local change, which is sent again. */
export function rebaseOnOwnWrite(db: Db, o: WireObservation): void {
  const r = findObservation(db, o.uuid);
  if (!r) return;
  stmt(db, `UPDATE observation SET ${SERVER_META} WHERE uuid = @uuid`).run(params(o));
  if (r.state === 'local') stmt(db, "UPDATE observation SET state = 'modified' WHERE uuid = ?").run(o.uuid);
}

/** A media write reached the server: nothing is left to send if the photo is still the one it carried. */
export function mediaWriteDone(db: Db, uuid: string, fileSent: string | null): void {
  stmt(
    db,
    `UPDATE observation SET media_pending = NULL
      WHERE uuid = ? AND ((media_pending = 'upload' AND media_file IS ?) OR (media_pending = 'delete' AND ? IS NULL))`,
  ).run(uuid, fileSent, fileSent);
}

/**
 * The server holds everything this device changed (and perhaps more, from others): its version
 * replaces the local one, unless the user edited the row since `seenRev` (then only the base moves).
 */
export function adoptServerVersion(db: Db, o: WireObservation, seenRev: number): void {
  const r = findObservation(db, o.uuid);
  if (!r) return;
  forgetWrites(db, o.uuid);
  const p = params(o);
  if (r.local_rev === seenRev && r.state !== 'deleted' && r.state !== 'conflict') {
    stmt(
      db,
      `UPDATE observation SET ${SERVER_META}, ${SERVER_CONTENT}, state = 'synced', prev_state = NULL, error = NULL, error_field = NULL
        WHERE uuid = @uuid`,
    ).run(p);
  } else {
    stmt(db, `UPDATE observation SET ${SERVER_META} WHERE uuid = @uuid`).run(p);
  }
}

/**
 * Sends the local version again as a new observation: the server keeps a deleted observation's uuid
 * as a tombstone, so it gets a new one. Returns the new uuid.
 */
export function reviveAsNew(db: Db, uuid: string): string {
  const fresh = randomUUID();
  forgetWrites(db, uuid);
  stmt(
    db,
    `UPDATE observation SET uuid = ?, id = NULL, import = NULL, state = 'local', prev_state = NULL, push_attempted = 0,
       server_version = NULL, error = NULL, error_field = NULL, media_url = NULL, media_cache = NULL,
       media_pending = CASE WHEN media_file IS NOT NULL THEN 'upload' END, local_rev = local_rev + 1
     WHERE uuid = ?`,
  ).run(fresh, uuid);
  return fresh;
}

/** A pulled observation new to the device, stored as the server sent it. */
const INSERT_PULLED = `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, end_timestamp, x, y, wkt, vals,
                                author, created_at, updated_at, media_url, editable, not_editable, state, search)
  VALUES (@uuid, @id, @indicator_code, @import, @timestamp, @end_timestamp, @x, @y, @wkt, @vals, @author,
          @created_at, @updated_at, @media_url, @editable, @not_editable, 'synced', @search)`;

/**
 * Applies one pulled observation. Local work is never overwritten: a row with a local change
 * keeps it, and a newer server version beside it becomes a conflict for the user to resolve.
 */
export function applyPulled(db: Db, o: WireObservation): 'inserted' | 'updated' | 'conflict' | 'kept' {
  const r = findObservation(db, o.uuid);
  const p = params(o);
  if (!r) {
    stmt(db, INSERT_PULLED).run({ ...p, indicator_code: o.indicator });
    return 'inserted';
  }
  switch (r.state) {
    case 'synced':
      stmt(db, `UPDATE observation SET ${SERVER_META}, ${SERVER_CONTENT} WHERE uuid = @uuid`).run(p);
      // The version held here again (a batch sent twice, an overlapping time window): nothing new.
      return r.import === o.import ? 'kept' : 'updated';
    case 'local':
      // Our own create whose answer we never saw: adopt the server's identity, keep our content to re-send.
      stmt(db, `UPDATE observation SET ${SERVER_META}, state = 'modified' WHERE uuid = @uuid`).run(p);
      return 'kept';
    case 'conflict':
      stmt(db, 'UPDATE observation SET server_version = ? WHERE uuid = ?').run(JSON.stringify(o), o.uuid);
      return 'conflict';
    default:
      if (r.import === o.import) return 'kept';
      // The device's own write may be on the server with its answer lost; the next push asks the
      // server and decides (sync/reconcile.ts) instead of guessing from a pulled version.
      if (hasPendingWrites(db, o.uuid)) return 'kept';
      markConflict(db, o.uuid, o);
      return 'conflict';
  }
}

/**
 * applyPulled for a page that is mostly new to the device (a first sync): the row is inserted
 * without a look-up first; only when its uuid (or server id) is already here does applyPulled judge it.
 */
export function insertOrApplyPulled(db: Db, o: WireObservation): ReturnType<typeof applyPulled> {
  const inserted = stmt(db, `${INSERT_PULLED} ON CONFLICT DO NOTHING`).run({
    ...params(o),
    indicator_code: o.indicator,
  });
  return inserted.changes === 1 ? 'inserted' : applyPulled(db, o);
}

/** Applies one deletion pulled from the server. Returns the row removed, if any (to delete its files). */
export function applyPulledDeletion(db: Db, uuid: string): ObsRecord | null {
  const r = findObservation(db, uuid);
  if (!r) return null;
  if (r.state === 'synced' || r.state === 'deleted') return removeRow(db, uuid);
  // A conflict between my deletion and their edit, and now they deleted it too: both sides agree.
  if (r.state === 'conflict' && r.prev_state === 'deleted') return removeRow(db, uuid);
  if (r.state === 'local' || hasPendingWrites(db, uuid)) return null;
  markConflict(db, uuid, 'deleted');
  return null;
}

/**
 * The pull cursor of an indicator, stored in the same transaction as the page it came with: the
 * next pull hands it back (for our server, that acknowledges the page; see remote/types.ts).
 */
export function savePullCursor(db: Db, indicatorCode: string, kind: 'pull' | 'deletions', cursor: string | null): void {
  stmt(db, `UPDATE indicator SET ${kind === 'pull' ? 'pull_ack' : 'deletions_ack'} = ? WHERE code = ?`).run(
    cursor,
    indicatorCode,
  );
}

export function loadPullCursor(db: Db, indicatorCode: string, kind: 'pull' | 'deletions'): string | null {
  return stmt(db, `SELECT ${kind === 'pull' ? 'pull_ack' : 'deletions_ack'} FROM indicator WHERE code = ?`)
    .pluck()
    .get(indicatorCode) as string | null;
}

/** Adopts the server's identity and version of a row without touching its content (media changes). */
export function applyMeta(db: Db, o: WireObservation): void {
  stmt(db, `UPDATE observation SET ${SERVER_META} WHERE uuid = @uuid`).run(params(o));
}

/** A deletion the server refused for good: the row keeps the server's message and can be undone. */
export function markDeletionRejected(db: Db, uuid: string, message: string, sentRev: number): void {
  stmt(
    db,
    "UPDATE observation SET state = 'rejected', error = ? WHERE uuid = ? AND state = 'deleted' AND local_rev = ?",
  ).run(message, uuid, sentRev);
}

/** A photo change the server refused for good is dropped (the user is told). */
export function dropMediaChange(db: Db, uuid: string, pending: 'upload' | 'delete' | null): void {
  forgetWrites(db, uuid);
  stmt(db, 'UPDATE observation SET media_pending = NULL WHERE uuid = ? AND media_pending = ?').run(uuid, pending);
}

/**
 * "Discard my change": the row goes back to the server's version (or away, when the server has
 * none); a photo attached here and never uploaded is dropped. Returns the row removed, if any.
 */
export function discardLocalChange(db: Db, uuid: string, server: WireObservation | null): ObsRecord | null {
  return db.transaction(() => {
    const cur = findObservation(db, uuid);
    if (!cur) return null;
    if (!server) return removeRow(db, uuid);
    forgetWrites(db, uuid);
    stmt(
      db,
      `UPDATE observation SET state = 'synced', prev_state = NULL, server_version = NULL, error = NULL, error_field = NULL,
         media_file = CASE WHEN media_pending = 'upload' THEN NULL ELSE media_file END, media_pending = NULL,
         local_rev = local_rev + 1 WHERE uuid = ?`,
    ).run(uuid);
    applyPulled(db, server);
    return null;
  })();
}

/**
 * Resolves a conflict. "Keep mine" re-bases the local version on the server's current import so
 * the next push succeeds (a kept deletion deletes that version; an edit kept against a deletion
 * comes back as a new observation); "take theirs" replaces the local version with the server's.
 * Returns the row as it is now (null when gone) and the row removed (its files to delete).
 */
export function resolveConflict(
  db: Db,
  uuid: string,
  keep: 'mine' | 'theirs',
): { row: ObsRecord | null; removed: ObsRecord | null } {
  return db.transaction(() => {
    const r = requireObservation(db, uuid);
    if (r.state !== 'conflict')
      throw new AppError('invalid_argument', 'This observation is not in conflict (any more).', 'uuid');
    const serverDeleted = r.server_version === 'deleted';
    const server = serverDeleted || !r.server_version ? null : (JSON.parse(r.server_version) as WireObservation);
    const mineDeleted = r.prev_state === 'deleted';
    // The user decided: whatever the device's earlier writes became, the new base is the server's.
    forgetWrites(db, uuid);
    if (!server && (keep === 'theirs' || mineDeleted)) return { row: null, removed: removeRow(db, uuid) };
    if (!server) return { row: requireObservation(db, reviveAsNew(db, uuid)), removed: null };
    if (keep === 'theirs') {
      stmt(
        db,
        "UPDATE observation SET state = 'synced', prev_state = NULL, server_version = NULL, local_rev = local_rev + 1 WHERE uuid = ?",
      ).run(uuid);
      applyPulled(db, server);
    } else {
      stmt(
        db,
        `UPDATE observation SET state = ?, prev_state = ?, import = ?, server_version = NULL, local_rev = local_rev + 1
          WHERE uuid = ?`,
      ).run(mineDeleted ? 'deleted' : 'modified', mineDeleted ? 'synced' : null, server.import, uuid);
    }
    return { row: requireObservation(db, uuid), removed: null };
  })();
}

/** The server said this user may no longer change the observation (editing window, author, area). */
export function markNotEditable(db: Db, uuid: string, reason: NotEditableReason): void {
  stmt(db, 'UPDATE observation SET editable = 0, not_editable = ? WHERE uuid = ?').run(reason, uuid);
}

/** Applies one observation read on its own (a detail); true when the row changed. */
export function applyPulledDetail(db: Db, o: WireObservation): boolean {
  return db.transaction(() => {
    const before = findObservation(db, o.uuid);
    const outcome = applyPulled(db, o);
    const after = findObservation(db, o.uuid);
    return outcome !== 'kept' || before?.editable !== after?.editable || before?.media_url !== after?.media_url;
  })();
}
