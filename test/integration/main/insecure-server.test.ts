/**
 * Plain http to another computer: the password would cross the network in clear, so the login is
 * refused until the user confirms, once per server; the session then says it is not encrypted.
 * (0.0.0.0 reaches this machine's loopback listener while not being a loopback address: it stands
 * for a remote plain-http server here.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import { rejection } from './support';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
});
afterAll(() => srv?.close());

describe('a plain-http server on another computer', () => {
  it('is refused until confirmed, then remembered for that server only', async () => {
    const d = await createTestDesktop();
    const remote = `http://0.0.0.0:${srv.port}/api`;
    const creds = { serverUrl: remote, username: 'writer', password: 'writer' };
    const refused = await rejection(d.gobs.auth.login(creds));
    expect(refused).toMatchObject({ code: 'insecure_connection', field: 'serverUrl' });
    expect(refused.message).toMatch(/not encrypted/);
    expect((await d.gobs.auth.status()).loggedIn).toBe(false);

    const status = await d.gobs.auth.login({ ...creds, allowInsecure: true });
    expect(status).toMatchObject({ loggedIn: true, insecure: true });
    const settings = JSON.parse(readFileSync(join(d.dataDir, 'settings.json'), 'utf8')) as {
      insecureServers: string[];
    };
    expect(settings.insecureServers).toEqual([`http://0.0.0.0:${srv.port}`]);

    await d.gobs.auth.logout();
    expect((await d.gobs.auth.login(creds)).loggedIn).toBe(true); // not asked again
    // Another plain-http server is asked about again.
    expect(await rejection(d.gobs.auth.login({ ...creds, serverUrl: 'http://192.0.2.1:9/api' }))).toMatchObject({
      code: 'insecure_connection',
    });
    await d.close(true);
  });

  it('loopback needs no confirmation and is not flagged', async () => {
    const d = await createTestDesktop();
    const status = await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    expect(status).toMatchObject({ loggedIn: true, insecure: false });
    await d.close(true);
  });
});
