import { strings } from '../i18n/strings';
import { hostOf } from '../lib/format';
import { useSession } from '../hooks/useSession';

/** Always visible at the bottom: connection, sync activity, waiting changes, last sync. */
export function StatusLine() {
  const { status } = useSession();
  return (
    <footer className="status-line" role="status" aria-label={strings.status.region}>
      <span className={`status-dot ${status.online ? 'is-online' : 'is-offline'}`} aria-hidden="true" />
      <span className="status-item">{status.online ? strings.status.online : strings.status.offline}</span>
      <span className="status-spacer" />
      <span className="status-item muted">
        {status.loggedIn && status.username
          ? strings.status.signedInAs(status.username, hostOf(status.serverUrl))
          : strings.status.notSignedIn}
      </span>
    </footer>
  );
}
