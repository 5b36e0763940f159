import { type ApiErrorItem } from '../shared/api.js';

/** An error that becomes a 4xx ApiResponse; anything else becomes a logged 500 without details. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, errors?: ApiErrorItem[]) =>
  new HttpError(400, message, errors ? { errors } : {});
export const unauthorized = () => new HttpError(401, 'Access token is missing or invalid');
export const forbidden = (message: string) => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new HttpError(409, message, extra);

export function apiError(message: string, extra: Record<string, unknown> = {}) {
  return { code: 0 as const, type: 'error' as const, message, ...extra };
}
export function apiSuccess(message: string, extra: Record<string, unknown> = {}) {
  return { code: 1 as const, type: 'success' as const, message, ...extra };
}
