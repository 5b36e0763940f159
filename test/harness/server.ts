/** The sync server the e2e suite runs against: the server engineer's in-process test server with the CLI's demo data. */
import { DEMO as SERVER_DEMO, startTestServer, type TestServer } from '../helpers/server';

/** The demo data set's writer account (`npm run server -- demo`). */
export const DEMO = SERVER_DEMO.writer;

/** The demo project the scenarios work in (several indicators, documents, observations of every dimension type). */
export const E2E_PROJECT = 'environment~water';

export async function startDemoServer(options: { publicUrl?: string } = {}): Promise<TestServer> {
  if (!SERVER_DEMO.projects.includes(E2E_PROJECT)) throw new Error(`the demo data no longer has project ${E2E_PROJECT}`);
  return startTestServer({ demo: true, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
}
