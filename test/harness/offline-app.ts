/**
 * A suite that opens the app over a seeded store, with no server: the user chooses
 * "Work offline as tester" on Connect.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, type App } from './app';
import { createDevice, type Device } from './device';
import { useHooks } from './suite';
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
  const { app } = useHooks(
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `gobs-e2e-${name}-`));
      seed(dataDir, seedAccount(dataDir));
      device = await createDevice({ dataDir });
      const opened = await launchApp(device, browser);
      await opened.page.getByRole('button', { name: 'Work offline as tester' }).click();
      await expectVisible(opened.page.getByRole('heading', { name: 'Projects', level: 1 }));
      return opened;
    },
    async () => {
      await device?.close();
    },
  );
  return {
    app,
    get device() {
      return device!;
    },
  };
}
