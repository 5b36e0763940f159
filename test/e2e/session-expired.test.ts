/**
 * The server revokes the session while the app is open: the next request sends the user to
 * Connect with a clear message, and logging in again finds every unsent change still there.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { expectVisible } from '../harness/ui';
import { syncDemoProject, DEMO, E2E_PROJECT } from '../harness/server';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('expired session', () => {
  let projectLabel: string;

  const { app, device, server } = useServerApp(browser!, {
    prepare: async (device, server) => {
      const gobs = await syncDemoProject(device, server);
      const indicator = (await gobs.indicators.list({ projectKey: E2E_PROJECT }))[0]!;
      await gobs.observations.create({
        indicatorCode: indicator.code,
        timestamp: '2024-06-01 12:00:00',
        x: 3.8,
        y: 43.6,
        values: Object.fromEntries(
          indicator.dimensions.map((d) => [d.code, d.type === 'boolean' ? false : d.type === 'string' ? 'kept' : 1]),
        ),
      });
      projectLabel = (await gobs.projects.list()).find((p) => p.key === E2E_PROJECT)!.label;
    },
  });

  it('sends the user to Connect with a clear message when the server refuses the session', async () => {
    const page = app.page;
    await expectVisible(page.getByRole('heading', { name: 'Projects', level: 1 }));
    await expectVisible(page.getByRole('listitem').filter({ hasText: projectLabel }));
    // The refresh the page starts with its list is over (the button reads "Refreshing…" until then).
    await expect.poll(() => page.getByRole('button', { name: 'Refresh from server' }).isEnabled()).toBe(true);
    // An administrator revokes every session on the server; the app's next request (the Projects
    // page refreshes from the server when it opens) meets the refusal.
    await server.db.query('UPDATE session SET revoked_at = now() WHERE revoked_at IS NULL');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Connect to a G-Obs server' }));
    await expectVisible(page.getByText('Your session has expired. Log in again: your unsent changes are kept.'));
    const status = await device.desktop.gobs.auth.status();
    expect(status).toMatchObject({ loggedIn: false, sessionExpired: true, username: DEMO.username });
    // The account is remembered: only the password is asked for.
    expect(await page.getByLabel('Username').inputValue()).toBe(DEMO.username);
    expect(await page.getByLabel('Server URL').inputValue()).toBe(server.baseUrl);
    await app.screenshot('connect-session-expired');
  });

  it('after logging in again, the unsent change is still waiting', async () => {
    const page = app.page;
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const card = page.getByRole('listitem').filter({ hasText: projectLabel });
    await expectVisible(card.getByText('1 change', { exact: true }));
    expect((await device.desktop.gobs.auth.status()).sessionExpired).toBe(false);
    expect(app.pageErrors).toEqual([]);
  });
});
