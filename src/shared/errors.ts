/**
 * Errors that cross the IPC bridge. They are plain data (structured-clone safe) so the
 * renderer gets the same shape from Electron's contextBridge and from the e2e harness,
 * and they never carry a stack trace.
 */
export const ERROR_CODES = [
  'invalid_argument', // an IPC argument failed its schema; `field` names it
  'unauthorized', // no session, or the server refused it (expired/revoked): log in again
  'invalid_credentials',
  'insecure_connection', // plain http to another computer: the user must confirm it (once per server)
  'offline', // the server could not be reached
  'bad_server', // the URL answers but is not a G-Obs server
  'not_found',
  'forbidden',
  'conflict',
  'rejected', // the server refused the data; `message` is the server's
  'busy',
  'cancelled',
  'disk_full', // the computer's disk (or the store's quota) is full: nothing was lost, free space and retry
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface GobsError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Dotted path of the offending field, when the error is about one. */
  readonly field?: string;
}

export function isGobsError(value: unknown): value is GobsError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GobsError).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as GobsError).code)
  );
}

/** What a handler result looks like on the wire between main and preload. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: GobsError };
