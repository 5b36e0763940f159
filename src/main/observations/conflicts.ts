/**
 * Resolving a conflict. "Keep mine" re-bases the local version on the server's current import so
 * the next push succeeds (or, for a local deletion, deletes that version); "take theirs" replaces
 * the local version with the server's.
 */
import type { ObservationDetail } from '../../shared/ipc';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { requireObservation, toDetail } from '../store/observations';
import { applyPulled, removeRow, reviveAsNew } from '../store/sync';
import { forgetWrites } from '../store/writes';
import type { WireObservation } from '../sync/wire';
import { removeMediaFiles } from '../sync/media';

export function resolveConflict(ctx: MainContext, uuid: string, keep: 'mine' | 'theirs'): ObservationDetail | null {
  const db = ctx.requireStore().db;
  const result = db.transaction((): { detail: ObservationDetail | null; removed: ReturnType<typeof removeRow> } => {
    const r = requireObservation(db, uuid);
    if (r.state !== 'conflict')
      throw new AppError('invalid_argument', 'This observation is not in conflict (any more).', 'uuid');
    const serverDeleted = r.server_version === 'deleted';
    const server = serverDeleted || !r.server_version ? null : (JSON.parse(r.server_version) as WireObservation);
    const mineDeleted = r.prev_state === 'deleted';
    // The user decided: whatever the device's earlier writes became, the new base is the server's.
    forgetWrites(db, uuid);
    if (keep === 'theirs') {
      if (serverDeleted || !server) return { detail: null, removed: removeRow(db, uuid) };
      db.prepare(
        "UPDATE observation SET state = 'synced', prev_state = NULL, server_version = NULL, local_rev = local_rev + 1 WHERE uuid = ?",
      ).run(uuid);
      applyPulled(db, server);
      return { detail: toDetail(requireObservation(db, uuid)), removed: null };
    }
    if (mineDeleted) {
      if (serverDeleted || !server) return { detail: null, removed: removeRow(db, uuid) };
      db.prepare(
        "UPDATE observation SET state = 'deleted', prev_state = 'synced', import = ?, server_version = NULL, local_rev = local_rev + 1 WHERE uuid = ?",
      ).run(server.import, uuid);
    } else if (serverDeleted || !server) {
      // The server deleted it and keeps its uuid as a tombstone: ours comes back as a new observation.
      return { detail: toDetail(requireObservation(db, reviveAsNew(db, uuid))), removed: null };
    } else {
      db.prepare(
        "UPDATE observation SET state = 'modified', prev_state = NULL, import = ?, server_version = NULL, local_rev = local_rev + 1 WHERE uuid = ?",
      ).run(server.import, uuid);
    }
    return { detail: toDetail(requireObservation(db, uuid)), removed: null };
  })();
  if (result.removed) removeMediaFiles(ctx, result.removed);
  ctx.emit('observations.changed', {
    indicatorCodes: [result.detail?.indicatorCode ?? result.removed?.indicator_code ?? ''].filter(Boolean),
  });
  return result.detail;
}
