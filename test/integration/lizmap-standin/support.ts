/**
 * Shared by the stand-in's own tests: whether it can run here (PostgreSQL with PostGIS through
 * DATABASE_URL; skipped loudly otherwise, a failure in CI), and small helpers.
 */
import { expect } from 'vitest';
import { type ObservationInput, type StandinResponse, lizmapStandinAvailable } from '../../standins/lizmap/index.js';

export const available = lizmapStandinAvailable();

/** The module's error answer: `{"code":0,"status":"error","message":…}` with this status. */
export function expectError(res: StandinResponse, status: number, message: string | RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body as object)).toEqual(['code', 'status', 'message']);
  const body = res.body as { code: number; status: string; message: string };
  expect(body.code).toBe(0);
  expect(body.status).toBe('error');
  if (typeof message === 'string') expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
}

export function expectSuccess(res: StandinResponse, message: string): void {
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ code: 1, status: 'success', message });
}

export const DETAIL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
export const LIST_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
export const LOWER_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let minute = 0;
/** A hiker position inside test_project_a's east part, at a start time no other test uses. */
export function hikerPosition(overrides: Partial<ObservationInput> = {}): ObservationInput {
  minute++;
  const start = new Date(Date.UTC(2025, 4, 1, 6, 0, 0) + minute * 61_000);
  return {
    series: 3,
    indicator: 'hiker_position',
    start_timestamp: start.toISOString().slice(0, 19).replace('T', ' '),
    end_timestamp: null,
    wkt: `POINT(${(-3.7 + minute * 0.0001).toFixed(6)} 48.45)`,
    values: [300 + minute],
    ...overrides,
  };
}
