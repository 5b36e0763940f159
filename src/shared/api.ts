/**
 * Wire types of the sync API (HTTP bodies), as zod schemas. The server validates what it
 * receives with them and the desktop validates what the server sends; types are derived.
 */
import { z } from 'zod';

export const ApiResponse = z.object({
  code: z.union([z.literal(0), z.literal(1)]),
  type: z.enum(['error', 'success']),
  message: z.string(),
});
export type ApiResponse = z.infer<typeof ApiResponse>;

export const LoginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const LoginResult = z.object({ token: z.string().min(16) });
export type LoginResult = z.infer<typeof LoginResult>;

export const Project = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  media_url: z.string().nullable(),
});
export type Project = z.infer<typeof Project>;

export const SESSION_COOKIE = 'gobs_session';
export const DEVICE_HEADER = 'deviceId';
