import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import { AppError } from '../../../src/main/errors';
import { buildBridge } from '../../../src/shared/bridge';
import { channelNames, type Handlers } from '../../../src/shared/ipc';
import { isGobsError } from '../../../src/shared/errors';

// Only the channels these tests call; dispatch looks handlers up by name at run time.
function partialHandlers(login: (args: unknown) => Promise<unknown>): Handlers {
  return { auth: { login } } as unknown as Handlers;
}

const goodLogin = { serverUrl: 'http://127.0.0.1:1/api', username: 'demo', password: 'demo' };

describe('IPC dispatch', () => {
  it('validates the argument and names the offending field', async () => {
    let called = false;
    const dispatch = createDispatcher(partialHandlers(async () => (called = true)));
    const result = await dispatch('auth.login', { ...goodLogin, serverUrl: 'ftp://x' });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_argument', field: 'serverUrl' }),
    });
    expect(called).toBe(false);
  });

  it('passes the parsed argument (trimmed) to the handler and wraps its result', async () => {
    const dispatch = createDispatcher(partialHandlers(async (args) => args));
    const result = await dispatch('auth.login', { ...goodLogin, username: '  demo  ' });
    // The password is remembered only when the user asks (the schema's default).
    expect(result).toEqual({ ok: true, value: { ...goodLogin, rememberPassword: false } });
  });

  it('refuses an argument zod throws on instead of reporting, as any malformed one', async () => {
    let called = false;
    const dispatch = createDispatcher(partialHandlers(async () => (called = true)));
    // zod 4's length check compares `length` with a number: an object without a prototype cannot be converted.
    const result = await dispatch('auth.login', { ...goodLogin, username: { length: Object.create(null) } });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_argument' }) });
    expect(called).toBe(false);
  });

  it('refuses unknown channels', async () => {
    const dispatch = createDispatcher(partialHandlers(async () => null));
    expect(await dispatch('auth.su', {})).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(await dispatch('__proto__.constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument' },
    });
  });

  it('passes user-facing errors through and hides unexpected ones (no stack trace)', async () => {
    const logged: unknown[] = [];
    const user = createDispatcher(
      partialHandlers(async () => {
        throw new AppError('invalid_credentials', 'Wrong username or password.', 'password');
      }),
    );
    expect(await user('auth.login', goodLogin)).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Wrong username or password.', field: 'password' },
    });
    const crash = createDispatcher(
      partialHandlers(async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x') at /secret/path.ts:12");
      }),
      (_msg, err) => logged.push(err),
    );
    const result = await crash('auth.login', goodLogin);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('internal');
      expect(result.error.message).not.toMatch(/secret|TypeError|\.ts/);
    }
    expect(logged).toHaveLength(1);
  });
});

describe('bridge', () => {
  it('exposes exactly the contract methods plus on(), and rejects with a plain GobsError', async () => {
    const dispatch = createDispatcher(
      partialHandlers(async () => {
        throw new AppError('offline', 'The server cannot be reached.');
      }),
    );
    const gobs = buildBridge({ invoke: dispatch, subscribe: () => () => undefined });
    const exposed = Object.entries(gobs).flatMap(([ns, v]) =>
      typeof v === 'function' ? [ns] : Object.keys(v as object).map((m) => `${ns}.${m}`),
    );
    expect(exposed.sort()).toEqual([...channelNames(), 'on'].sort());
    expect('invoke' in gobs).toBe(false);
    const err: unknown = await gobs.auth.login(goodLogin).catch((e: unknown) => e);
    expect(isGobsError(err)).toBe(true);
    expect(err).not.toBeInstanceOf(Error);
    expect(err).toEqual({ code: 'offline', message: 'The server cannot be reached.' });
  });

  it('refuses to subscribe to unknown events', () => {
    const gobs = buildBridge({ invoke: async () => ({ ok: true, value: null }), subscribe: () => () => undefined });
    expect(() => gobs.on('nope' as never, () => undefined)).toThrow(/Unknown event/);
  });
});
