/**
 * "Discard my change": the way out of a change the server will never accept (another author's
 * observation, a reader's edit). The server's version is fetched, because a device that already
 * holds an import is never sent it again by a pull.
 */
import type { ServerObservation as Observation } from '../../shared/model';
import type { ObservationDetail } from '../../shared/ipc';
import type { Events, RemoteAccess, StoreAccess } from '../deps';
import { AppError } from '../errors';
import { removeMediaFiles } from '../media/photos';
import { findObservation, requireObservation, toDetail } from '../store/observations';
import { discardLocalChange } from '../store/sync';

export async function discardChange(
  deps: StoreAccess & RemoteAccess & Events,
  uuid: string,
): Promise<ObservationDetail | null> {
  const store = deps.requireStore();
  const r = requireObservation(store.db, uuid);
  if (r.state === 'synced') return toDetail(r);
  let server: Observation | null = null;
  if (r.id !== null || r.push_attempted) {
    try {
      const side = await deps.client().fetch({ id: r.id, uuid: r.uuid, indicator: r.indicator_code });
      server = 'observation' in side ? side.observation : null;
    } catch (err) {
      if (err instanceof AppError && err.code === 'offline') {
        throw new AppError('offline', "The server's version is needed to discard this change: connect and try again.");
      }
      throw err;
    }
  }
  const removed = discardLocalChange(store.db, uuid, server);
  if (removed) removeMediaFiles(store.mediaDir, removed);
  else if (r.media_pending === 'upload' && r.media_file) removeMediaFiles(store.mediaDir, { ...r, media_cache: null });
  deps.emit('observations.changed', { indicatorCodes: [r.indicator_code] });
  const after = findObservation(store.db, uuid);
  return after ? toDetail(after) : null;
}
