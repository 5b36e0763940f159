import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { t, type MessageId } from '../i18n';
import { ErrorBanner } from '../components/ErrorBanner';
import { Breadcrumb } from '../components/Breadcrumb';
import { StateBadge } from '../components/StateBadge';
import { NO_FILTER, ObservationFilters, toFilter, type FilterInputs } from '../components/ObservationFilters';
import { recall, remember } from '../hooks/useViewMemory';
import { VirtualTable, type Column, type Sort } from '../components/VirtualTable';
import { ExportDialog } from '../components/ExportDialog';
import { useAsync } from '../hooks/useAsync';
import { useProjectLabel } from '../hooks/useProjectLabel';
import { usePagedRows } from '../hooks/usePagedRows';
import { navigate, routeHref } from '../hooks/useRoute';
import { useObservationsChanged } from '../hooks/useSync';
import { useToast } from '../hooks/useToast';
import { toGobsError } from '../lib/errors';
import { formatLocation, formatTimestamp, formatValue } from '../lib/format';
import type {
  DocumentSummary,
  IndicatorSummary,
  ObservationFilter,
  ObservationRow,
  SortColumn,
} from '../../../shared/ipc';
import type { GobsError } from '../../../shared/errors';
import { SAVE_ONLY_DOCUMENT_KINDS } from '../../../shared/constants';

const DOCUMENT_TYPES = ['preview', 'image', 'video', 'document', 'url'];

/** Which save-only kind the warning names; any other reads as a file of unknown type. */
function unsafeKindKey(kind: string): MessageId {
  return (SAVE_ONLY_DOCUMENT_KINDS as readonly string[]).includes(kind)
    ? (`indicator.unsafeKinds.${kind}` as MessageId)
    : 'indicator.unsafeKinds.unknown';
}

/** The server may send document types this app does not know yet: they read as a plain file. */
function documentTypeKey(type: string): MessageId {
  return DOCUMENT_TYPES.includes(type)
    ? (`indicator.documentTypes.${type}` as MessageId)
    : 'indicator.documentTypes.other';
}

interface Props {
  projectKey: string;
  indicatorCode: string;
}

export function IndicatorPage({ projectKey, indicatorCode }: Props) {
  const indicator = useAsync(() => window.gobs.indicators.get({ indicatorCode }), [indicatorCode]);
  const projectLabel = useProjectLabel(projectKey);
  const ind = indicator.data;

  return (
    <section className="page page-fill indicator-page" aria-labelledby="indicator-title">
      <header className="page-header">
        <div>
          <Breadcrumb
            items={[
              { label: t('nav.projects'), href: routeHref({ name: 'projects' }) },
              { label: projectLabel, href: routeHref({ name: 'project', projectKey }) },
              { label: ind?.label ?? indicatorCode },
            ]}
          />
          <h1 id="indicator-title">{ind?.label ?? indicatorCode}</h1>
          {ind?.description && <p className="muted subtitle">{ind.description}</p>}
        </div>
        <div className="page-actions">
          <a className="btn btn-primary" href={routeHref({ name: 'newObservation', projectKey, indicatorCode })}>
            {t('indicator.newObservation')}
          </a>
        </div>
      </header>
      {indicator.error && <ErrorBanner error={indicator.error} onRetry={indicator.reload} />}
      {ind && (
        <>
          <div className="indicator-info">
            <DimensionList indicator={ind} />
            <Documents indicatorCode={indicatorCode} />
          </div>
          <ObservationViews projectKey={projectKey} indicator={ind} onCountsChanged={indicator.reload} />
        </>
      )}
    </section>
  );
}

function DimensionList({ indicator }: { indicator: IndicatorSummary }) {
  return (
    <section className="panel" aria-labelledby="dims-title">
      <div className="panel-title">
        <h2 id="dims-title">{t('indicator.dimensions')}</h2>
        <span className="muted small">
          {t('indicator.precision', { precision: t(`indicator.dateFormats.${indicator.dateFormat}`) })}
        </span>
      </div>
      <ul className="dim-list">
        {indicator.dimensions.map((d) => (
          <li key={d.code}>
            <strong>{d.name}</strong>
            {d.unit && <span className="unit">{d.unit}</span>}
            <span className="muted small">{t(`indicator.dimensionTypes.${d.type}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Documents({ indicatorCode }: { indicatorCode: string }) {
  const docs = useAsync(() => window.gobs.documents.list({ indicatorCode }), [indicatorCode]);
  const toast = useToast();
  const [openError, setOpenError] = useState<GobsError>();
  const [busy, setBusy] = useState<string>();

  async function act(doc: DocumentSummary, action: 'open' | 'save') {
    setOpenError(undefined);
    setBusy(doc.uuid);
    try {
      if (action === 'open') await window.gobs.documents.open({ uuid: doc.uuid });
      else {
        const { savedTo } = await window.gobs.documents.save({ uuid: doc.uuid });
        if (savedTo) toast({ text: t('indicator.savedTo', { path: savedTo }) });
      }
    } catch (err) {
      setOpenError(toGobsError(err));
    } finally {
      setBusy(undefined);
      // Opening downloads and classifies a document not cached yet: show what it turned out to be.
      docs.reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="docs-title">
      <div className="panel-title">
        <h2 id="docs-title">{t('indicator.documents')}</h2>
      </div>
      {openError && <ErrorBanner error={openError} />}
      {docs.error && <ErrorBanner error={docs.error} onRetry={docs.reload} />}
      {docs.data && docs.data.length === 0 && <p className="muted">{t('indicator.noDocuments')}</p>}
      {docs.data && docs.data.length > 0 && (
        <ul className="doc-list" aria-label={t('indicator.documents')}>
          {docs.data.map((d) => {
            const saveOnly = d.handling?.action === 'save';
            const warningId = `doc-warning-${d.uuid}`;
            return (
              <li key={d.uuid} className={saveOnly ? 'doc-unsafe' : undefined}>
                <button
                  type="button"
                  className="btn-link doc-open"
                  onClick={() => void act(d, saveOnly ? 'save' : 'open')}
                  disabled={busy === d.uuid}
                  aria-label={
                    saveOnly
                      ? t('indicator.saveDocument', { label: d.label })
                      : t('indicator.openDocument', { label: d.label })
                  }
                  aria-describedby={saveOnly ? warningId : undefined}
                >
                  <span className="doc-type" aria-hidden="true">
                    {t(documentTypeKey(d.type))}
                  </span>
                  {d.label}
                  {saveOnly && <span className="doc-save">{t('indicator.save')}</span>}
                </button>
                {saveOnly ? (
                  <span id={warningId} className="small doc-warning" role="note">
                    {d.handling!.typeMismatch
                      ? t('indicator.mismatchWarning')
                      : t('indicator.unsafeWarning', { what: t(unsafeKindKey(d.handling!.kind)) })}
                  </span>
                ) : (
                  <span className={`small ${d.cached ? 'is-cached' : 'muted'}`}>
                    {d.link
                      ? t('indicator.opensInBrowser')
                      : d.cached
                        ? t('indicator.cached')
                        : t('indicator.notCached')}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

// The chart and map libraries load when first shown: the table opens without them.
const ChartView = lazy(() => import('../components/ChartView').then((m) => ({ default: m.ChartView })));
const MapView = lazy(() => import('../components/MapView').then((m) => ({ default: m.MapView })));

const VIEWS = ['table', 'chart', 'map'] as const;
type View = (typeof VIEWS)[number];

/**
 * Table, chart and map of one filtered set: the filter (time range, state, text) is shared, so
 * a range dragged on the chart filters the table and the map too.
 */
function ObservationViews({
  projectKey,
  indicator,
  onCountsChanged,
}: {
  projectKey: string;
  indicator: IndicatorSummary;
  onCountsChanged(): void;
}) {
  const code = indicator.code;
  const memoryKey = `indicator-views:${code}`;
  const saved = recall(memoryKey, { inputs: NO_FILTER, view: 'table' as View });
  const [inputs, setInputs] = useState<FilterInputs>(saved.inputs);
  const [view, setViewState] = useState<View>(saved.view);
  /** Bumped when something else than the filter fields sets the filter (a chart drag): they re-read it. */
  const [filterFieldsKey, setFilterFieldsKey] = useState(0);
  const [exporting, setExporting] = useState(false);
  const filterKey = JSON.stringify(toFilter(inputs));
  const filter = useMemo<ObservationFilter>(() => JSON.parse(filterKey) as ObservationFilter, [filterKey]);
  const settings = useAsync(() => window.gobs.settings.get(), []);
  const count = useAsync(() => window.gobs.observations.count({ indicatorCode: code, filter }), [code, filter]);
  const reloadCount = count.reload;
  const onChanged = useCallback(() => {
    reloadCount();
    onCountsChanged();
  }, [reloadCount, onCountsChanged]);
  useObservationsChanged([code], onChanged);

  const setFilterInputs = useCallback(
    (f: FilterInputs) => {
      setInputs(f);
      remember(memoryKey, { ...recall(memoryKey, saved), inputs: f });
    },
    [memoryKey],
  );
  const setView = (v: View) => {
    setViewState(v);
    remember(memoryKey, { ...recall(memoryKey, saved), view: v });
  };
  const onRange = useCallback(
    (from: string, to: string) => {
      setFilterInputs({ ...inputs, from, to });
      setFilterFieldsKey((k) => k + 1);
    },
    [inputs, setFilterInputs],
  );
  const open = useCallback(
    (uuid: string) => navigate({ name: 'observation', projectKey, indicatorCode: code, uuid }),
    [projectKey, code],
  );
  const total = count.data;

  return (
    <section className="obs-section" aria-labelledby="obs-title">
      <div className="obs-toolbar">
        <h2 id="obs-title">{t('indicator.observations')}</h2>
        <span className="muted" role="status">
          {total !== undefined &&
            (Object.keys(filter).length === 0
              ? t('indicator.count', { total })
              : t('indicator.countFiltered', { shown: total, total: indicator.observationCount }))}
        </span>
        <div className="view-tabs" role="tablist" aria-label={t('views.label')}>
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              id={`view-tab-${v}`}
              aria-selected={view === v}
              aria-controls="view-panel"
              className={view === v ? 'is-on' : undefined}
              onClick={() => setView(v)}
            >
              {t(`views.${v}`)}
            </button>
          ))}
        </div>
        <button type="button" className="btn" onClick={() => setExporting(true)}>
          {t('export.open')}
        </button>
      </div>
      <ObservationFilters key={filterFieldsKey} initial={inputs} onChange={setFilterInputs} />
      <div id="view-panel" role="tabpanel" aria-labelledby={`view-tab-${view}`} className="view-panel">
        {view === 'table' && (
          <ObservationTable projectKey={projectKey} indicator={indicator} filter={filter} onOpen={open} />
        )}
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          {view === 'chart' && <ChartView indicator={indicator} filter={filter} onRange={onRange} onOpen={open} />}
          {view === 'map' && settings.data && (
            <MapView
              projectKey={projectKey}
              indicator={indicator}
              filter={filter}
              basemap={settings.data.basemap}
              onOpen={open}
            />
          )}
        </Suspense>
      </div>
      <ExportDialog
        open={exporting}
        indicatorCode={code}
        filter={filter}
        total={total}
        onClose={() => setExporting(false)}
      />
    </section>
  );
}

function ObservationTable({
  projectKey,
  indicator,
  filter,
  onOpen,
}: {
  projectKey: string;
  indicator: IndicatorSummary;
  filter: ObservationFilter;
  onOpen(uuid: string): void;
}) {
  const code = indicator.code;
  const memoryKey = `indicator:${code}`;
  const saved = recall(memoryKey, {
    sort: { column: 'timestamp', direction: 'desc' } as Sort,
    filterKey: '{}',
    scrollTop: 0,
  });
  const [sort, setSortState] = useState<Sort>(saved.sort);
  const filterKey = JSON.stringify(filter);
  // Another filter than the one the position was kept for starts at the top.
  const scrollTop = useRef(saved.filterKey === filterKey ? saved.scrollTop : 0);
  const save = useCallback(
    (patch: Partial<typeof saved>) => remember(memoryKey, { ...recall(memoryKey, saved), ...patch }),
    [memoryKey],
  );
  const setSort = useCallback(
    (s: Sort) => {
      setSortState(s);
      save({ sort: s, scrollTop: 0 });
      scrollTop.current = 0;
    },
    [save],
  );
  useEffect(() => {
    if (recall(memoryKey, saved).filterKey !== filterKey) {
      scrollTop.current = 0;
      save({ filterKey, scrollTop: 0 });
    }
  }, [filterKey, save]);
  const queryKey = JSON.stringify([code, sort, filter]);

  const fetchPage = useCallback(
    (req: { limit: number; after?: string; offset?: number }) =>
      window.gobs.observations
        .list({
          indicatorCode: code,
          sort: { column: sort.column as SortColumn, direction: sort.direction },
          filter,
          limit: req.limit,
          ...(req.after ? { cursor: req.after } : {}),
          ...(req.offset ? { offset: req.offset } : {}),
        })
        .then((page) => ({ rows: page.rows, nextCursor: page.nextCursor })),
    [code, sort, filter],
  );
  const fetchTotal = useCallback(() => window.gobs.observations.count({ indicatorCode: code, filter }), [code, filter]);
  const paged = usePagedRows<ObservationRow, string>(fetchPage, fetchTotal, queryKey);

  useObservationsChanged([code], paged.reload);

  const columns = useMemo<Column<ObservationRow>[]>(
    () => [
      {
        key: 'timestamp',
        label: t('indicator.colTimestamp'),
        width: '160px',
        // A real link for the mouse and for finding a row by its time; the grid is one Tab stop, so not in the tab order.
        render: (r) => (
          <a href={routeHref({ name: 'observation', projectKey, indicatorCode: code, uuid: r.uuid })} tabIndex={-1}>
            {formatTimestamp(r.timestamp, indicator.dateFormat)}
          </a>
        ),
      },
      ...indicator.dimensions.map<Column<ObservationRow>>((d) => ({
        key: `value:${d.code}`,
        label: d.unit ? `${d.name} (${d.unit})` : d.name,
        width: d.type === 'string' ? 'minmax(140px, 1.5fr)' : 'minmax(110px, 160px)',
        align: d.type === 'integer' || d.type === 'real' ? 'end' : 'start',
        render: (r) => formatValue(r.values[d.code], d),
      })),
      {
        key: 'x',
        label: t('indicator.colLocation'),
        width: '176px',
        render: (r) => formatLocation(r.x, r.y, r.wkt),
      },
      {
        key: 'author',
        label: t('indicator.colAuthor'),
        width: 'minmax(120px, 1fr)',
        render: (r) => r.author ?? t('common.none'),
      },
      {
        key: 'state',
        label: t('indicator.colState'),
        // Room for the longest state badge in every language ("Synchronisée").
        width: '136px',
        render: (r) => <StateBadge state={r.state} />,
      },
    ],
    [indicator, projectKey, code],
  );

  const open = useCallback((r: ObservationRow) => onOpen(r.uuid), [onOpen]);

  return (
    <>
      {paged.error && <ErrorBanner error={paged.error} onRetry={paged.reload} />}
      <VirtualTable
        label={t('indicator.tableLabel')}
        columns={columns}
        total={paged.total ?? 0}
        rowAt={paged.rowAt}
        rowKey={(r) => r.uuid}
        onVisibleRange={paged.setVisibleRange}
        sort={sort}
        onSort={setSort}
        onActivate={open}
        rowClassName={(r) => (r.state === 'deleted' ? 'is-deleted' : '')}
        initialScrollTop={scrollTop.current}
        resetKey={queryKey}
        onScrollTop={(top) => {
          scrollTop.current = top;
          save({ scrollTop: top });
        }}
        sortLabel={(column, dir) => t('indicator.sortBy', { column, dir: dir ?? 'none' })}
        loadingLabel={t('indicator.loadingRow')}
        emptyLabel={
          paged.loading
            ? t('common.loading')
            : Object.keys(filter).length > 0
              ? t('indicator.empty')
              : t('indicator.noneYet')
        }
      />
    </>
  );
}
