/**
 * A suite that opens the app over a seeded store, with no server: the user chooses
 * "Work offline as tester" on Connect. Registers the suite's hooks and hands back accessors.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, screenshotOnFailure, type App } from './app';
import { createDevice, type Device } from './device';
import { expectVisible } from './ui';
import { seedAccount } from '../helpers/seedStore';

export interface OfflineApp {
  readonly app: App;
  readonly device: Device;
}

/** `seed` adds data to the seeded store before the app starts (e.g. 100,000 observations). */
export function useOfflineApp(
  browser: string,
  name: string,
  seed: (dataDir: string, account: ReturnType<typeof seedAccount>) => void = () => undefined,
): OfflineApp {
  let device: Device | undefined;
  let app: App | undefined;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `gobs-e2e-${name}-`));
    seed(dataDir, seedAccount(dataDir));
    device = await createDevice({ dataDir });
    app = await launchApp(device, browser);
    await app.page.getByRole('button', { name: 'Work offline as tester' }).click();
    await expectVisible(app.page.getByRole('heading', { name: 'Projects', level: 1 }));
  });

  afterEach(screenshotOnFailure(() => app));

  afterAll(async () => {
    await app?.close();
    await device?.close();
  });

  return {
    get app() {
      return app!;
    },
    get device() {
      return device!;
    },
  };
}
