/**
 * Main process: log in through the real handler table against the real server and a temp
 * SQLite file; then the server goes away and the app still lists the projects, saying offline.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import { rejection } from './support';

let srv: TestServer;
const desktops: TestDesktop[] = [];
async function desktop(opts: Parameters<typeof createTestDesktop>[0] = {}): Promise<TestDesktop> {
  const d = await createTestDesktop(opts);
  desktops.push(d);
  return d;
}

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  await srv.seed.project('p2', 'Project two');
  await srv.seed.grant('writer', 'p2', 'reader');
});
afterAll(async () => {
  await srv?.close();
});
afterEach(async () => {
  if (srv && !srv.app.server.listening) await srv.restart();
  for (const d of desktops.splice(0)) await d.close(true);
});

describe('login and projects through the handler table', () => {
  it('logs in, lists projects online, then offline from the store after the server stops', async () => {
    const d = await desktop();
    const before = await d.gobs.auth.status();
    expect(before).toMatchObject({ loggedIn: false, serverUrl: null, online: false });
    expect(before.deviceId).toMatch(/^[0-9a-f-]{36}$/);

    const status = await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    expect(status).toMatchObject({
      loggedIn: true,
      online: true,
      username: 'writer',
      serverUrl: srv.baseUrl,
      sessionPersisted: true,
    });
    expect(d.events.some((e) => e.event === 'auth.changed')).toBe(true);
    const refreshed = await d.gobs.projects.refresh();
    expect(refreshed.online).toBe(true);
    expect(refreshed.projects.map((p) => p.key).sort()).toEqual(['p1', 'p2']);
    expect(refreshed.projects.find((p) => p.key === 'p1')).toMatchObject({
      label: 'Project one',
      description: 'First test project',
    });

    await srv.stop();
    const offline = await d.gobs.projects.refresh();
    expect(offline.online).toBe(false);
    expect(offline.projects.map((p) => p.key).sort()).toEqual(['p1', 'p2']);
    expect((await d.gobs.auth.status()).online).toBe(false);
    expect((await d.gobs.projects.list()).map((p) => p.key).sort()).toEqual(['p1', 'p2']);

    // An app restart with the server still down: the session and the projects are still there.
    const again = await d.restart();
    desktops.push(again);
    expect(await again.gobs.auth.status()).toMatchObject({ loggedIn: true, online: false, username: 'writer' });
    expect((await again.gobs.projects.list()).map((p) => p.key).sort()).toEqual(['p1', 'p2']);

    await srv.restart();
    expect((await again.gobs.projects.refresh()).online).toBe(true);
    expect((await again.gobs.auth.status()).online).toBe(true);
  });

  it('accepts the server address without /api', async () => {
    const d = await desktop();
    const status = await d.gobs.auth.login({
      serverUrl: srv.baseUrl.replace(/\/api$/, '/'),
      username: 'writer',
      password: 'writer',
    });
    expect(status.serverUrl).toBe(srv.baseUrl);
  });

  it('reports bad credentials, a bad URL, an unreachable server and a non-G-Obs server distinctly', async () => {
    const d = await desktop();
    expect(
      await rejection(d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'nope' })),
    ).toMatchObject({
      code: 'invalid_credentials',
      field: 'password',
    });
    expect(
      await rejection(d.gobs.auth.login({ serverUrl: 'ftp://x', username: 'writer', password: 'x' })),
    ).toMatchObject({
      code: 'invalid_argument',
      field: 'serverUrl',
    });
    expect(
      await rejection(d.gobs.auth.login({ serverUrl: 'http://127.0.0.1:9/api', username: 'writer', password: 'x' })),
    ).toMatchObject({
      code: 'offline',
    });
    expect(
      await rejection(
        d.gobs.auth.login({ serverUrl: `${srv.baseUrl}/nothing/here`, username: 'writer', password: 'x' }),
      ),
    ).toMatchObject({
      code: 'bad_server',
      field: 'serverUrl',
    });
    expect((await d.gobs.auth.status()).loggedIn).toBe(false);
  });

  it('never writes the password, and keeps the token only in memory without a secret store', async () => {
    await srv.seed.user('ann', 'correct-horse-battery');
    await srv.seed.grant('ann', 'p1', 'writer');
    const d = await desktop({ secrets: 'none' });
    const status = await d.gobs.auth.login({
      serverUrl: srv.baseUrl,
      username: 'ann',
      password: 'correct-horse-battery',
    });
    expect(status.sessionPersisted).toBe(false);
    expect((await d.gobs.projects.refresh()).projects.map((p) => p.key)).toEqual(['p1']);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir))
        (statSync(join(dir, f)).isDirectory() ? walk : (p: string) => files.push(p))(join(dir, f));
    };
    walk(d.dataDir);
    expect(files.some((f) => f.endsWith('store.sqlite'))).toBe(true);
    for (const f of files) expect(readFileSync(f).includes(Buffer.from('correct-horse')), f).toBe(false);
    const store = files.find((f) => f.endsWith('store.sqlite'))!;
    const db = new Database(store, { readonly: true });
    expect(db.prepare('SELECT session_token FROM account').pluck().get()).toBeNull();
    db.close();
    const restarted = await d.restart();
    desktops.push(restarted);
    expect(await restarted.gobs.auth.status()).toMatchObject({
      loggedIn: false,
      username: 'ann',
      sessionPersisted: false,
    });
    expect((await restarted.gobs.projects.list()).map((p) => p.key)).toEqual(['p1']);
  });

  it('logs out on the server (the token is dead) but keeps the local data', async () => {
    const d = await desktop();
    await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    await d.gobs.projects.refresh();
    const status = await d.gobs.auth.logout();
    expect(status).toMatchObject({ loggedIn: false, username: 'writer' });
    expect((await d.gobs.projects.list()).length).toBe(2);
    expect((await rejection(d.gobs.projects.refresh())).code).toBe('unauthorized');
  });
});
