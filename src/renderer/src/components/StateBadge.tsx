import { t } from '../i18n';
import type { SyncState } from '../../../shared/ipc';

export function StateBadge({ state }: { state: SyncState }) {
  return (
    <span className={`badge badge-state-${state}`} title={t(`stateHelp.${state}`)}>
      {t(`states.${state}`)}
    </span>
  );
}
