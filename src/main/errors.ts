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
