import { strings } from '../i18n/strings';
import { formatRelative, hostOf } from '../lib/format';
import { useSession } from '../hooks/useSession';
import { useSyncStatus } from '../hooks/useSync';
import { useNow } from '../hooks/useNow';

/** Always visible at the bottom: connection, sync activity, waiting changes, last sync. */
export function StatusLine() {
  const { status } = useSession();
  const sync = useSyncStatus();
  const now = useNow(30_000);
  const online = sync ? sync.online && status.online : status.online;
  const syncing = sync?.state === 'syncing';
  const pending = sync?.pendingChanges ?? 0;
  return (
    <footer className="status-line" aria-label={strings.status.region}>
      <span className="status-item" role="status">
        <span
          className={`status-dot ${syncing ? 'is-syncing' : online ? 'is-online' : 'is-offline'}`}
          aria-hidden="true"
        />
        {online ? strings.status.online : strings.status.offline}
      </span>
      {syncing && (
        <>
          <span className="status-sep" aria-hidden="true" />
          <span className="status-item" role="status">
            {`${strings.status.syncing}: ${sync.phase ? strings.sync.phases[sync.phase] : ''}`}
          </span>
        </>
      )}
      <span className="status-sep" aria-hidden="true" />
      <span className={`status-item${pending > 0 ? ' is-waiting' : ''}`}>
        {pending > 0 ? strings.status.waiting(pending) : strings.status.noneWaiting}
      </span>
      <span className="status-sep" aria-hidden="true" />
      <span className="status-item">{strings.status.lastSync(formatRelative(sync?.lastSyncAt, now))}</span>
      <span className="status-spacer" />
      <span className="status-item muted">
        {status.loggedIn && status.username
          ? strings.status.signedInAs(status.username, hostOf(status.serverUrl))
          : strings.status.notSignedIn}
      </span>
    </footer>
  );
}
