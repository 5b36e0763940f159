import { useEffect, useState, type FormEvent } from 'react';
import { strings } from '../i18n/strings';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { useAsync } from '../hooks/useAsync';
import { useToast } from '../hooks/useToast';
import { errorText, toGobsError } from '../lib/errors';
import type { GobsError } from '../../../shared/errors';

export function SettingsPage() {
  const settings = useAsync(() => window.gobs.settings.get(), []);
  const toast = useToast();
  const [interval, setIntervalText] = useState('');
  const [error, setError] = useState<GobsError>();
  const s = settings.data;

  useEffect(() => {
    if (s) setIntervalText(String(s.syncIntervalMinutes));
  }, [s]);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setError(undefined);
    const n = Number(interval);
    if (!/^\d+$/.test(interval.trim()) || !Number.isInteger(n)) {
      setError({ code: 'invalid_argument', message: strings.observation.errors.integer, field: 'syncIntervalMinutes' });
      return;
    }
    try {
      await window.gobs.settings.set({ syncIntervalMinutes: n });
      toast({ text: strings.settings.saved });
      settings.reload();
    } catch (err) {
      setError(toGobsError(err));
    }
  }

  return (
    <section className="page settings-page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">{strings.settings.title}</h1>
      </header>
      {settings.error && <ErrorBanner error={settings.error} onRetry={settings.reload} />}
      {s && (
        <div className="settings-grid">
          <section className="panel" aria-labelledby="account-title">
            <h2 id="account-title">{strings.settings.account}</h2>
            <dl className="kv">
              <dt>{strings.settings.server}</dt>
              <dd>{s.serverUrl ?? strings.settings.notSet}</dd>
              <dt>{strings.settings.user}</dt>
              <dd>{s.username ?? strings.settings.notSet}</dd>
              <dt>{strings.settings.deviceId}</dt>
              <dd>
                <code>{s.deviceId}</code>
              </dd>
              <dt>{strings.settings.dataDir}</dt>
              <dd>
                <code>{s.dataDir}</code>
              </dd>
            </dl>
          </section>
          <form className="panel" onSubmit={(e) => void save(e)} aria-labelledby="sync-settings-title" noValidate>
            <h2 id="sync-settings-title">{strings.settings.sync}</h2>
            <Field
              label={`${strings.settings.interval} (${strings.settings.intervalUnit})`}
              hint={strings.settings.intervalHint}
              error={
                error?.field === 'syncIntervalMinutes' || error?.code === 'invalid_argument'
                  ? errorText(error)
                  : undefined
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
                {strings.settings.save}
              </button>
            </div>
          </form>
          <section className="panel" aria-labelledby="about-title">
            <h2 id="about-title">{strings.settings.about}</h2>
            <p className="muted">{strings.settings.aboutText}</p>
            <dl className="kv">
              <dt>{strings.settings.version}</dt>
              <dd>{s.appVersion}</dd>
              <dt>{strings.settings.logFile}</dt>
              <dd>{s.logFile ? <code>{s.logFile}</code> : strings.settings.notSet}</dd>
            </dl>
          </section>
        </div>
      )}
    </section>
  );
}
