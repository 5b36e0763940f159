import Store from 'electron-store';
import { LanguagePreference } from '../../shared/ipc';
import { UUID_PATTERN } from '../../shared/uuid';
import type { Settings, SettingsStore } from '../platform/options';

/** electron-store behind the SettingsStore interface (the device UUID is minted by platform/device.ts). */
export function createElectronSettings(): SettingsStore {
  const store = new Store<Settings>({
    name: 'settings',
    defaults: { syncIntervalMinutes: 15 },
    // The device UUID must never change: a schema guards against a hand-edited file.
    schema: {
      deviceId: {
        type: 'string',
        pattern: UUID_PATTERN.source,
      },
      syncIntervalMinutes: { type: 'number', minimum: 0, maximum: 1440 },
      language: { type: 'string', enum: [...LanguagePreference.options] },
      basemap: { type: 'boolean' },
    },
    clearInvalidConfig: false,
  });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
