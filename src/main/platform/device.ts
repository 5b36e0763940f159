/** The device UUID: minted once, on first start, and kept in the settings for ever (its one owner). */
import { randomUUID } from 'node:crypto';
import type { SettingsStore } from './options';

export function deviceIdOf(settings: SettingsStore): string {
  let id = settings.get('deviceId');
  if (!id) {
    id = randomUUID();
    settings.set('deviceId', id);
  }
  return id;
}
