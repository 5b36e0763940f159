import { strings } from '../i18n/strings';
import type { SyncState } from '../../../shared/ipc';

export function StateBadge({ state }: { state: SyncState }) {
  return (
    <span className={`badge badge-state-${state}`} title={strings.stateHelp[state]}>
      {strings.states[state]}
    </span>
  );
}
