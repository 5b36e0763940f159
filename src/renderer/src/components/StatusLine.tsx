import { t } from '../i18n';
import { formatSince, hostOf } from '../lib/format';
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
    <footer className="status-line" aria-label={t('status.region')}>
      <span className="status-item" role="status">
        <span
          className={`status-dot ${syncing ? 'is-syncing' : online ? 'is-online' : 'is-offline'}`}
          aria-hidden="true"
        />
        {online ? t('status.online') : t('status.offline')}
      </span>
      {syncing && (
        <>
          <span className="status-sep" aria-hidden="true" />
          <span className="status-item" role="status">
            {sync.phase
              ? t('common.labelValue', { label: t('status.syncing'), value: t(`sync.phases.${sync.phase}`) })
              : t('status.syncing')}
          </span>
        </>
      )}
      <span className="status-sep" aria-hidden="true" />
      <span className={`status-item${pending > 0 ? ' is-waiting' : ''}`}>
        {pending > 0 ? t('status.waiting', { count: pending }) : t('status.noneWaiting')}
      </span>
      <span className="status-sep" aria-hidden="true" />
      <span className="status-item">{t('status.lastSync', { when: formatSince(sync?.lastSyncAt, now) })}</span>
      <span className="status-spacer" />
      {status.insecure && (
        <span className="status-item is-waiting" title={t('status.insecureHint')}>
          {t('status.insecure')}
        </span>
      )}
      <span className="status-item muted">
        {status.loggedIn && status.username
          ? t('status.signedInAs', { user: status.username, server: hostOf(status.serverUrl) })
          : t('status.notSignedIn')}
      </span>
    </footer>
  );
}
