import { useEffect, useState, type FormEvent } from 'react';
import { LANGUAGE_NAMES, resolveLocale, t } from '../i18n';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { useAsync } from '../hooks/useAsync';
import { useLanguage } from '../hooks/useLanguage';
import { useToast } from '../hooks/useToast';
import { errorText, toGobsError } from '../lib/errors';
import { LANGUAGES, LanguagePreference } from '../../../shared/ipc';
import type { GobsError } from '../../../shared/errors';
import { BASEMAP } from '../../../shared/basemap';

const MAX_INTERVAL = 1440;

export function SettingsPage() {
  const settings = useAsync(() => window.gobs.settings.get(), []);
  const toast = useToast();
  const [interval, setIntervalText] = useState('');
  const [error, setError] = useState<GobsError>();
  /** The renderer's own check, in the user's language. */
  const [intervalError, setIntervalError] = useState<string>();
  const s = settings.data;

  useEffect(() => {
    if (s) setIntervalText(String(s.syncIntervalMinutes));
  }, [s]);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setError(undefined);
    setIntervalError(undefined);
    const n = Number(interval);
    if (!/^\d+$/.test(interval.trim()) || !Number.isInteger(n) || n > MAX_INTERVAL) {
      setIntervalError(t('settings.intervalRange', { max: MAX_INTERVAL }));
      return;
    }
    try {
      await window.gobs.settings.set({ syncIntervalMinutes: n });
      toast({ text: t('settings.saved') });
      settings.reload();
    } catch (err) {
      setError(toGobsError(err));
    }
  }

  return (
    <section className="page settings-page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">{t('settings.title')}</h1>
      </header>
      {settings.error && <ErrorBanner error={settings.error} onRetry={settings.reload} />}
      {s && (
        <div className="settings-grid">
          <section className="panel" aria-labelledby="account-title">
            <h2 id="account-title">{t('settings.account')}</h2>
            <dl className="kv">
              <dt>{t('settings.server')}</dt>
              <dd>{s.serverUrl ?? t('settings.notSet')}</dd>
              {s.serverKind && (
                <>
                  <dt>{t('settings.serverKind')}</dt>
                  <dd data-testid="server-kind">
                    {t(`serverKind.${s.serverKind}`)}
                    {s.serverKind === 'lizmap-gobs' && <p className="small muted">{t('serverKind.lizmapNote')}</p>}
                  </dd>
                </>
              )}
              <dt>{t('settings.user')}</dt>
              <dd>{s.username ?? t('settings.notSet')}</dd>
              <dt>{t('settings.deviceId')}</dt>
              <dd>
                <code>{s.deviceId}</code>
              </dd>
              <dt>{t('settings.dataDir')}</dt>
              <dd>
                <code>{s.dataDir}</code>
              </dd>
            </dl>
          </section>
          <form className="panel" onSubmit={(e) => void save(e)} aria-labelledby="sync-settings-title" noValidate>
            <h2 id="sync-settings-title">{t('settings.sync')}</h2>
            <Field
              label={`${t('settings.interval')} (${t('settings.intervalUnit')})`}
              hint={t('settings.intervalHint')}
              error={
                intervalError ??
                (error?.field === 'syncIntervalMinutes' || error?.code === 'invalid_argument'
                  ? errorText(error)
                  : undefined)
              }
            >
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  inputMode="numeric"
                  className="num-input narrow"
                  value={interval}
                  onChange={(e) => setIntervalText(e.target.value)}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                />
              )}
            </Field>
            {error && error.code !== 'invalid_argument' && <ErrorBanner error={error} />}
            <div className="form-actions">
              <button type="submit" className="btn btn-primary">
                {t('settings.save')}
              </button>
            </div>
          </form>
          <LanguagePanel />
          <MapPanel enabled={s.basemap} onChanged={settings.reload} />
          <section className="panel" aria-labelledby="about-title">
            <h2 id="about-title">{t('settings.about')}</h2>
            <p className="muted">{t('settings.aboutText')}</p>
            <dl className="kv">
              <dt>{t('settings.version')}</dt>
              <dd>{s.appVersion}</dd>
              <dt>{t('settings.logFile')}</dt>
              <dd>{s.logFile ? <code>{s.logFile}</code> : t('settings.notSet')}</dd>
            </dl>
          </section>
        </div>
      )}
    </section>
  );
}

function LanguagePanel() {
  const language = useLanguage();
  const [error, setError] = useState<GobsError>();
  const system = LANGUAGE_NAMES[resolveLocale('system', language.systemLanguages).language];
  return (
    <section className="panel" aria-labelledby="language-title">
      <h2 id="language-title">{t('settings.language')}</h2>
      <Field label={t('settings.languageLabel')} hint={t('settings.languageHint')}>
        {({ id, describedBy }) => (
          <select
            id={id}
            value={language.preference}
            aria-describedby={describedBy}
            onChange={(e) => {
              setError(undefined);
              language.setPreference(LanguagePreference.parse(e.target.value)).catch((err: unknown) => {
                setError(toGobsError(err));
              });
            }}
          >
            <option value="system">{t('settings.languageSystem', { language: system })}</option>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {error && <ErrorBanner error={error} />}
    </section>
  );
}

/**
 * The online basemap. The CSP main sends allows its origin only while it is on, and a page keeps the
 * policy it was loaded with: the window reloads after the change.
 */
function MapPanel({ enabled, onChanged }: { enabled: boolean; onChanged(): void }) {
  const [error, setError] = useState<GobsError>();
  const [busy, setBusy] = useState(false);
  return (
    <section className="panel" aria-labelledby="map-settings-title">
      <h2 id="map-settings-title">{t('settings.map')}</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={enabled}
          disabled={busy}
          aria-describedby="basemap-hint"
          onChange={(e) => {
            setError(undefined);
            setBusy(true);
            window.gobs.settings.set({ basemap: e.target.checked }).then(
              () => {
                onChanged();
                location.reload();
              },
              (err: unknown) => {
                setBusy(false);
                setError(toGobsError(err));
              },
            );
          }}
        />
        <span>{t('settings.basemap')}</span>
      </label>
      <p id="basemap-hint" className="small muted">
        {t('settings.basemapHint', { origin: BASEMAP.origin })}
      </p>
      {error && <ErrorBanner error={error} />}
    </section>
  );
}
