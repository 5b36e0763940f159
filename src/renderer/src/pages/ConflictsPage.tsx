import { useCallback, useMemo, useState } from 'react';
import { strings } from '../i18n/strings';
import { ErrorBanner } from '../components/ErrorBanner';
import { useAsync } from '../hooks/useAsync';
import { useObservationsChanged } from '../hooks/useSync';
import { useToast } from '../hooks/useToast';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { formatLocation, formatTimestamp, formatValue } from '../lib/observation';
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
      label: strings.conflicts.timestamp,
      mine: formatTimestamp(o.timestamp, fmt),
      theirs: s ? formatTimestamp(s.timestamp, fmt) : strings.common.none,
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
      theirs: s ? formatValue(s.values[d.code], d) : strings.common.none,
    });
  }
  lines.push(
    {
      label: strings.conflicts.location,
      mine: formatLocation(o.x, o.y, o.wkt),
      theirs: s ? formatLocation(s.x, s.y, s.wkt) : strings.common.none,
    },
    {
      label: strings.conflicts.photo,
      mine: o.hasMedia ? strings.conflicts.hasPhoto : strings.conflicts.noPhoto,
      theirs: s?.hasMedia ? strings.conflicts.hasPhoto : strings.conflicts.noPhoto,
    },
    {
      label: strings.conflicts.author,
      mine: o.author ?? strings.common.none,
      theirs: s?.author ?? strings.common.none,
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
          <h1 id="conflicts-title">{strings.conflicts.title}</h1>
          <p className="muted subtitle">{strings.conflicts.intro}</p>
        </div>
      </header>
      {conflicts.error && <ErrorBanner error={conflicts.error} onRetry={reload} />}
      {conflicts.data?.length === 0 && <p className="empty">{strings.conflicts.empty}</p>}
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
  const heading = strings.conflicts.title1(
    indicator?.label ?? conflict.indicatorCode,
    formatTimestamp(conflict.timestamp, indicator?.dateFormat ?? 'second'),
  );
  const headingId = `conflict-${conflict.uuid}`;

  async function resolve(keep: 'mine' | 'theirs') {
    setBusy(true);
    setError(undefined);
    try {
      await window.gobs.conflicts.resolve({ uuid: conflict.uuid, keep });
      toast({
        text:
          keep === 'mine'
            ? strings.conflicts.resolvedMine
            : conflict.serverDeleted
              ? strings.conflicts.resolvedDeleted
              : strings.conflicts.resolvedTheirs,
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
      {conflict.serverDeleted && <p className="banner banner-warning">{strings.conflicts.serverDeleted}</p>}
      {error !== undefined && (
        <p className="banner banner-error" role="alert">
          {errorText(error)}
        </p>
      )}
      <table className="compare" aria-label={heading}>
        <thead>
          <tr>
            <th scope="col">{strings.conflicts.field}</th>
            <th scope="col">{strings.conflicts.mine}</th>
            <th scope="col">{strings.conflicts.theirs}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, index) => {
            const differs = !conflict.serverDeleted && l.mine !== l.theirs;
            return (
              <tr key={l.label} className={differs ? 'is-different' : undefined}>
                <th scope="row">
                  {l.label}
                  {differs && <span className="diff-tag">{strings.conflicts.differs}</span>}
                </th>
                <td className={differs ? 'diff-mine' : undefined}>{l.mine}</td>
                {!conflict.serverDeleted ? (
                  <td className={differs ? 'diff-theirs' : undefined}>{l.theirs}</td>
                ) : (
                  // One cell for the whole column: there is no server version to compare with.
                  index === 0 && (
                    <td rowSpan={lines.length + 1} className="deleted-cell">
                      {strings.conflicts.deletedCell}
                    </td>
                  )
                )}
              </tr>
            );
          })}
          <tr className="compare-updated">
            <th scope="row">{strings.observation.updated}</th>
            <td>{formatDateTime(conflict.updatedAt)}</td>
            {!conflict.serverDeleted && <td>{formatDateTime(conflict.serverVersion?.updatedAt)}</td>}
          </tr>
        </tbody>
      </table>
      <div className="conflict-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => void resolve('mine')}
          aria-label={strings.conflicts.keepMineLabel(heading)}
        >
          {strings.conflicts.keepMine}
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void resolve('theirs')}
          aria-label={
            conflict.serverDeleted
              ? strings.conflicts.acceptDeletionLabel(heading)
              : strings.conflicts.takeTheirsLabel(heading)
          }
        >
          {conflict.serverDeleted ? strings.conflicts.acceptDeletion : strings.conflicts.takeTheirs}
        </button>
      </div>
    </article>
  );
}
