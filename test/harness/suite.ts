/**
 * The hooks every UI suite needs, once: start what the suite needs (a server, a device, the app in
 * Chromium), take a screenshot when a test fails, and close everything in reverse order. The
 * objects handed back stand for the suite's app, device and server once `beforeAll` has made them.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestServer } from '../helpers/server';
import { launchApp, screenshotOnFailure, type App } from './app';
import { createDevice, type Device } from './device';
import { startDemoServer } from './server';

/** Stands for a value made in beforeAll: property reads go to it (methods bound to it). */
function late<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = get();
      if (!value) throw new Error(`${what} is used before the suite started it`);
      const v = Reflect.get(value, key, value) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(value) : v;
    },
  });
}

/** Registers the suite's hooks around `start`; `stop` closes what start made, in reverse order. */
export function useHooks(start: () => Promise<App>, stop: () => Promise<void>): { app: App } {
  let app: App | undefined;
  beforeAll(async () => {
    app = await start();
  });
  afterEach(screenshotOnFailure(() => app));
  afterAll(async () => {
    await app?.close();
    await stop();
  });
  return { app: late(() => app, 'the app') };
}

export interface ServerSuiteOptions {
  /** The server (default: the demo data set on the embedded database). */
  server?: () => Promise<TestServer>;
  /** What the device does before the app opens (log in and sync, seed the server…). */
  prepare?: (device: Device, server: TestServer) => Promise<void>;
  /** Extra cleanup after the app, device and server are closed. */
  cleanup?: () => Promise<void> | void;
}

/** A suite with a real server, a device and the app in Chromium. */
export function useServerApp(
  browser: string,
  options: ServerSuiteOptions = {},
): { app: App; device: Device; server: TestServer } {
  let server: TestServer | undefined;
  let device: Device | undefined;
  const { app } = useHooks(
    async () => {
      server = await (options.server ?? startDemoServer)();
      device = await createDevice();
      await options.prepare?.(device, server);
      return launchApp(device, browser);
    },
    async () => {
      await device?.close();
      await server?.close();
      await options.cleanup?.();
    },
  );
  return { app, device: late(() => device, 'the device'), server: late(() => server, 'the server') };
}
