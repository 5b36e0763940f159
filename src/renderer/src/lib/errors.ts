import { isGobsError, type GobsError } from '../../../shared/errors';
import { strings } from '../i18n/strings';

export function toGobsError(err: unknown): GobsError {
  if (isGobsError(err)) return err;
  return { code: 'internal', message: strings.errors.internal };
}

/**
 * What the user reads. Codes map to our own (translatable) sentences; the messages main
 * sends are used where they carry specifics only main knows: a field's validation message
 * and the server's reason for refusing data.
 */
export function errorText(err: unknown): string {
  const e = toGobsError(err);
  if ((e.code === 'invalid_argument' || e.code === 'rejected') && e.message) return e.message;
  return strings.errors[e.code] ?? strings.common.unknownError;
}
