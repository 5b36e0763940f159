/** The sync server the e2e suite runs against: the server engineer's in-process test server with the CLI's demo data. */
import { DEMO as SERVER_DEMO, startTestServer, type TestServer } from '../helpers/server';
import type { GobsApi } from '../../src/shared/ipc';
import type { Device } from './device';

/** The demo data set's writer account (`npm run server -- demo`). */
export const DEMO = SERVER_DEMO.writer;

/** The demo project the scenarios work in (several indicators, documents, observations of every dimension type). */
export const E2E_PROJECT = 'environment~water';

export async function startDemoServer(options: { publicUrl?: string } = {}): Promise<TestServer> {
  if (!SERVER_DEMO.projects.includes(E2E_PROJECT))
    throw new Error(`the demo data no longer has project ${E2E_PROJECT}`);
  return startTestServer({ demo: true, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
}

/**
 * Logs the device in as the demo writer and syncs the e2e project through its real handlers,
 * as a user would have before the scenario starts. Returns the device's bridge.
 */
export async function syncDemoProject(device: Device, server: TestServer): Promise<GobsApi> {
  const gobs = device.desktop.gobs;
  await gobs.auth.login({ serverUrl: server.baseUrl, username: DEMO.username, password: DEMO.password });
  await gobs.projects.refresh();
  await gobs.sync.start({ projectKey: E2E_PROJECT });
  return gobs;
}
