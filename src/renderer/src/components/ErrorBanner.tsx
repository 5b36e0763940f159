import { errorText } from '../lib/errors';
import { strings } from '../i18n/strings';

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="banner banner-error" role="alert">
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {strings.common.retry}
        </button>
      )}
    </div>
  );
}
