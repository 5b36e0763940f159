import { isGobsError, type GobsError } from '../../../shared/errors';
import type { SyncProblem } from '../../../shared/ipc';
import { activeLocale, catalogues, t, type MessageId } from '../i18n';

export function toGobsError(err: unknown): GobsError {
  if (isGobsError(err)) return err;
  return { code: 'internal', message: t('errors.internal') };
}

/**
 * What the user reads. Codes map to our own (translated) sentences. Main's messages are English:
 * a field's validation message is used as is in English only (elsewhere the renderer's own checks
 * name the problem, and the code's sentence stands in), and a reason the server gave for refusing
 * data is quoted inside a sentence of the user's language.
 */
export function errorText(err: unknown): string {
  const e = toGobsError(err);
  const id = `errors.${e.code}`;
  const own = id in catalogues.en ? t(id as MessageId) : t('common.unknownError');
  if (e.code === 'rejected' && e.message) return t('errors.rejectedBecause', { reason: e.message });
  if (e.code === 'invalid_argument' && e.message && activeLocale().language === 'en') return e.message;
  return own;
}

const CAUSES = { not_found: 'notFound', forbidden: 'forbidden', bad_server: 'badFile' } as const;

/** One thing a sync could not do, in the user's language; the server's reason is quoted as it came. */
export function problemText(p: SyncProblem): string {
  if (p.kind === 'refused') {
    const { reason } = p;
    if (p.uuid === null) return t('sync.problem.refusedBatch', { count: p.count, reason });
    return t(`sync.problem.refused.${p.action}`, { uuid: p.uuid, reason });
  }
  const cause = CAUSES[p.error.code as keyof typeof CAUSES];
  const reason = cause ? t(`sync.problem.cause.${cause}`) : errorText(p.error);
  return t(`sync.problem.download.${p.what}`, { name: p.name, reason });
}
