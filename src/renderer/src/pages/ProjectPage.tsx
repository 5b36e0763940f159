import { useCallback, useEffect, useRef } from 'react';
import { t } from '../i18n';
import { formatNumber } from '../lib/format';
import { ErrorBanner } from '../components/ErrorBanner';
import { Breadcrumb } from '../components/Breadcrumb';
import { SyncBar } from '../components/SyncBar';
import { NO_FILTER } from '../components/ObservationFilters';
import { recall, remember } from '../hooks/useViewMemory';
import { useAsync } from '../hooks/useAsync';
import { routeHref } from '../hooks/useRoute';
import { useObservationsChanged, useSyncStatus } from '../hooks/useSync';
import { useSession } from '../hooks/useSession';
import type { Dimension } from '../../../shared/ipc';

export function dimensionSummary(dimensions: Dimension[]): string {
  return dimensions.map((d) => (d.unit ? `${d.name} (${d.unit})` : d.name)).join(', ');
}

/** Opens an indicator's table filtered on refused observations (through the view memory). */
function showRefused(indicatorCode: string): void {
  // The filter is shared by the table, chart and map (IndicatorPage's view memory); the table opens at its top.
  const views = `indicator-views:${indicatorCode}`;
  remember(views, { ...recall<object>(views, {}), inputs: { ...NO_FILTER, state: 'rejected' }, view: 'table' });
  const table = `indicator:${indicatorCode}`;
  remember(table, {
    sort: { column: 'timestamp', direction: 'desc' },
    filterKey: '{}',
    ...recall<object>(table, {}),
    scrollTop: 0,
  });
}

export function ProjectPage({ projectKey }: { projectKey: string }) {
  const projects = useAsync(() => window.gobs.projects.list(), []);
  const indicators = useAsync(() => window.gobs.indicators.list({ projectKey }), [projectKey]);
  const project = projects.data?.find((p) => p.key === projectKey);
  const sync = useSyncStatus();

  const reload = useCallback(() => {
    projects.reload();
    indicators.reload();
  }, [projects.reload, indicators.reload]);
  useObservationsChanged(null, reload);
  const lastSyncAt = sync?.lastSyncAt;
  const syncState = sync?.state;
  useEffect(() => {
    if (syncState !== 'syncing') reload();
  }, [lastSyncAt, syncState, reload]);

  // A project chosen for the first time has nothing local yet: fetch it right away, as the user expects.
  const firstSyncStarted = useRef(false);
  const neverSynced = project !== undefined && project.lastSyncAt === null && indicators.data?.length === 0;
  const { status } = useSession();
  useEffect(() => {
    if (!neverSynced || firstSyncStarted.current || !status.loggedIn || syncState === 'syncing') return;
    firstSyncStarted.current = true;
    window.gobs.sync.start({ projectKey }).catch(() => {
      // The sync bar shows the engine's own error from sync.progress.
    });
  }, [neverSynced, status.loggedIn, syncState, projectKey]);

  if (projects.data && !project) {
    return (
      <section className="page">
        <p className="banner banner-warning">{t('project.notFound')}</p>
      </section>
    );
  }
  const list = indicators.data ?? [];
  const labels = new Map(list.map((i) => [i.code, i.label]));
  const conflicts = list.reduce((n, i) => n + i.conflictCount, 0);
  const rejected = list.reduce((n, i) => n + i.rejectedCount, 0);

  return (
    <section className="page" aria-labelledby="project-title">
      <header className="page-header">
        <div>
          <Breadcrumb
            items={[
              { label: t('nav.projects'), href: routeHref({ name: 'projects' }) },
              { label: project?.label ?? projectKey },
            ]}
          />
          <h1 id="project-title">{project?.label ?? projectKey}</h1>
          {project?.description && <p className="muted subtitle">{project.description}</p>}
          {status.serverKind === 'lizmap-gobs' && (
            <p className="small muted" data-testid="server-kind-note">
              {t('serverKind.lizmapNote')}
            </p>
          )}
        </div>
      </header>
      <SyncBar projectKey={projectKey} pendingChanges={project?.pendingChanges ?? 0} labels={labels} />
      {(conflicts > 0 || rejected > 0) && (
        <div className="banner banner-warning">
          <span>
            {conflicts > 0 && (
              <a href={routeHref({ name: 'conflicts' })}>{t('project.conflictsLink', { count: conflicts })}</a>
            )}
            {conflicts > 0 && rejected > 0 && ' · '}
            {rejected > 0 && t('project.rejectedCount', { count: rejected })}
            {list
              .filter((i) => i.rejectedCount > 0)
              .map((i) => (
                <span key={i.code}>
                  {' · '}
                  <a
                    href={routeHref({ name: 'indicator', projectKey, indicatorCode: i.code })}
                    onClick={() => showRefused(i.code)}
                    aria-label={t('project.showRefused', { label: i.label })}
                  >
                    {i.label}
                  </a>
                </span>
              ))}
          </span>
        </div>
      )}
      {(projects.error || indicators.error) && (
        <ErrorBanner error={projects.error ?? indicators.error} onRetry={reload} />
      )}
      <h2>{t('project.indicators')}</h2>
      {indicators.data && list.length === 0 ? (
        <p className="empty">{t('project.noIndicators')}</p>
      ) : (
        <table className="data-table" aria-label={t('project.indicatorsTable')}>
          <thead>
            <tr>
              <th scope="col">{t('project.colLabel')}</th>
              <th scope="col">{t('project.colCategory')}</th>
              <th scope="col">{t('project.colDimensions')}</th>
              <th scope="col" className="num">
                {t('project.colObservations')}
              </th>
              <th scope="col" className="num">
                {t('project.colWaiting')}
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.code}>
                <th scope="row">
                  <a
                    href={routeHref({ name: 'indicator', projectKey, indicatorCode: i.code })}
                    aria-label={t('project.open', { label: i.label })}
                  >
                    {i.label}
                  </a>
                  {i.description && <div className="muted small clamp">{i.description}</div>}
                </th>
                <td>{i.category ?? t('common.none')}</td>
                <td className="small">{dimensionSummary(i.dimensions)}</td>
                <td className="num">{formatNumber(i.observationCount)}</td>
                <td className={`num${i.pendingCount > 0 ? ' is-waiting' : ''}`}>
                  {formatNumber(i.pendingCount)}
                  {i.conflictCount > 0 && (
                    <span className="badge badge-state-conflict cell-badge">
                      {t('project.conflicts', { count: i.conflictCount })}
                    </span>
                  )}
                  {i.rejectedCount > 0 && (
                    <span className="badge badge-state-rejected cell-badge">
                      {t('project.refused', { count: i.rejectedCount })}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
