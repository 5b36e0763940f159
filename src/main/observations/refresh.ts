/**
 * Reads an observation from the server again before it is edited. A Lizmap list says whether the
 * user is the author, not whether the editing window has passed: only the observation's detail
 * does. Offline, the stored copy answers (nothing here is needed to work offline).
 */
import type { ObservationDetail, ServerKind } from '../../shared/ipc';
import type { Events, RemoteAccess, StoreAccess } from '../deps';
import { AppError } from '../errors';
import { requireObservation, toDetail } from '../store/observations';
import { applyPulledDetail, markNotEditable } from '../store/sync';

export async function refreshObservation(
  deps: StoreAccess & RemoteAccess & Events,
  kind: ServerKind | null,
  uuid: string,
): Promise<ObservationDetail> {
  const store = deps.requireStore();
  const r = requireObservation(store.db, uuid);
  // Our server's pulls carry everything; an observation the server never had has nothing to read.
  if (kind !== 'lizmap-gobs' || !deps.loggedIn || (r.id === null && !r.push_attempted)) return toDetail(r);
  try {
    const side = await deps.client().fetch({ id: r.id, uuid, indicator: r.indicator_code });
    // Deleted there: the next sync says so (and keeps a local change as a conflict).
    if ('observation' in side && applyPulledDetail(store.db, side.observation)) {
      deps.emit('observations.changed', { indicatorCodes: [r.indicator_code] });
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'forbidden') markNotEditable(store.db, uuid, 'area');
    // Offline, a session that ended, a server that failed: the stored copy is what there is.
  }
  return toDetail(requireObservation(store.db, uuid));
}
