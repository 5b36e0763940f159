import { useEffect, useRef, useState, type FormEvent } from 'react';
import { strings } from '../i18n/strings';
import { ErrorBanner } from '../components/ErrorBanner';
import { Breadcrumb } from '../components/Breadcrumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field } from '../components/Field';
import { PhotoField, readBase64, type PhotoChange } from '../components/PhotoField';
import { StateBadge } from '../components/StateBadge';
import { useAsync } from '../hooks/useAsync';
import { useProjectLabel } from '../hooks/useProjectLabel';
import { navigate, routeHref } from '../hooks/useRoute';
import { useToast } from '../hooks/useToast';
import { useSession } from '../hooks/useSession';
import { errorText, toGobsError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { nowInputValue, timestampInput, toInputValue } from '../lib/observation';
import { validateForm, type FieldErrors, type FormState } from '../lib/validate';
import type { IndicatorSummary, MediaContent, ObservationDetail } from '../../../shared/ipc';
import type { GobsError } from '../../../shared/errors';

interface Props {
  projectKey: string;
  indicatorCode: string;
  /** Absent for a new observation. */
  uuid?: string;
}

export function ObservationPage({ projectKey, indicatorCode, uuid }: Props) {
  const indicator = useAsync(() => window.gobs.indicators.get({ indicatorCode }), [indicatorCode]);
  const existing = useAsync<ObservationDetail | null>(
    () => (uuid ? window.gobs.observations.get({ uuid }) : Promise.resolve(null)),
    [uuid],
  );
  const projectLabel = useProjectLabel(projectKey);
  const ind = indicator.data;
  const title = ind ? (uuid ? strings.observation.editTitle(ind.label) : strings.observation.newTitle(ind.label)) : '';

  return (
    <section className="page" aria-labelledby="obs-form-title">
      <header className="page-header">
        <div>
          <Breadcrumb
            items={[
              { label: strings.nav.projects, href: routeHref({ name: 'projects' }) },
              { label: projectLabel, href: routeHref({ name: 'project', projectKey }) },
              { label: ind?.label ?? indicatorCode, href: routeHref({ name: 'indicator', projectKey, indicatorCode }) },
              { label: uuid ? strings.observation.crumb : strings.indicator.newObservation },
            ]}
          />
          <div className="title-row">
            <h1 id="obs-form-title">{title}</h1>
            {existing.data && <StateBadge state={existing.data.state} />}
          </div>
        </div>
      </header>
      {indicator.error && <ErrorBanner error={indicator.error} onRetry={indicator.reload} />}
      {existing.error &&
        (existing.error.code === 'not_found' ? (
          <p className="banner banner-warning">{strings.observation.notFound}</p>
        ) : (
          <ErrorBanner error={existing.error} onRetry={existing.reload} />
        ))}
      {ind && existing.data !== undefined && !existing.error && (
        <ObservationForm
          // A new version (restored, discarded, synced) starts a fresh form.
          key={
            existing.data
              ? `${existing.data.uuid}:${existing.data.state}:${existing.data.import}:${existing.data.updatedAt}`
              : 'new'
          }
          projectKey={projectKey}
          indicator={ind}
          observation={existing.data}
          onReload={existing.reload}
        />
      )}
    </section>
  );
}

function initialForm(indicator: IndicatorSummary, o: ObservationDetail | null): FormState {
  const values: Record<string, string> = {};
  for (const d of indicator.dimensions) {
    const v = o?.values[d.code];
    values[d.code] = v === null || v === undefined ? '' : String(v);
  }
  const isPoint = !o?.wkt || /^\s*POINT\s*\(/i.test(o.wkt);
  return {
    timestamp: o ? toInputValue(o.timestamp, indicator.dateFormat) : nowInputValue(indicator.dateFormat),
    values,
    mode: isPoint ? 'point' : 'wkt',
    lon: o ? String(o.x) : '',
    lat: o ? String(o.y) : '',
    wkt: o?.wkt ?? '',
  };
}

interface FormProps {
  projectKey: string;
  indicator: IndicatorSummary;
  observation: ObservationDetail | null;
  onReload(): void;
}

function ObservationForm({ projectKey, indicator, observation, onReload }: FormProps) {
  const toast = useToast();
  const { status } = useSession();
  const [form, setForm] = useState<FormState>(() => initialForm(indicator, observation));
  const [errors, setErrors] = useState<FieldErrors>(() =>
    observation?.state === 'rejected' && observation.errorField && observation.error
      ? { [observation.errorField]: strings.observation.serverSays(observation.error) }
      : {},
  );
  const summaryOf = (errs: FieldErrors): string => {
    const names = Object.keys(errs).map((f) => fieldLabel(f) ?? f);
    return strings.observation.errors.summary(names.length, names);
  };
  const fieldLabel = (field: string | null): string | null => {
    if (!field) return null;
    const known: Record<string, string> = {
      timestamp: strings.observation.timestamp,
      photo: strings.observation.photo,
      x: strings.observation.longitude,
      y: strings.observation.latitude,
      wkt: strings.observation.wkt,
    };
    return known[field] ?? indicator.dimensions.find((d) => `values.${d.code}` === field)?.name ?? null;
  };
  const [saveError, setSaveError] = useState<GobsError>();
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [photo, setPhoto] = useState<PhotoChange>({ file: null, remove: false });
  const [media, setMedia] = useState<MediaContent | null>(null);
  const [summary, setSummary] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  const code = indicator.code;
  const back = () => {
    leaving.current = true;
    navigate({ name: 'indicator', projectKey, indicatorCode: code });
  };

  // Unsaved input is never dropped silently: leaving through a link or Cancel asks first.
  const leaving = useRef(false);
  const [pristine] = useState(form);
  const dirty = photo.file !== null || photo.remove || JSON.stringify(form) !== JSON.stringify(pristine);
  const [pendingHref, setPendingHref] = useState<string | null>(null);
  useEffect(() => {
    if (!dirty) return;
    const onClick = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.('a[href^="#"]');
      if (!link || leaving.current || e.defaultPrevented) return;
      e.preventDefault();
      setPendingHref(link.getAttribute('href'));
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [dirty]);
  const cancel = () => {
    if (dirty) setPendingHref(routeHref({ name: 'indicator', projectKey, indicatorCode: code }));
    else back();
  };
  const discard = () => {
    const href = pendingHref;
    setPendingHref(null);
    if (!href) return;
    leaving.current = true;
    location.hash = href;
  };

  useEffect(() => {
    if (!observation?.hasMedia) return;
    let live = true;
    window.gobs.media.get({ uuid: observation.uuid }).then(
      (m) => live && setMedia(m),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [observation?.uuid, observation?.hasMedia]);

  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const setValue = (c: string, v: string) => setForm((f) => ({ ...f, values: { ...f.values, [c]: v } }));

  function focusFirstError(errs: FieldErrors) {
    const first = Object.keys(errs)[0];
    if (!first) return;
    requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(first)}"]`)?.focus(),
    );
  }

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setSaveError(undefined);
    const { parsed, errors: errs } = validateForm(form, indicator.dimensions, indicator.dateFormat);
    setErrors(errs);
    if (!parsed) {
      setSummary(summaryOf(errs));
      focusFirstError(errs);
      return;
    }
    setSummary(undefined);
    setSaving(true);
    try {
      // A time the user did not touch goes back exactly as stored, not rounded to the input's precision.
      const untouched = observation && form.timestamp === toInputValue(observation.timestamp, indicator.dateFormat);
      const timestamp = untouched ? observation.timestamp : parsed.timestamp;
      const fields = { timestamp, values: parsed.values, x: parsed.x, y: parsed.y, wkt: parsed.wkt };
      let saved = observation
        ? await window.gobs.observations.update({ uuid: observation.uuid, ...fields })
        : await window.gobs.observations.create({ indicatorCode: code, ...fields });
      if (photo.file) {
        saved = await window.gobs.media.attach({
          uuid: saved.uuid,
          fileName: photo.file.name,
          dataBase64: await readBase64(photo.file),
        });
      } else if (photo.remove && observation?.hasMedia) {
        saved = await window.gobs.media.remove({ uuid: saved.uuid });
      }
      toast({ text: saved.state === 'synced' ? strings.observation.savedSynced : strings.observation.saved });
      back();
    } catch (err) {
      const e = toGobsError(err);
      const field = e.field?.replace(/^dataBase64$|^fileName$/, 'photo');
      if (field) {
        const next = { [field]: e.message };
        setErrors(next);
        setSummary(summaryOf(next));
        focusFirstError(next);
      } else setSaveError(e);
    } finally {
      setSaving(false);
    }
  }

  async function doDelete() {
    if (!observation) return;
    setConfirmDelete(false);
    try {
      await window.gobs.observations.delete({ uuid: observation.uuid });
      const uuid = observation.uuid;
      toast({
        text: strings.observation.deleted,
        action: {
          label: strings.observation.undo,
          run: async () => {
            try {
              await window.gobs.observations.restore({ uuid });
              toast({ text: strings.observation.restored });
            } catch (err) {
              toast({ text: errorText(err), tone: 'error' });
            }
          },
        },
      });
      back();
    } catch (err) {
      setSaveError(toGobsError(err));
    }
  }

  /** Gives up a change the server will not take: its version comes back (an unsent one goes away). */
  async function doDiscard() {
    if (!observation) return;
    setConfirmDiscard(false);
    try {
      const result = await window.gobs.observations.discard({ uuid: observation.uuid });
      if (result === null) {
        toast({ text: strings.observation.discardedRemoved });
        back();
      } else {
        toast({ text: strings.observation.discardedChange });
        leaving.current = true;
        onReload();
      }
    } catch (err) {
      setSaveError(toGobsError(err));
    }
  }

  async function restore() {
    if (!observation) return;
    try {
      await window.gobs.observations.restore({ uuid: observation.uuid });
      toast({ text: strings.observation.restored });
      onReload();
    } catch (err) {
      setSaveError(toGobsError(err));
    }
  }

  const ts = timestampInput(indicator.dateFormat);
  const someoneElses = Boolean(observation?.author && status.username && observation.author !== status.username);
  const deleted = observation?.state === 'deleted';

  return (
    <form
      ref={formRef}
      className="obs-form"
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => {
        // Ctrl+S / Cmd+S saves, as in every editor.
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
          e.preventDefault();
          formRef.current?.requestSubmit();
        }
      }}
      noValidate
      aria-labelledby="obs-form-title"
    >
      {observation?.state === 'rejected' && observation.error && (
        <div className="banner banner-error" role="alert">
          <span>
            <strong>{strings.observation.refusedBy}: </strong>
            {fieldLabel(observation.errorField)
              ? `${fieldLabel(observation.errorField)}: ${observation.error}`
              : observation.error}
          </span>
        </div>
      )}
      {observation?.state === 'conflict' && (
        <div className="banner banner-warning">
          <span>{strings.observation.conflictNote}</span>
          <a className="btn btn-small" href={routeHref({ name: 'conflicts' })}>
            {strings.observation.resolveConflict}
          </a>
        </div>
      )}
      {someoneElses && observation?.author && observation.state === 'synced' && (
        <p className="banner banner-info">{strings.observation.othersAuthor(observation.author)}</p>
      )}
      {deleted && (
        <div className="banner banner-warning">
          <span>{strings.stateHelp.deleted}</span>
          <button type="button" className="btn btn-small" onClick={() => void restore()}>
            {strings.observation.restore}
          </button>
        </div>
      )}
      {saveError && <ErrorBanner error={saveError} />}
      {summary && (
        <p className="banner banner-error" role="alert">
          {summary}
        </p>
      )}

      <div className="obs-form-grid">
        <div className="obs-form-main">
          <fieldset disabled={deleted}>
            <legend>{strings.observation.values}</legend>
            <div className="form-grid">
              <Field
                label={strings.observation.timestamp}
                hint={strings.observation.timestampHint(strings.indicator.dateFormats[indicator.dateFormat])}
                error={errors['timestamp']}
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    data-field="timestamp"
                    type={ts.type}
                    step={ts.step}
                    min={ts.type === 'number' ? 1000 : undefined}
                    max={ts.type === 'number' ? 9999 : undefined}
                    value={form.timestamp}
                    onChange={(e) => set({ timestamp: e.target.value })}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    required
                  />
                )}
              </Field>
              {indicator.dimensions.map((d) => {
                const key = `values.${d.code}`;
                return (
                  <Field
                    key={d.code}
                    label={d.name}
                    unit={d.unit ?? undefined}
                    error={errors[key]}
                    hint={strings.indicator.dimensionTypes[d.type]}
                  >
                    {({ id, describedBy, invalid }) =>
                      d.type === 'boolean' ? (
                        <select
                          id={id}
                          data-field={key}
                          value={form.values[d.code] ?? ''}
                          onChange={(e) => setValue(d.code, e.target.value)}
                          aria-describedby={describedBy}
                          aria-invalid={invalid}
                        >
                          <option value="">{strings.observation.booleanUnset}</option>
                          <option value="true">{strings.observation.yes}</option>
                          <option value="false">{strings.observation.no}</option>
                        </select>
                      ) : (
                        <input
                          id={id}
                          data-field={key}
                          inputMode={d.type === 'integer' ? 'numeric' : d.type === 'real' ? 'decimal' : 'text'}
                          value={form.values[d.code] ?? ''}
                          onChange={(e) => setValue(d.code, e.target.value)}
                          aria-describedby={describedBy}
                          aria-invalid={invalid}
                          className={d.type === 'string' ? undefined : 'num-input'}
                        />
                      )
                    }
                  </Field>
                );
              })}
            </div>
          </fieldset>

          <fieldset disabled={deleted}>
            <legend>{strings.observation.location}</legend>
            <div className="segmented" role="radiogroup" aria-label={strings.observation.locationMode}>
              {(['point', 'wkt'] as const).map((m) => (
                <label key={m} className={form.mode === m ? 'is-on' : undefined}>
                  <input
                    type="radio"
                    name="location-mode"
                    value={m}
                    checked={form.mode === m}
                    onChange={() => set({ mode: m })}
                  />
                  {m === 'point' ? strings.observation.modePoint : strings.observation.modeWkt}
                </label>
              ))}
            </div>
            {form.mode === 'point' ? (
              <div className="form-grid">
                <Field
                  label={strings.observation.longitude}
                  unit={strings.observation.degrees}
                  error={errors['x']}
                  hint={strings.observation.longitudeRange}
                >
                  {({ id, describedBy, invalid }) => (
                    <input
                      id={id}
                      data-field="x"
                      inputMode="decimal"
                      className="num-input"
                      value={form.lon}
                      onChange={(e) => set({ lon: e.target.value })}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                    />
                  )}
                </Field>
                <Field
                  label={strings.observation.latitude}
                  unit={strings.observation.degrees}
                  error={errors['y']}
                  hint={strings.observation.latitudeRange}
                >
                  {({ id, describedBy, invalid }) => (
                    <input
                      id={id}
                      data-field="y"
                      inputMode="decimal"
                      className="num-input"
                      value={form.lat}
                      onChange={(e) => set({ lat: e.target.value })}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                    />
                  )}
                </Field>
              </div>
            ) : (
              <Field label={strings.observation.wkt} hint={strings.observation.wktHint} error={errors['wkt']}>
                {({ id, describedBy, invalid }) => (
                  <textarea
                    id={id}
                    data-field="wkt"
                    className="mono"
                    rows={3}
                    value={form.wkt}
                    onChange={(e) => set({ wkt: e.target.value })}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    spellCheck={false}
                  />
                )}
              </Field>
            )}
          </fieldset>
        </div>

        <aside className="obs-form-side">
          <PhotoField current={media} change={photo} onChange={setPhoto} error={errors['photo']} />
          {observation && (
            <section className="panel meta" aria-labelledby="meta-title">
              <h2 id="meta-title">{strings.observation.meta}</h2>
              <dl>
                <dt>{strings.indicator.colState}</dt>
                <dd>
                  <StateBadge state={observation.state} />{' '}
                  <span className="small muted">{strings.stateHelp[observation.state]}</span>
                </dd>
                <dt>{strings.observation.author}</dt>
                <dd>{observation.author ?? strings.common.none}</dd>
                <dt>{strings.observation.updated}</dt>
                <dd>{formatDateTime(observation.updatedAt)}</dd>
                <dt>{strings.observation.serverId}</dt>
                <dd>{observation.id ?? strings.common.none}</dd>
                <dt>{strings.observation.uuid}</dt>
                <dd>
                  <code>{observation.uuid}</code>
                </dd>
              </dl>
            </section>
          )}
        </aside>
      </div>

      <div className="form-actions sticky-actions">
        <button type="submit" className="btn btn-primary" disabled={saving || deleted}>
          {saving ? strings.observation.saving : strings.observation.save}
        </button>
        <button type="button" className="btn" onClick={cancel}>
          {strings.observation.cancel}
        </button>
        <span className="topbar-spacer" />
        {observation && (observation.state === 'rejected' || observation.state === 'modified') && (
          <button type="button" className="btn" onClick={() => setConfirmDiscard(true)}>
            {strings.observation.discardChange}
          </button>
        )}
        {observation && !deleted && (
          <button type="button" className="btn btn-danger" onClick={() => setConfirmDelete(true)}>
            {strings.observation.delete}
          </button>
        )}
      </div>
      <ConfirmDialog
        open={pendingHref !== null}
        title={strings.observation.discardTitle}
        message={strings.observation.discardMessage}
        confirmLabel={strings.observation.discard}
        danger
        onConfirm={discard}
        onCancel={() => setPendingHref(null)}
      />
      <ConfirmDialog
        open={confirmDiscard}
        title={strings.observation.discardChangeTitle}
        message={
          observation?.id === null ? strings.observation.discardChangeUnsent : strings.observation.discardChangeMessage
        }
        confirmLabel={strings.observation.discardChange}
        danger
        onConfirm={() => void doDiscard()}
        onCancel={() => setConfirmDiscard(false)}
      />
      <ConfirmDialog
        open={confirmDelete}
        title={strings.observation.deleteTitle}
        message={strings.observation.deleteMessage}
        confirmLabel={strings.observation.deleteConfirm}
        danger
        onConfirm={() => void doDelete()}
        onCancel={() => setConfirmDelete(false)}
      />
    </form>
  );
}
