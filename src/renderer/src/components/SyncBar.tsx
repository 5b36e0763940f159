import { useState } from 'react';
import { t } from '../i18n';
import { errorText, problemText, toGobsError } from '../lib/errors';
import { formatRelative, formatSince } from '../lib/format';
import { useSyncStatus } from '../hooks/useSync';
import { useNow } from '../hooks/useNow';
import { useSession } from '../hooks/useSession';
import { ProgressBar } from './ProgressBar';
import type { GobsError } from '../../../shared/errors';

/**
 * The sync panel of a project: a real progress bar (phase, indicator, done/total) while a sync
 * runs, with Cancel; otherwise Sync now, what is waiting, and the last errors.
 */
export function SyncBar({
  projectKey,
  pendingChanges,
  labels,
}: {
  projectKey: string;
  pendingChanges: number;
  labels?: ReadonlyMap<string, string>;
}) {
  const sync = useSyncStatus();
  const { status, workOffline } = useSession();
  const now = useNow(30_000);
  const [error, setError] = useState<GobsError>();
  const [cancelling, setCancelling] = useState(false);
  const running = sync?.state === 'syncing';
  const ours = running && (sync.projectKey === null || sync.projectKey === projectKey);

  async function start() {
    setError(undefined);
    try {
      await window.gobs.sync.start({ projectKey });
    } catch (err) {
      const e = toGobsError(err);
      if (e.code !== 'cancelled') setError(e);
    }
  }

  async function cancel() {
    setCancelling(true);
    try {
      await window.gobs.sync.cancel();
    } catch (err) {
      setError(toGobsError(err));
    } finally {
      setCancelling(false);
    }
  }

  const phase = sync?.phase ? t(`sync.phases.${sync.phase}`) : '';
  const indicator = sync?.indicatorCode ? (labels?.get(sync.indicatorCode) ?? sync.indicatorCode) : null;
  const phaseText = indicator ? t('sync.phaseOf', { phase, indicator }) : phase;
  const progressText = !sync
    ? ''
    : sync.total === null
      ? sync.done > 0
        ? t('sync.progressDone', { done: sync.done })
        : ''
      : t('sync.progressOf', { done: sync.done, total: sync.total });
  // Cancelling is the user's own choice, not an error: said plainly, not listed as a failure.
  const cancelled = !running && sync?.lastError?.code === 'cancelled';
  const stopped = sync?.lastError && !running && !cancelled ? sync.lastError : null;
  const errors = [
    ...(error ? [errorText(error)] : []),
    // What stopped the sync, then main's own account of it (which server, which observation) when it says more.
    ...(stopped ? withDetail(errorText(stopped), stopped.message) : []),
    ...(sync?.problems ?? []).map(problemText),
  ].filter((m, i, all) => all.indexOf(m) === i);

  return (
    <section className="panel sync-bar" aria-label={t('sync.region')}>
      <div className="sync-row">
        {ours && sync ? (
          <div className="sync-progress">
            <div className="sync-progress-text">
              <strong>{phaseText}</strong>
              <span className="muted">{progressText}</span>
            </div>
            <ProgressBar
              label={t('sync.progressLabel')}
              done={sync.done}
              total={sync.total}
              valueText={progressText ? t('common.labelValue', { label: phaseText, value: progressText }) : phaseText}
            />
          </div>
        ) : (
          <div className="sync-summary">
            <strong>
              {sync?.lastSyncAt ? t('sync.idle', { when: formatSince(sync.lastSyncAt, now) }) : t('sync.neverSynced')}
            </strong>
            {sync?.lastResult && sync.lastSyncAt && <span className="muted">{t('sync.result', sync.lastResult)}</span>}
            <span className={pendingChanges > 0 ? 'is-waiting' : 'muted'}>
              {pendingChanges > 0 ? t('sync.waiting', { count: pendingChanges }) : t('sync.nothingWaiting')}
            </span>
            {sync?.state === 'offline' && (
              <span className="muted">
                {t('sync.offline')}
                {sync.nextRetryAt ? ` ${t('sync.retryAt', { when: formatRelative(sync.nextRetryAt, now) })}` : ''}
              </span>
            )}
            {sync?.state === 'unauthorized' && <span className="is-error">{t('sync.unauthorized')}</span>}
            {cancelled && <span className="muted">{t('sync.cancelled')}</span>}
          </div>
        )}
        <div className="page-actions">
          {ours ? (
            <button type="button" className="btn" onClick={() => void cancel()} disabled={cancelling}>
              {cancelling ? t('sync.cancelling') : t('sync.cancel')}
            </button>
          ) : status.loggedIn ? (
            <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={running}>
              {t('sync.now')}
            </button>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => workOffline(false)}>
              {t('sync.logInToSync')}
            </button>
          )}
        </div>
      </div>
      {errors.length > 0 && !ours && (
        <div className="sync-errors" role="alert">
          <h3>{t('sync.lastErrors')}</h3>
          <ul>
            {errors.slice(0, 5).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function withDetail(text: string, detail: string): string[] {
  return text.includes(detail) ? [text] : [text, detail];
}
