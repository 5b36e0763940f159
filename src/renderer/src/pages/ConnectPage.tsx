import { useRef, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field } from '../components/Field';
import { t } from '../i18n';
import { errorText, toGobsError } from '../lib/errors';
import { hostOf } from '../lib/format';
import { useSession } from '../hooks/useSession';
import { navigate } from '../hooks/useRoute';
import type { GobsError } from '../../../shared/errors';

const DEFAULT_URL = 'http://127.0.0.1:8765/api';
type FieldName = 'serverUrl' | 'username' | 'password';

export function ConnectPage() {
  const { status, setStatus, expired, workOffline } = useSession();
  const [serverUrl, setServerUrl] = useState(status.serverUrl ?? DEFAULT_URL);
  const [username, setUsername] = useState(status.username ?? '');
  const [password, setPassword] = useState('');
  const [rememberPassword, setRememberPassword] = useState(status.passwordRemembered);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<GobsError>();
  const [confirmInsecure, setConfirmInsecure] = useState(false);
  const refs = {
    serverUrl: useRef<HTMLInputElement>(null),
    username: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  const fieldOf = (e: GobsError | undefined): FieldName | undefined => {
    if (!e) return undefined;
    // Which of the two is wrong is unknown (and not to be revealed): a form-level message.
    if (e.code === 'invalid_credentials') return undefined;
    if (e.field === 'serverUrl' || e.field === 'username' || e.field === 'password') return e.field;
    if (e.code === 'offline' || e.code === 'bad_server') return 'serverUrl';
    return undefined;
  };
  const errorField = fieldOf(error);

  async function submit(ev?: FormEvent, allowInsecure = false) {
    ev?.preventDefault();
    setBusy(true);
    setError(undefined);
    setConfirmInsecure(false);
    try {
      const next = await window.gobs.auth.login({
        serverUrl,
        username,
        password,
        rememberPassword,
        ...(allowInsecure ? { allowInsecure } : {}),
      });
      setPassword('');
      setStatus(next);
      navigate({ name: 'projects' }, true);
    } catch (err) {
      const e = toGobsError(err);
      if (e.code === 'insecure_connection') {
        // Not an error yet: the user decides whether this server may be reached in clear.
        setConfirmInsecure(true);
        return;
      }
      setError(e);
      setPassword(e.code === 'invalid_credentials' ? '' : password);
      const f = fieldOf(e) ?? (e.code === 'invalid_credentials' ? 'password' : undefined);
      if (f) refs[f].current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const msg = (f: FieldName) => (error && errorField === f ? errorText(error) : undefined);

  return (
    <div className="connect-page">
      <form className="card connect-card" onSubmit={submit} aria-labelledby="connect-title" noValidate>
        <div className="connect-brand" aria-hidden="true">
          <span className="brand-mark">G</span>
          <span>{t('appName')}</span>
        </div>
        <h1 id="connect-title">{t('connect.title')}</h1>
        <p className="muted">{t('connect.intro')}</p>
        {expired && !error && (
          <div className="banner banner-warning" role="status">
            {t('connect.sessionExpired')}
          </div>
        )}
        {error && !errorField && (
          <div className="banner banner-error" role="alert">
            {errorText(error)}
          </div>
        )}
        <Field label={t('connect.serverUrl')} hint={t('connect.serverUrlHint')} error={msg('serverUrl')}>
          {({ id, describedBy, invalid }) => (
            <input
              ref={refs.serverUrl}
              id={id}
              type="url"
              inputMode="url"
              autoComplete="url"
              spellCheck={false}
              value={serverUrl}
              onChange={(e) => setServerUrl(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              required
            />
          )}
        </Field>
        <Field label={t('connect.username')} error={msg('username')}>
          {({ id, describedBy, invalid }) => (
            <input
              ref={refs.username}
              id={id}
              autoComplete="username"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              required
              autoFocus={Boolean(status.serverUrl)}
            />
          )}
        </Field>
        <Field label={t('connect.password')} error={msg('password')}>
          {({ id, describedBy, invalid }) => (
            <input
              ref={refs.password}
              id={id}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              required
            />
          )}
        </Field>
        <label className="checkbox-row">
          <input type="checkbox" checked={rememberPassword} onChange={(e) => setRememberPassword(e.target.checked)} />{' '}
          <span className="small">{t('connect.remember')}</span>
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('connect.submitting') : t('connect.submit')}
          </button>
        </div>
        {status.username && (
          <div className="offline-choice">
            <span className="muted small">{t('connect.or')}</span>
            <button type="button" className="btn" onClick={() => workOffline(true)}>
              {t('connect.offlineContinue', { user: status.username })}
            </button>
            <span className="muted small">{t('connect.offlineContinueHint')}</span>
          </div>
        )}
        <dl className="device-id">
          <dt>{t('connect.deviceId')}</dt>
          <dd>
            <code aria-label={t('connect.deviceId')}>{status.deviceId}</code>
          </dd>
          <dd className="muted small">{t('connect.deviceIdHint')}</dd>
        </dl>
      </form>
      <ConfirmDialog
        open={confirmInsecure}
        title={t('connect.insecureTitle')}
        message={t('connect.insecureMessage', { server: hostOf(serverUrl) })}
        confirmLabel={t('connect.insecureConfirm')}
        danger
        onConfirm={() => void submit(undefined, true)}
        onCancel={() => setConfirmInsecure(false)}
      />
    </div>
  );
}
