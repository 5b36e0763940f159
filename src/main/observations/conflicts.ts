/** Resolving a conflict: the store decides the rows (store/sync.ts); here, files and the UI are told. */
import type { ObservationDetail } from '../../shared/ipc';
import type { Events, StoreAccess } from '../deps';
import { removeMediaFiles } from '../media/photos';
import { toDetail } from '../store/observations';
import { resolveConflict as resolveInStore } from '../store/sync';

export function resolveConflict(
  deps: StoreAccess & Events,
  uuid: string,
  keep: 'mine' | 'theirs',
): ObservationDetail | null {
  const store = deps.requireStore();
  const { row, removed } = resolveInStore(store.db, uuid, keep);
  if (removed) removeMediaFiles(store.mediaDir, removed);
  const code = row?.indicator_code ?? removed?.indicator_code;
  deps.emit('observations.changed', { indicatorCodes: code ? [code] : [] });
  return row ? toDetail(row) : null;
}
