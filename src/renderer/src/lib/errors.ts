import { isGobsError, type GobsError } from '../../../shared/errors';
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
