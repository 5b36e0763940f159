import { useCallback, useMemo, useState } from 'react';
import { t } from '../i18n';
import { ErrorBanner } from '../components/ErrorBanner';
import { useAsync } from '../hooks/useAsync';
import { useObservationsChanged } from '../hooks/useSync';
import { useToast } from '../hooks/useToast';
import { errorText } from '../lib/errors';
import { formatInstant, formatLocation, formatTimestamp, formatValue } from '../lib/format';
import type { IndicatorSummary, ObservationDetail } from '../../../shared/ipc';

interface Line {
  label: string;
  mine: string;
  theirs: string;
}

function compare(o: ObservationDetail, indicator: IndicatorSummary | undefined): Line[] {
  const s = o.serverVersion;
  const fmt = indicator?.dateFormat ?? 'second';
  const lines: Line[] = [
    {
      label: t('conflicts.timestamp'),
      mine: formatTimestamp(o.timestamp, fmt),
      theirs: s ? formatTimestamp(s.timestamp, fmt) : t('common.none'),
    },
  ];
  const dims =
    indicator?.dimensions ??
    Object.keys({ ...o.values, ...s?.values }).map((code) => ({
      code,
      name: code,
      type: 'string' as const,
      unit: null,
    }));
  for (const d of dims) {
    lines.push({
      label: d.unit ? `${d.name} (${d.unit})` : d.name,
      mine: formatValue(o.values[d.code], d),
      theirs: s ? formatValue(s.values[d.code], d) : t('common.none'),
    });
  }
  lines.push(
    {
      label: t('conflicts.location'),
      mine: formatLocation(o.x, o.y, o.wkt),
      theirs: s ? formatLocation(s.x, s.y, s.wkt) : t('common.none'),
    },
    {
      label: t('conflicts.photo'),
      mine: o.hasMedia ? t('conflicts.hasPhoto') : t('conflicts.noPhoto'),
      theirs: s?.hasMedia ? t('conflicts.hasPhoto') : t('conflicts.noPhoto'),
    },
    {
      label: t('conflicts.author'),
      mine: o.author ?? t('common.none'),
      theirs: s?.author ?? t('common.none'),
    },
  );
  return lines;
}

export function ConflictsPage() {
  const conflicts = useAsync(() => window.gobs.conflicts.list({}), []);
  const codes = useMemo(() => [...new Set((conflicts.data ?? []).map((c) => c.indicatorCode))], [conflicts.data]);
  const indicators = useAsync(
    () => Promise.all(codes.map((indicatorCode) => window.gobs.indicators.get({ indicatorCode }))),
    [codes.join(',')],
  );
  const byCode = new Map((indicators.data ?? []).map((i) => [i.code, i]));
  const { reload } = conflicts;
  const onChanged = useCallback(() => reload(), [reload]);
  useObservationsChanged(null, onChanged);

  return (
    <section className="page" aria-labelledby="conflicts-title">
      <header className="page-header">
        <div>
          <h1 id="conflicts-title">{t('conflicts.title')}</h1>
          <p className="muted subtitle">{t('conflicts.intro')}</p>
        </div>
      </header>
      {conflicts.error && <ErrorBanner error={conflicts.error} onRetry={reload} />}
      {conflicts.data?.length === 0 && <p className="empty">{t('conflicts.empty')}</p>}
      {conflicts.data?.map((c) => (
        <ConflictCard key={c.uuid} conflict={c} indicator={byCode.get(c.indicatorCode)} onResolved={reload} />
      ))}
    </section>
  );
}

function ConflictCard({
  conflict,
  indicator,
  onResolved,
}: {
  conflict: ObservationDetail;
  indicator: IndicatorSummary | undefined;
  onResolved(): void;
}) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const lines = compare(conflict, indicator);
  const heading = t('conflicts.title1', {
    indicator: indicator?.label ?? conflict.indicatorCode,
    time: formatTimestamp(conflict.timestamp, indicator?.dateFormat ?? 'second'),
  });
  const headingId = `conflict-${conflict.uuid}`;

  async function resolve(keep: 'mine' | 'theirs') {
    setBusy(true);
    setError(undefined);
    try {
      await window.gobs.conflicts.resolve({ uuid: conflict.uuid, keep });
      toast({
        text:
          keep === 'mine'
            ? t('conflicts.resolvedMine')
            : conflict.serverDeleted
              ? t('conflicts.resolvedDeleted')
              : t('conflicts.resolvedTheirs'),
      });
      onResolved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="card conflict" aria-labelledby={headingId}>
      <header className="conflict-head">
        <h2 id={headingId}>{heading}</h2>
        <code className="muted small">{conflict.uuid}</code>
      </header>
      {conflict.serverDeleted && <p className="banner banner-warning">{t('conflicts.serverDeleted')}</p>}
      {error !== undefined && (
        <p className="banner banner-error" role="alert">
          {errorText(error)}
        </p>
      )}
      <table className="compare" aria-label={heading}>
        <thead>
          <tr>
            <th scope="col">{t('conflicts.field')}</th>
            <th scope="col">{t('conflicts.mine')}</th>
            <th scope="col">{t('conflicts.theirs')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, index) => {
            const differs = !conflict.serverDeleted && l.mine !== l.theirs;
            return (
              <tr key={l.label} className={differs ? 'is-different' : undefined}>
                <th scope="row">
                  {l.label}
                  {differs && <span className="diff-tag">{t('conflicts.differs')}</span>}
                </th>
                <td className={differs ? 'diff-mine' : undefined}>{l.mine}</td>
                {!conflict.serverDeleted ? (
                  <td className={differs ? 'diff-theirs' : undefined}>{l.theirs}</td>
                ) : (
                  // One cell for the whole column: there is no server version to compare with.
                  index === 0 && (
                    <td rowSpan={lines.length + 1} className="deleted-cell">
                      {t('conflicts.deletedCell')}
                    </td>
                  )
                )}
              </tr>
            );
          })}
          <tr className="compare-updated">
            <th scope="row">{t('observation.updated')}</th>
            <td>{formatInstant(conflict.updatedAt)}</td>
            {!conflict.serverDeleted && <td>{formatInstant(conflict.serverVersion?.updatedAt)}</td>}
          </tr>
        </tbody>
      </table>
      <div className="conflict-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => void resolve('mine')}
          aria-label={t('conflicts.keepMineLabel', { what: heading })}
        >
          {t('conflicts.keepMine')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void resolve('theirs')}
          aria-label={
            conflict.serverDeleted
              ? t('conflicts.acceptDeletionLabel', { what: heading })
              : t('conflicts.takeTheirsLabel', { what: heading })
          }
        >
          {conflict.serverDeleted ? t('conflicts.acceptDeletion') : t('conflicts.takeTheirs')}
        </button>
      </div>
    </article>
  );
}
