import { randomUUID } from 'node:crypto';
import Store from 'electron-store';
import type { Settings, SettingsStore } from '../core';

/** electron-store behind the SettingsStore interface; the device UUID is minted on first start. */
export function createElectronSettings(): SettingsStore {
  const store = new Store<Settings>({
    name: 'settings',
    defaults: { deviceId: randomUUID(), syncIntervalMinutes: 15 },
    // The device UUID must never change: a schema guards against a hand-edited file.
    schema: {
      deviceId: {
        type: 'string',
        pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      },
      syncIntervalMinutes: { type: 'number', minimum: 0, maximum: 1440 },
    },
    clearInvalidConfig: false,
  });
  // `defaults` are not written until set; persist the generated id now so it is stable.
  if (!store.has('deviceId')) store.set('deviceId', store.get('deviceId'));
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
