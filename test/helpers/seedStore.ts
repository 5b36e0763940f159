/**
 * Puts an account, a project and indicators straight into a desktop's data folder, as a sync would
 * have left them: for tests of the store and its channels that need no server.
 */
import { randomUUID } from 'node:crypto';
import { openAccountStore, saveSessionToken, type AccountRef } from '../../src/main/store/account';
import { saveProjectIndicators } from '../../src/main/store/indicators';
import { searchText } from '../../src/main/store/observations';
import { beginBulkLoad, endBulkLoads } from '../../src/main/store/bulk';
import { replaceProjects } from '../../src/main/store/projects';
import type { Indicator as WireIndicator } from '../../src/shared/api';
import { aesSecretStore, jsonFileSettings } from './desktop';
import { join } from 'node:path';

export const PLUVIO: WireIndicator = {
  id: 1,
  code: 'pluviometry',
  label: 'Hourly pluviometry',
  description: 'Rainfall',
  category: 'Water',
  date_format: 'hour',
  values: [{ code: 'rain', name: 'Rain', type: 'real', unit: 'mm' }],
  documents: [],
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
};

export const FAUNA: WireIndicator = {
  id: 2,
  code: 'fauna',
  label: 'Fauna count',
  description: null,
  category: null,
  date_format: 'day',
  values: [
    { code: 'species', name: 'Species', type: 'string', unit: null },
    { code: 'count', name: 'Count', type: 'integer', unit: 'individuals' },
    { code: 'adult', name: 'Adult', type: 'boolean', unit: null },
  ],
  documents: [],
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
};

const DEFAULT_ACCOUNT: AccountRef = { serverUrl: 'http://127.0.0.1:9/api', username: 'tester' };

export function seedAccount(
  dataDir: string,
  ref: AccountRef = DEFAULT_ACCOUNT,
  indicators: WireIndicator[] = [PLUVIO, FAUNA],
): AccountRef {
  const store = openAccountStore(dataDir, ref);
  replaceProjects(store.db, [{ key: 'water', label: 'Water', description: null, media_url: null }]);
  saveProjectIndicators(store.db, 'water', indicators);
  store.db.close();
  jsonFileSettings(join(dataDir, 'settings.json')).set('currentAccount', ref);
  return ref;
}

/** Inserts `n` synced pluviometry observations quickly (one transaction, as a bulk pull does: store/bulk.ts). */
export function seedObservations(dataDir: string, ref: AccountRef, n: number, start = Date.UTC(2020, 0, 1)): void {
  const store = openAccountStore(dataDir, ref);
  const insert = store.db.prepare(
    `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, x, y, vals, author, state, search)
     VALUES (?, ?, 'pluviometry', 1, ?, ?, ?, ?, ?, 'synced', ?)`,
  );
  store.db.transaction(() => {
    beginBulkLoad(store.db, 'pluviometry');
    for (let i = 0; i < n; i++) {
      const uuid = randomUUID();
      const ts =
        new Date(start + Math.floor(i / 3) * 3_600_000).toISOString().slice(0, 19).replace('T', ' ').slice(0, 13) +
        ':00:00';
      const values = { rain: Math.round(((i * 7919) % 1000) / 10) / 1 };
      const author = i % 5 === 0 ? 'alice' : 'bob';
      insert.run(
        uuid,
        i + 1,
        ts,
        (i % 360) - 180 + 0.5,
        (i % 180) - 90 + 0.5,
        JSON.stringify(values),
        author,
        searchText(ts, values, author, uuid),
      );
    }
  })();
  endBulkLoads(store.db);
  store.db.close();
}

/** One synced observation exactly as given (e.g. a time finer than its indicator's precision, as a CSV import leaves). */
export function insertSynced(
  dataDir: string,
  o: { uuid: string; indicator: string; timestamp: string; x: number; y: number; values: Record<string, unknown> },
  ref: AccountRef = DEFAULT_ACCOUNT,
): void {
  const store = openAccountStore(dataDir, ref);
  store.db
    .prepare(
      `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, x, y, vals, author, state, search)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, 'tester', 'synced', ?)`,
    )
    .run(
      o.uuid,
      Math.floor(Math.random() * 1e9),
      o.indicator,
      o.timestamp,
      o.x,
      o.y,
      JSON.stringify(o.values),
      searchText(o.timestamp, o.values, 'tester', o.uuid),
    );
  store.db.close();
}

/** Stores a session token as a login would have (encrypted with the test secret store). */
export function seedSession(dataDir: string, ref: AccountRef, token = 'seeded-token-0123456789'): void {
  const store = openAccountStore(dataDir, ref);
  saveSessionToken(store.db, aesSecretStore(join(dataDir, 'test-secret.key')).encrypt(token));
  store.db.close();
}
