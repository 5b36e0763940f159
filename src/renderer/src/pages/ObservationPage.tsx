import { lazy, Suspense, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { t } from '../i18n';
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
import {
  formatInstant,
  formatList,
  formatNumberInput,
  nowTimestampInput,
  parseNumber,
  parseTimestamp,
  timestampPattern,
  toTimestampInput,
} from '../lib/format';
import { validateForm, type FieldErrors, type FormState } from '../lib/validate';
import {
  LIZMAP_MEDIA_TYPES,
  type IndicatorSummary,
  type MediaContent,
  type ObservationDetail,
  type SpatialObjectSummary,
} from '../../../shared/ipc';
import type { Geometry } from '../../../shared/geometry';
import { formatWkt, parseWkt, wktGeometryType } from '../../../shared/wkt';
import type { GobsError } from '../../../shared/errors';

// MapLibre loads with the first form that shows the map, not with the app.
const LocationPicker = lazy(() => import('../components/LocationPicker').then((m) => ({ default: m.LocationPicker })));

interface Props {
  projectKey: string;
  indicatorCode: string;
  /** Absent for a new observation. */
  uuid?: string;
}

export function ObservationPage({ projectKey, indicatorCode, uuid }: Props) {
  const indicator = useAsync(() => window.gobs.indicators.get({ indicatorCode }), [indicatorCode]);
  const { status } = useSession();
  // A Lizmap server's list does not say whether the editing window has passed: read the
  // observation from the server before showing it for editing (the stored copy when offline).
  const fresh = status.serverKind === 'lizmap-gobs';
  const existing = useAsync<ObservationDetail | null>(
    () =>
      uuid
        ? fresh
          ? window.gobs.observations.refresh({ uuid })
          : window.gobs.observations.get({ uuid })
        : Promise.resolve(null),
    [uuid, fresh],
  );
  const projectLabel = useProjectLabel(projectKey);
  const ind = indicator.data;
  const title = ind
    ? uuid
      ? t('observation.editTitle', { indicator: ind.label })
      : t('observation.newTitle', { indicator: ind.label })
    : '';

  return (
    <section className="page" aria-labelledby="obs-form-title">
      <header className="page-header">
        <div>
          <Breadcrumb
            items={[
              { label: t('nav.projects'), href: routeHref({ name: 'projects' }) },
              { label: projectLabel, href: routeHref({ name: 'project', projectKey }) },
              { label: ind?.label ?? indicatorCode, href: routeHref({ name: 'indicator', projectKey, indicatorCode }) },
              { label: uuid ? t('observation.crumb') : t('indicator.newObservation') },
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
          <p className="banner banner-warning">{t('observation.notFound')}</p>
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
    values[d.code] = v === null || v === undefined ? '' : typeof v === 'number' ? formatNumberInput(v) : String(v);
  }
  const isPoint = !o?.wkt || wktGeometryType(o.wkt) === 'Point';
  return {
    objectId: o?.objectId ?? '',
    end: o?.endTimestamp ? toTimestampInput(o.endTimestamp, indicator.dateFormat) : '',
    timestamp: o ? toTimestampInput(o.timestamp, indicator.dateFormat) : nowTimestampInput(indicator.dateFormat),
    values,
    mode: indicator.geometry === 'object' ? 'object' : isPoint ? 'point' : 'wkt',
    lon: o ? formatNumberInput(o.x) : '',
    lat: o ? formatNumberInput(o.y) : '',
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
      ? { [observation.errorField]: t('observation.serverSays', { message: observation.error }) }
      : {},
  );
  const summaryOf = (errs: FieldErrors): string => {
    const names = Object.keys(errs).map((f) => fieldLabel(f) ?? f);
    return t('observation.errors.summary', { count: names.length, names: formatList(names) });
  };
  const fieldLabel = (field: string | null): string | null => {
    if (!field) return null;
    const known: Record<string, string> = {
      timestamp: t('observation.timestamp'),
      photo: t('observation.photo'),
      x: t('observation.longitude'),
      y: t('observation.latitude'),
      wkt: t('observation.wkt'),
      objectId: t('observation.spatialObject'),
      endTimestamp: t('observation.endTimestamp'),
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
  const onObjects = indicator.geometry === 'object';
  const objects = useAsync<SpatialObjectSummary[]>(
    () => (onObjects ? window.gobs.indicators.objects({ indicatorCode: indicator.code }) : Promise.resolve([])),
    [indicator.code, onObjects],
  );
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
  const mapContext = useAsync(
    () =>
      Promise.all([
        window.gobs.settings.get(),
        window.gobs.projects.extent({ projectKey }),
        window.gobs.projects.layers({ projectKey }).catch(() => ({ file: null, layers: [] })),
      ]),
    [projectKey],
  );
  /** What the location fields describe, read by the shared rule (null while empty or invalid). */
  const geometry = useMemo<Geometry | null>(() => {
    if (form.mode === 'point') {
      const lon = parseNumber(form.lon);
      const lat = parseNumber(form.lat);
      return lon !== null && lat !== null && Math.abs(lon) <= 180 && Math.abs(lat) <= 90
        ? { type: 'Point', coordinates: [lon, lat] }
        : null;
    }
    try {
      return parseWkt(form.wkt);
    } catch {
      return null;
    }
  }, [form.mode, form.lon, form.lat, form.wkt]);
  const pickPoint = (lon: number, lat: number) => {
    if (form.mode === 'point') set({ lon: formatNumberInput(lon), lat: formatNumberInput(lat) });
    // A line or polygon is not replaced by a click: only an empty field or a point moves.
    else if (!form.wkt.trim() || geometry?.type === 'Point')
      set({ wkt: formatWkt({ type: 'Point', coordinates: [lon, lat] }) });
  };
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
    // The series' geometry may be learnt after the form opened (the project's GeoPackage comes with the sync).
    const checked = onObjects ? { ...form, mode: 'object' as const } : form;
    const { parsed, errors: errs } = validateForm(checked, indicator.dimensions, indicator.dateFormat);
    // An end time, on a server that keeps one (Lizmap series): optional, read like the start.
    const endText = form.end ?? '';
    const endUntouched =
      observation?.endTimestamp != null && endText === toTimestampInput(observation.endTimestamp, indicator.dateFormat);
    const end =
      endText.trim() === ''
        ? null
        : endUntouched
          ? observation.endTimestamp
          : parseTimestamp(endText, indicator.dateFormat);
    if (endText.trim() !== '' && end === null) errs['endTimestamp'] = t('observation.errors.timestamp');
    setErrors(errs);
    if (errs['endTimestamp']) {
      setSummary(summaryOf(errs));
      focusFirstError(errs);
      return;
    }
    if (!parsed) {
      setSummary(summaryOf(errs));
      focusFirstError(errs);
      return;
    }
    setSummary(undefined);
    setSaving(true);
    try {
      // A time the user did not touch goes back exactly as stored, not rounded to the input's precision.
      const untouched = observation && form.timestamp === toTimestampInput(observation.timestamp, indicator.dateFormat);
      const timestamp = untouched ? observation.timestamp : parsed.timestamp;
      // On a shared object only the object is named: its geometry is the server's.
      const fields =
        checked.mode === 'object'
          ? { timestamp, values: parsed.values, ...(parsed.objectId ? { objectId: parsed.objectId } : {}) }
          : { timestamp, values: parsed.values, x: parsed.x, y: parsed.y, wkt: parsed.wkt };
      const withEnd = indicator.series ? { ...fields, endTimestamp: end } : fields;
      let saved = observation
        ? await window.gobs.observations.update({ uuid: observation.uuid, ...withEnd })
        : await window.gobs.observations.create({ indicatorCode: code, ...withEnd });
      if (photo.file) {
        saved = await window.gobs.media.attach({
          uuid: saved.uuid,
          fileName: photo.file.name,
          dataBase64: await readBase64(photo.file),
        });
      } else if (photo.remove && observation?.hasMedia) {
        saved = await window.gobs.media.remove({ uuid: saved.uuid });
      }
      toast({ text: saved.state === 'synced' ? t('observation.savedSynced') : t('observation.saved') });
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
        text: t('observation.deleted'),
        action: {
          label: t('observation.undo'),
          run: async () => {
            try {
              await window.gobs.observations.restore({ uuid });
              toast({ text: t('observation.restored') });
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
        toast({ text: t('observation.discardedRemoved') });
        back();
      } else {
        toast({ text: t('observation.discardedChange') });
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
      toast({ text: t('observation.restored') });
      onReload();
    } catch (err) {
      setSaveError(toGobsError(err));
    }
  }

  const someoneElses = Boolean(observation?.author && status.username && observation.author !== status.username);
  const deleted = observation?.state === 'deleted';
  const readOnly = observation?.editable === false;
  const locked = deleted || readOnly;
  // Once on the server, a shared object's place stays: the module would rewrite the object itself.
  const placeFixed = observation !== null && observation.id !== null;

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
            <strong>{t('common.labelColon', { label: t('observation.refusedBy') })} </strong>
            {fieldLabel(observation.errorField)
              ? t('common.labelValue', { label: fieldLabel(observation.errorField), value: observation.error })
              : observation.error}
          </span>
        </div>
      )}
      {observation?.state === 'conflict' && (
        <div className="banner banner-warning">
          <span>{t('observation.conflictNote')}</span>
          <a className="btn btn-small" href={routeHref({ name: 'conflicts' })}>
            {t('observation.resolveConflict')}
          </a>
        </div>
      )}
      {readOnly && (
        <p className="banner banner-info" role="note" data-testid="read-only">
          {t(`observation.readOnly.${observation?.notEditable ?? 'server'}`)}
        </p>
      )}
      {!readOnly && someoneElses && observation?.author && observation.state === 'synced' && (
        <p className="banner banner-info">{t('observation.othersAuthor', { author: observation.author })}</p>
      )}
      {deleted && (
        <div className="banner banner-warning">
          <span>{t('stateHelp.deleted')}</span>
          <button type="button" className="btn btn-small" onClick={() => void restore()}>
            {t('observation.restore')}
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
          <fieldset disabled={locked}>
            <legend>{t('observation.values')}</legend>
            <div className="form-grid">
              <Field
                label={t('observation.timestamp')}
                hint={t('observation.timestampHint', {
                  precision: t(`indicator.dateFormats.${indicator.dateFormat}`),
                  pattern: timestampPattern(indicator.dateFormat),
                })}
                error={errors['timestamp']}
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    data-field="timestamp"
                    type="text"
                    inputMode={indicator.dateFormat === 'year' ? 'numeric' : 'text'}
                    autoComplete="off"
                    spellCheck={false}
                    value={form.timestamp}
                    onChange={(e) => set({ timestamp: e.target.value })}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    required
                  />
                )}
              </Field>
              {indicator.series && (
                <Field
                  label={t('observation.endTimestamp')}
                  hint={t('observation.endTimestampHint', { pattern: timestampPattern(indicator.dateFormat) })}
                  error={errors['endTimestamp']}
                >
                  {({ id, describedBy, invalid }) => (
                    <input
                      id={id}
                      data-field="endTimestamp"
                      type="text"
                      autoComplete="off"
                      spellCheck={false}
                      value={form.end ?? ''}
                      onChange={(e) => set({ end: e.target.value })}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                    />
                  )}
                </Field>
              )}
              {indicator.dimensions.map((d) => {
                const key = `values.${d.code}`;
                return (
                  <Field
                    key={d.code}
                    label={d.name}
                    unit={d.unit ?? undefined}
                    error={errors[key]}
                    hint={t(`indicator.dimensionTypes.${d.type}`)}
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
                          <option value="">{t('observation.booleanUnset')}</option>
                          <option value="true">{t('observation.yes')}</option>
                          <option value="false">{t('observation.no')}</option>
                        </select>
                      ) : d.type === 'date' || d.type === 'timestamp' ? (
                        <input
                          id={id}
                          data-field={key}
                          type={d.type === 'date' ? 'date' : 'datetime-local'}
                          step={d.type === 'timestamp' ? 1 : undefined}
                          value={(form.values[d.code] ?? '').replace(' ', 'T')}
                          onChange={(e) => setValue(d.code, e.target.value)}
                          aria-describedby={describedBy}
                          aria-invalid={invalid}
                        />
                      ) : d.type === 'text' ? (
                        <textarea
                          id={id}
                          data-field={key}
                          rows={3}
                          value={form.values[d.code] ?? ''}
                          onChange={(e) => setValue(d.code, e.target.value)}
                          aria-describedby={describedBy}
                          aria-invalid={invalid}
                        />
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

          <fieldset disabled={locked}>
            <legend>{t('observation.location')}</legend>
            {onObjects ? (
              <Field
                label={t('observation.spatialObject')}
                hint={
                  placeFixed
                    ? t('observation.spatialObjectFixed')
                    : t('observation.spatialObjectHint', { layer: indicator.series?.layerCode ?? '' })
                }
                error={
                  errors['objectId'] ?? (objects.data?.length === 0 ? t('observation.spatialObjectNone') : undefined)
                }
              >
                {({ id, describedBy, invalid }) => (
                  <select
                    id={id}
                    data-field="objectId"
                    value={form.objectId ?? ''}
                    disabled={placeFixed}
                    onChange={(e) => set({ objectId: e.target.value })}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                  >
                    {!form.objectId && (
                      <option value="">
                        {placeFixed && observation
                          ? t('observation.spatialObjectUnknown', {
                              x: formatNumberInput(observation.x),
                              y: formatNumberInput(observation.y),
                            })
                          : t('observation.spatialObjectPick')}
                      </option>
                    )}
                    {(objects.data ?? []).map((o) => (
                      <option key={o.uniqueId} value={o.uniqueId}>
                        {o.label === o.uniqueId ? o.label : `${o.label} (${o.uniqueId})`}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : (
              <>
                <div className="segmented" role="radiogroup" aria-label={t('observation.locationMode')}>
                  {(['point', 'wkt'] as const).map((m) => (
                    <label key={m} className={form.mode === m ? 'is-on' : undefined}>
                      <input
                        type="radio"
                        name="location-mode"
                        value={m}
                        checked={form.mode === m}
                        onChange={() => set({ mode: m })}
                      />
                      {m === 'point' ? t('observation.modePoint') : t('observation.modeWkt')}
                    </label>
                  ))}
                </div>
                {form.mode === 'point' ? (
                  <div className="form-grid">
                    <Field
                      label={t('observation.longitude')}
                      unit={t('observation.degrees')}
                      error={errors['x']}
                      hint={t('observation.longitudeRange')}
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
                      label={t('observation.latitude')}
                      unit={t('observation.degrees')}
                      error={errors['y']}
                      hint={t('observation.latitudeRange')}
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
                  <Field label={t('observation.wkt')} hint={t('observation.wktHint')} error={errors['wkt']}>
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
              </>
            )}
            {mapContext.data && (
              <Suspense fallback={null}>
                <LocationPicker
                  geometry={geometry}
                  fallback={mapContext.data[1].extent}
                  basemap={mapContext.data[0].basemap}
                  layers={mapContext.data[2].layers}
                  disabled={locked || onObjects}
                  onPick={pickPoint}
                />
              </Suspense>
            )}
          </fieldset>
        </div>

        <aside className="obs-form-side">
          <PhotoField
            current={media}
            change={photo}
            onChange={setPhoto}
            error={errors['photo']}
            disabled={locked}
            accepted={status.serverKind === 'lizmap-gobs' ? LIZMAP_MEDIA_TYPES : undefined}
          />
          {observation && (
            <section className="panel meta" aria-labelledby="meta-title">
              <h2 id="meta-title">{t('observation.meta')}</h2>
              <dl>
                <dt>{t('indicator.colState')}</dt>
                <dd>
                  <StateBadge state={observation.state} />{' '}
                  <span className="small muted">
                    {t(
                      readOnly && observation.state === 'rejected'
                        ? 'stateHelp.rejectedReadOnly'
                        : `stateHelp.${observation.state}`,
                    )}
                  </span>
                </dd>
                <dt>{t('observation.author')}</dt>
                <dd>{observation.author ?? t('common.none')}</dd>
                <dt>{t('observation.updated')}</dt>
                <dd>{formatInstant(observation.updatedAt)}</dd>
                <dt>{t('observation.serverId')}</dt>
                <dd>{observation.id ?? t('common.none')}</dd>
                <dt>{t('observation.uuid')}</dt>
                <dd>
                  <code>{observation.uuid}</code>
                </dd>
              </dl>
            </section>
          )}
        </aside>
      </div>

      <div className="form-actions sticky-actions">
        {!readOnly && (
          <button type="submit" className="btn btn-primary" disabled={saving || deleted}>
            {saving ? t('observation.saving') : t('observation.save')}
          </button>
        )}
        <button type="button" className="btn" onClick={cancel}>
          {t('observation.cancel')}
        </button>
        <span className="topbar-spacer" />
        {observation && (observation.state === 'rejected' || observation.state === 'modified') && (
          <button type="button" className="btn" onClick={() => setConfirmDiscard(true)}>
            {t('observation.discardChange')}
          </button>
        )}
        {observation && !locked && (
          <button type="button" className="btn btn-danger" onClick={() => setConfirmDelete(true)}>
            {t('observation.delete')}
          </button>
        )}
      </div>
      <ConfirmDialog
        open={pendingHref !== null}
        title={t('observation.discardTitle')}
        message={t('observation.discardMessage')}
        confirmLabel={t('observation.discard')}
        danger
        onConfirm={discard}
        onCancel={() => setPendingHref(null)}
      />
      <ConfirmDialog
        open={confirmDiscard}
        title={t('observation.discardChangeTitle')}
        message={
          observation?.id === null ? t('observation.discardChangeUnsent') : t('observation.discardChangeMessage')
        }
        confirmLabel={t('observation.discardChange')}
        danger
        onConfirm={() => void doDiscard()}
        onCancel={() => setConfirmDiscard(false)}
      />
      <ConfirmDialog
        open={confirmDelete}
        title={t('observation.deleteTitle')}
        message={t('observation.deleteMessage')}
        confirmLabel={t('observation.deleteConfirm')}
        danger
        onConfirm={() => void doDelete()}
        onCancel={() => setConfirmDelete(false)}
      />
    </form>
  );
}
