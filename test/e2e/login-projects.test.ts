/**
 * The walking skeleton through the UI: log in with the demo user, see the projects, stop
 * the server, reload, still see them (offline), log out. Real renderer in Debian Chromium, real
 * main handlers over a real SQLite file, real sync server.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { expectHidden, expectVisible } from '../harness/ui';
import { ApiClient } from '../harness/api';
import { DEMO } from '../harness/server';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('walking skeleton: log in, list projects, offline, log out', () => {
  let projects: { key: string; label: string }[] = [];

  const { app, device, server } = useServerApp(browser!);

  it('shows the device UUID on Connect and refuses a wrong password with a clear message', async () => {
    const { page } = app;
    const status = await device.desktop.gobs.auth.status();
    await expectVisible(page.getByRole('heading', { name: 'Connect to a G-Obs server' }));
    await expectVisible(page.getByLabel('Device ID'));
    expect(await page.getByLabel('Device ID').textContent()).toBe(status.deviceId);
    expect(status.deviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    await page.getByLabel('Server URL').fill(server.baseUrl);
    await page.getByLabel('Username').fill(DEMO.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }));
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await app.screenshot('connect-bad-credentials');
  });

  it('explains an unreachable server under the URL field', async () => {
    const { page } = app;
    await page.getByLabel('Server URL').fill('http://127.0.0.1:9/api');
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const message = page.getByText('The server cannot be reached.', { exact: false });
    await expectVisible(message);
    expect(await page.getByLabel('Server URL').getAttribute('aria-invalid')).toBe('true');

    // A web server that is not G-Obs (here: the one serving the app's own files).
    await page.getByLabel('Server URL').fill(`${app.url}api`);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectVisible(page.getByText('This address answers, but it is not a G-Obs server.', { exact: false }));

    // Not a URL at all: main's own validation, under the field.
    await page.getByLabel('Server URL').fill('gobs.example.org');
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectVisible(page.getByText('Server URL must start with http:// or https://'));
    expect(await page.getByLabel('Server URL').getAttribute('aria-invalid')).toBe('true');
    await app.screenshot('connect-bad-url');
  });

  it('asks before sending a password in clear to another computer, and cancelling sends nothing', async () => {
    const { page } = app;
    // 0.0.0.0 reaches the demo server without being a loopback address: a remote plain-http server here.
    await page.getByLabel('Server URL').fill(`http://0.0.0.0:${server.port}/api`);
    await page.getByLabel('Username').fill(DEMO.username);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const dialog = page.getByRole('dialog', { name: "This server's connection is not encrypted" });
    await expectVisible(dialog);
    await app.screenshot('connect-insecure');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expectHidden(dialog);
    expect((await device.desktop.gobs.auth.status()).loggedIn).toBe(false);
  });

  it('logs in and lists the demo projects', async () => {
    const { page } = app;
    await page.getByLabel('Server URL').fill(server.baseUrl);
    await page.getByLabel('Username').fill(DEMO.username);
    await page.getByLabel('Password').fill(DEMO.password);
    await app.screenshot('connect');
    await page.getByRole('button', { name: 'Log in' }).click();

    await expectVisible(page.getByRole('heading', { name: 'Projects', level: 1 }));
    const list = page.getByRole('list', { name: 'Your projects' });
    // What the server says the demo user may see, asked directly over HTTP.
    const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
    projects = (await client.request<{ key: string; label: string }[]>('GET', '/user/projects')).body;
    expect(projects.length).toBeGreaterThan(0);
    for (const project of projects) await expectVisible(list.getByRole('link', { name: `Open ${project.label}` }));
    expect(await list.getByRole('listitem').count()).toBe(projects.length);
    await expectHidden(page.getByRole('status').filter({ hasText: /^Offline$/ }));
    await app.screenshot('projects');
  });

  it('still lists the projects offline after the server stops and the window reloads', async () => {
    const { page } = app;
    await server.stop();
    await page.reload();
    await expectVisible(page.getByRole('heading', { name: 'Projects', level: 1 }));
    await expectVisible(page.locator('.page-actions').getByRole('status').filter({ hasText: 'Offline' }));
    const list = page.getByRole('list', { name: 'Your projects' });
    for (const project of projects) await expectVisible(list.getByRole('link', { name: `Open ${project.label}` }));
    expect((await device.desktop.gobs.auth.status()).online).toBe(false);
    await app.screenshot('projects-offline');
  });

  it('logs out back to Connect, password empty', async () => {
    const { page } = app;
    await server.restart();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Connect to a G-Obs server' }));
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByLabel('Username').inputValue()).toBe(DEMO.username);
    expect((await device.desktop.gobs.auth.status()).loggedIn).toBe(false);
    expect(app.pageErrors).toEqual([]);
  });
});
