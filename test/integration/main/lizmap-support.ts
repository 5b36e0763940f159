/**
 * The desktop against the Lizmap G-Obs stand-in (test/standins/lizmap): the real main core over a
 * temp folder, logged in as a fixture user, and helpers to read what the device holds per series.
 */
import { expect } from 'vitest';
import type { ObservationRow } from '../../../src/shared/ipc';
import { createTestDesktop, type TestDesktop, type TestDesktopOptions } from '../../helpers/desktop';
import { FIXTURE_USERS, type FixtureUserKey, type LizmapStandin } from '../../standins/lizmap/index.js';
import { deviceRows } from './support';

/** The device's key of a Lizmap series: '<indicator code>@<series id>'. */
export const KEYS = {
  pluviometry: 'pluviometry@1',
  population: 'population@2',
  hikers: 'hiker_position@3',
  fauna: 'observation@4',
  river: 'river_inspection@5',
  manualPluviometry: 'pluviometry@6',
  projectB: 'pluviometry@7',
} as const;

export async function lizmapDevice(
  lizmap: LizmapStandin | { baseUrl: string },
  user: FixtureUserKey = 'writer',
  options: TestDesktopOptions & { rememberPassword?: boolean; serverUrl?: string } = {},
): Promise<TestDesktop> {
  const d = await createTestDesktop(options);
  const { login, password } = FIXTURE_USERS[user];
  await d.gobs.auth.login({
    serverUrl: options.serverUrl ?? lizmap.baseUrl,
    username: login,
    password,
    rememberPassword: options.rememberPassword ?? false,
  });
  return d;
}

export async function rowsOf(d: TestDesktop, key: string): Promise<ObservationRow[]> {
  return deviceRows(d, key);
}

export async function rowOf(d: TestDesktop, key: string, uuid: string): Promise<ObservationRow> {
  const row = (await rowsOf(d, key)).find((r) => r.uuid === uuid);
  expect(row, `the device holds ${uuid}`).toBeDefined();
  return row!;
}
