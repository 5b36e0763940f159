import { isGobsError, type ErrorCode, type GobsError } from '../shared/errors';

/** An error meant for the user: its message is shown as is in the renderer. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): GobsError {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** Errors of the machine itself that the user can act on, told apart from bugs by their code. */
export function machineError(err: unknown): AppError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      'disk_full',
      'The disk is full: G-Obs stopped before writing anything partial. Free some space, then try again; nothing was lost.',
    );
  }
  return null;
}

/**
 * A failure as the renderer may see it: ours and the machine's as they are, anything else (a bug)
 * logged in main and given to the user as internal, without its details.
 */
export function reportedError(
  err: unknown,
  log: (err: unknown) => void = (e) => console.error('unexpected failure', e),
): GobsError {
  const known = err instanceof AppError ? err : machineError(err);
  if (known) return known.toJSON();
  if (isGobsError(err)) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  log(err);
  return { code: 'internal', message: 'Something went wrong in G-Obs. Details are in the application log.' };
}
