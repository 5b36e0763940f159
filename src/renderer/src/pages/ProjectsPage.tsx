import { useCallback, useEffect, useState } from 'react';
import { t } from '../i18n';
import { toGobsError } from '../lib/errors';
import { formatSince } from '../lib/format';
import { ErrorBanner } from '../components/ErrorBanner';
import { useSession } from '../hooks/useSession';
import { useObservationsChanged, useSyncStatus } from '../hooks/useSync';
import { useNow } from '../hooks/useNow';
import { routeHref } from '../hooks/useRoute';
import type { ProjectSummary } from '../../../shared/ipc';
import type { GobsError } from '../../../shared/errors';

export function ProjectsPage() {
  const { status, setStatus } = useSession();
  const [projects, setProjects] = useState<ProjectSummary[]>();
  const [error, setError] = useState<GobsError>();
  const [refreshing, setRefreshing] = useState(false);
  const sync = useSyncStatus();
  const syncing = sync?.state === 'syncing';
  const now = useNow(30_000);

  const reloadList = useCallback(() => {
    window.gobs.projects.list().then(setProjects, (err: unknown) => setError(toGobsError(err)));
  }, []);

  // Counts and last-sync times change as syncs finish and edits are saved.
  useObservationsChanged(null, reloadList);
  const lastSyncAt = sync?.lastSyncAt;
  useEffect(() => {
    if (lastSyncAt) reloadList();
  }, [lastSyncAt, reloadList]);

  async function syncProject(projectKey: string) {
    try {
      await window.gobs.sync.start({ projectKey });
    } catch (err) {
      setError(toGobsError(err));
    } finally {
      reloadList();
    }
  }

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      const result = await window.gobs.projects.refresh();
      setProjects(result.projects);
      setError(undefined);
    } catch (err) {
      const e = toGobsError(err);
      // Offline is a state, not an error: the stored list stays on screen with the badge.
      if (e.code !== 'offline') setError(e);
    } finally {
      setRefreshing(false);
      setStatus(await window.gobs.auth.status());
    }
  }, [setStatus]);

  useEffect(() => {
    let live = true;
    window.gobs.projects.list().then(
      (list) => {
        if (!live) return;
        setProjects(list);
        void refresh();
      },
      (err: unknown) => live && setError(toGobsError(err)),
    );
    return () => {
      live = false;
    };
  }, [refresh]);

  return (
    <section className="page" aria-labelledby="projects-title">
      <header className="page-header">
        <div>
          <h1 id="projects-title">{t('projects.title')}</h1>
        </div>
        <div className="page-actions">
          {!status.online && (
            <span className="badge badge-offline" role="status">
              {t('status.offline')}
            </span>
          )}
          <button type="button" className="btn" onClick={() => void refresh()} disabled={refreshing}>
            {refreshing ? t('projects.refreshing') : t('projects.refresh')}
          </button>
        </div>
      </header>
      {!status.online && <p className="banner banner-info">{t('projects.offlineNote')}</p>}
      {error && <ErrorBanner error={error} onRetry={() => void refresh()} />}
      {projects === undefined || (projects.length === 0 && refreshing) ? (
        <p className="muted">{t('common.loading')}</p>
      ) : projects.length === 0 ? (
        <p className="empty">{t('projects.empty')}</p>
      ) : (
        <ul className="project-list" aria-label={t('projects.listLabel')}>
          {projects.map((p) => (
            <li key={p.key} className="card project-card">
              <div className="project-main">
                <h2>
                  <a
                    href={routeHref({ name: 'project', projectKey: p.key })}
                    aria-label={t('projects.open', { label: p.label })}
                  >
                    {p.label}
                  </a>
                </h2>
                {p.description && <p className="muted">{p.description}</p>}
              </div>
              <dl className="project-meta">
                <div>
                  <dt>{t('projects.lastSync')}</dt>
                  <dd>{formatSince(p.lastSyncAt, now)}</dd>
                </div>
                <div>
                  <dt>{t('projects.waiting')}</dt>
                  <dd className={p.pendingChanges > 0 ? 'is-waiting' : undefined}>
                    {t('projects.waitingCount', { count: p.pendingChanges })}
                  </dd>
                </div>
              </dl>
              <button
                type="button"
                className="btn"
                aria-label={t('projects.sync', { label: p.label })}
                disabled={syncing}
                onClick={() => void syncProject(p.key)}
              >
                {syncing && sync?.projectKey === p.key ? t('projects.syncing') : t('projects.syncShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
