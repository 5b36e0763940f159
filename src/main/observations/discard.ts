/**
 * "Discard my change": the way out of a change the server will never accept (another author's
 * observation, a reader's edit). The server's version is fetched, because a device that already
 * holds an import is never sent it again by a pull.
 */
import type { ObservationDetail } from '../../shared/ipc';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { findObservation, requireObservation, toDetail } from '../store/observations';
import { stmt } from '../store/statements';
import { applyPulled, removeRow } from '../store/sync';
import { forgetWrites } from '../store/writes';
import { ServerError } from '../sync/http';
import { removeMediaFiles } from '../sync/media';
import { WireObservation } from '../sync/wire';

export async function discardChange(ctx: MainContext, uuid: string): Promise<ObservationDetail | null> {
  const db = ctx.requireStore().db;
  const r = requireObservation(db, uuid);
  if (r.state === 'synced') return toDetail(r);
  let server: WireObservation | null = null;
  if (r.id !== null || r.push_attempted) {
    try {
      server = (await ctx.http().request('get', `/observation/${r.id ?? r.uuid}`, { schema: WireObservation })).data;
    } catch (err) {
      if (!(err instanceof ServerError && err.status === 404)) {
        if (err instanceof AppError && err.code === 'offline') {
          throw new AppError(
            'offline',
            "The server's version is needed to discard this change: connect and try again.",
          );
        }
        throw err;
      }
    }
  }
  const removed = db.transaction(() => {
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
  if (removed) removeMediaFiles(ctx, removed);
  else if (r.media_pending === 'upload' && r.media_file) removeMediaFiles(ctx, { ...r, media_cache: null });
  ctx.emit('observations.changed', { indicatorCodes: [r.indicator_code] });
  const after = findObservation(db, uuid);
  return after ? toDetail(after) : null;
}
