import { useEffect } from 'react';
import { t } from '../i18n';
import type { ToastMessage } from '../hooks/useToast';

const VISIBLE_MS = 10_000;

export function Toast({ toast, onClose }: { toast: ToastMessage | null; onClose(): void }) {
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onClose, VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [toast, onClose]);
  if (!toast) return null;
  return (
    <div
      className={`toast${toast.tone === 'error' ? ' toast-error' : ''}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
    >
      <span>{toast.text}</span>
      {toast.action && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            const action = toast.action;
            onClose();
            void action?.run();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="btn btn-small" aria-label={t('common.close')} onClick={onClose}>
        ×
      </button>
    </div>
  );
}
