/** The sync server the e2e suite runs against: the server engineer's test server with the CLI's demo data. */
import { startTestServer, type TestServer } from '../helpers/server';

/** The demo data set's writer account (`npm run server -- demo`). */
export const DEMO = { username: 'demo', password: 'demo' } as const;

export async function startDemoServer(): Promise<TestServer> {
  const server = await startTestServer();
  await server.seedDemo();
  return server;
}
