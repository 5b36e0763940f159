import type { ErrorCode, GobsError } from '../shared/errors';

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

/** A failure the user is told of without stopping what runs: ours and the machine's as they are, a bug as internal. */
export function reportedError(err: unknown): GobsError {
  const known = err instanceof AppError ? err : machineError(err);
  if (known) return known.toJSON();
  console.error('unexpected failure', err);
  return { code: 'internal', message: 'Something went wrong in G-Obs. Details are in the application log.' };
}
