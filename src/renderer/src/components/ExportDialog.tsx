/**
 * Exports the filtered set: the user picks a format, main asks where to save (the OS dialog) and
 * writes in the background; progress comes as `export.progress` events, and Cancel removes the
 * partial file. The renderer never names a path.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { t } from '../i18n';
import { formatNumber } from '../lib/format';
import { errorText, toGobsError } from '../lib/errors';
import { ProgressBar } from './ProgressBar';
import { EXPORT_FORMATS, type ExportFormat, type ExportProgress, type ObservationFilter } from '../../../shared/ipc';
import type { GobsError } from '../../../shared/errors';

interface Props {
  open: boolean;
  indicatorCode: string;
  filter: ObservationFilter;
  /** Observations in the filtered set (shown before starting). */
  total: number | undefined;
  onClose(): void;
}

type Phase =
  | { kind: 'choose' }
  | { kind: 'asking' }
  | { kind: 'running'; id: string; progress: ExportProgress | null; file: string; total: number }
  | { kind: 'finished'; progress: ExportProgress };

export function ExportDialog({ open, indicatorCode, filter, total, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const [error, setError] = useState<GobsError>();
  /** Events may arrive before `start` answers: kept by export id until the id is known. */
  const early = useRef(new Map<string, ExportProgress>());
  const current = useRef<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setPhase({ kind: 'choose' });
      setError(undefined);
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  useEffect(
    () =>
      window.gobs.on('export.progress', (p) => {
        if (p.id !== current.current) {
          early.current.set(p.id, p);
          return;
        }
        setPhase((ph) =>
          ph.kind !== 'running' || ph.id !== p.id
            ? ph
            : p.state === 'running'
              ? { ...ph, progress: p }
              : { kind: 'finished', progress: p },
        );
      }),
    [],
  );

  async function start() {
    setError(undefined);
    setPhase({ kind: 'asking' });
    try {
      const started = await window.gobs.exports.start({
        indicatorCode,
        format,
        filter,
        dialog: { title: t('export.title'), fileType: t(`export.fileTypes.${format}`) },
      });
      if (!started) {
        setPhase({ kind: 'choose' });
        return;
      }
      current.current = started.id;
      const seen = early.current.get(started.id) ?? null;
      early.current.clear();
      if (seen && seen.state !== 'running') setPhase({ kind: 'finished', progress: seen });
      else setPhase({ kind: 'running', id: started.id, progress: seen, file: started.file, total: started.total });
    } catch (err) {
      setError(toGobsError(err));
      setPhase({ kind: 'choose' });
    }
  }

  async function cancel() {
    if (phase.kind !== 'running') return;
    try {
      await window.gobs.exports.cancel({ id: phase.id });
    } catch (err) {
      setError(toGobsError(err));
    }
  }

  const running = phase.kind === 'running' || phase.kind === 'asking';
  return (
    <dialog
      ref={ref}
      className="dialog export-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!running) onClose();
      }}
    >
      <h2 id={`${id}-title`}>{t('export.title')}</h2>
      {(phase.kind === 'choose' || phase.kind === 'asking') && (
        <>
          <p>
            {total === undefined
              ? t('export.scopeUnknown')
              : Object.keys(filter).length > 0
                ? t('export.scopeFiltered', { count: total })
                : t('export.scopeAll', { count: total })}
          </p>
          <fieldset className="export-formats" disabled={phase.kind === 'asking'}>
            <legend>{t('export.format')}</legend>
            {EXPORT_FORMATS.map((f) => (
              <label key={f} className="radio-card">
                <input
                  type="radio"
                  name="export-format"
                  value={f}
                  checked={format === f}
                  onChange={() => setFormat(f)}
                />
                <span>
                  <strong>{t(`export.formats.${f}`)}</strong>
                  <span className="small muted">{t(`export.formatHints.${f}`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
        </>
      )}
      {phase.kind === 'running' && (
        <div className="export-progress">
          <p className="small">
            {t('export.writing')} <code>{phase.file}</code>
          </p>
          <ProgressBar
            label={t('export.progress')}
            done={phase.progress?.done ?? 0}
            total={phase.progress?.total ?? phase.total}
            valueText={t('export.progressText', {
              done: formatNumber(phase.progress?.done ?? 0),
              total: formatNumber(phase.progress?.total ?? phase.total),
            })}
          />
          <p className="small muted" aria-live="polite">
            {t('export.progressText', {
              done: formatNumber(phase.progress?.done ?? 0),
              total: formatNumber(phase.progress?.total ?? phase.total),
            })}
          </p>
        </div>
      )}
      {phase.kind === 'finished' && (
        <div role="status" className={`export-result is-${phase.progress.state}`}>
          {phase.progress.state === 'done' && (
            <p>
              {t('export.done', { count: phase.progress.done })} <code>{phase.progress.file}</code>
            </p>
          )}
          {phase.progress.state === 'cancelled' && <p>{t('export.cancelled')}</p>}
          {phase.progress.state === 'failed' && (
            <p className="error-text">
              {t('export.failed', {
                message: phase.progress.error ? errorText(phase.progress.error) : t('common.unknownError'),
              })}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {errorText(error)}
        </p>
      )}
      <div className="dialog-actions">
        {phase.kind === 'running' ? (
          <button type="button" className="btn" onClick={() => void cancel()}>
            {t('export.cancel')}
          </button>
        ) : (
          <button type="button" className="btn" onClick={onClose} disabled={phase.kind === 'asking'}>
            {t('common.close')}
          </button>
        )}
        {(phase.kind === 'choose' || phase.kind === 'asking') && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void start()}
            disabled={phase.kind === 'asking' || total === 0}
          >
            {t('export.start')}
          </button>
        )}
      </div>
    </dialog>
  );
}
