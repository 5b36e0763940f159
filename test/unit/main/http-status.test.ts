import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { statusError } from '../../../src/main/remote/http';

const answer = (status: number, data: unknown = { code: 0, type: 'error', message: 'from the server' }) =>
  ({ status, data, headers: {}, statusText: '', config: {} }) as AxiosResponse;

describe('server status → desktop error', () => {
  it('treats temporary server failures as "retry later" (offline), never as a broken server', () => {
    for (const s of [429, 500, 502, 503, 504]) {
      const e = statusError(answer(s));
      expect(e.code, String(s)).toBe('offline');
      expect(e.message).toContain(`${s}: from the server`);
    }
    expect(statusError(answer(503, '<html>gateway</html>')).message).toMatch(/temporarily unavailable \(503\)/);
  });

  it('keeps permanent answers permanent', () => {
    expect(statusError(answer(501)).code).toBe('bad_server');
    expect(statusError(answer(505)).code).toBe('bad_server');
    expect(statusError(answer(418)).code).toBe('bad_server');
    expect(statusError(answer(400)).code).toBe('rejected');
    expect(statusError(answer(401)).code).toBe('unauthorized');
    expect(statusError(answer(403)).code).toBe('forbidden');
    expect(statusError(answer(409)).code).toBe('conflict');
  });
});
