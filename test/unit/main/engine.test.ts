import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAccountStore } from '../../../src/main/store/account';
import { backoffDelay } from '../../../src/main/sync/engine';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { seedAccount, seedSession } from '../../helpers/seedStore';

let desktop: TestDesktop | undefined;
afterEach(async () => {
  await desktop?.close(true);
  desktop = undefined;
});

describe('backoff', () => {
  it('doubles up to the cap, with jitter never below half the delay', () => {
    const lo = () => 0;
    const hi = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 60_000, hi))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 60_000, lo))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(30, 1000, 60_000, hi)).toBe(60_000);
    expect(backoffDelay(30, 1000, 60_000, lo)).toBe(30_000);
  });
});

describe('sync without a reachable server', () => {
  it('refuses to sync without a session, and says offline (keeping work) when the server is down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-engine-'));
    const ref = seedAccount(dataDir);
    desktop = await createTestDesktop({ dataDir });
    const err = await desktop.gobs.sync.start({}).catch((e: unknown) => e as { code: string });
    expect(err).toMatchObject({ code: 'unauthorized' });
    await desktop.close();

    seedSession(dataDir, ref);
    desktop = await createTestDesktop({ dataDir });
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-01-01 10',
      x: 1,
      y: 2,
      values: { rain: 3 },
    });
    const status = await desktop.gobs.sync.start({});
    expect(status.state).toBe('offline');
    expect(status.online).toBe(false);
    expect(status.lastError?.code).toBe('offline');
    expect(status.pendingChanges).toBe(1);
    expect(status.nextRetryAt).toBeNull(); // autoSync off in this test
    expect((await desktop.gobs.auth.status()).online).toBe(false);
    expect((await desktop.gobs.observations.get({ uuid: o.uuid })).state).toBe('local');
    expect(
      desktop.events.some((e) => e.event === 'sync.progress' && (e.payload as { state: string }).state === 'syncing'),
    ).toBe(true);
    const refreshed = await desktop.gobs.projects.refresh();
    expect(refreshed.online).toBe(false);
    expect(refreshed.projects.map((p) => p.key)).toEqual(['water']);
  });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('media attach (store side)', () => {
  it('copies a valid image into the media folder, refuses other bytes, and forgets an unsent photo on remove', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-media-'));
    seedAccount(dataDir);
    desktop = await createTestDesktop({ dataDir });
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-01-01 10',
      x: 1,
      y: 2,
      values: { rain: 3 },
    });
    const bad = await desktop.gobs.media
      .attach({ uuid: o.uuid, fileName: 'evil.png', dataBase64: Buffer.from('#!/bin/sh\nrm -rf /').toString('base64') })
      .catch((e: unknown) => e as { code: string; field: string });
    expect(bad).toMatchObject({ code: 'invalid_argument', field: 'dataBase64' });
    const attached = await desktop.gobs.media.attach({
      uuid: o.uuid,
      fileName: '../../etc/passwd.png',
      dataBase64: PNG.toString('base64'),
    });
    expect(attached).toMatchObject({ hasMedia: true, mediaPending: 'upload' });
    const media = await desktop.gobs.media.get({ uuid: o.uuid });
    expect(media).toMatchObject({ mimeType: 'image/png', local: true });
    expect(media?.dataUrl).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    const removed = await desktop.gobs.media.remove({ uuid: o.uuid });
    expect(removed).toMatchObject({ hasMedia: false, mediaPending: null });
    expect(await desktop.gobs.media.get({ uuid: o.uuid })).toBeNull();
  });
});

describe('conflict resolution (store side)', () => {
  async function conflicted(mine: 'edit' | 'delete', server: 'edit' | 'deleted') {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-conflict-'));
    const ref = seedAccount(dataDir);
    const store = openAccountStore(dataDir, ref);
    const serverVersion =
      server === 'deleted'
        ? 'deleted'
        : JSON.stringify({
            id: 7,
            uuid: '5b0c3a1e-9f7d-4e2a-8c6b-1d2e3f4a5b6c',
            indicator: 'pluviometry',
            import: 9,
            timestamp: '2024-01-01 12:00:00',
            x: 5,
            y: 6,
            wkt: null,
            values: [{ name: 'rain', type: 'real', value: 42 }],
            media_url: null,
            author: 'other',
            created_at: null,
            updated_at: null,
          });
    store.db
      .prepare(
        `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, x, y, vals, author, state, prev_state, server_version)
         VALUES ('5b0c3a1e-9f7d-4e2a-8c6b-1d2e3f4a5b6c', 7, 'pluviometry', 4, '2024-01-01 10:00:00', 1, 2, '{"rain":1}', 'tester', 'conflict', ?, ?)`,
      )
      .run(mine === 'delete' ? 'deleted' : null, serverVersion);
    store.db.close();
    desktop = await createTestDesktop({ dataDir });
    return '5b0c3a1e-9f7d-4e2a-8c6b-1d2e3f4a5b6c';
  }

  it('lists the conflict with both versions', async () => {
    const uuid = await conflicted('edit', 'edit');
    const list = await desktop!.gobs.conflicts.list({ projectKey: 'water' });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ uuid, values: { rain: 1 }, serverVersion: { import: 9, values: { rain: 42 } } });
  });

  it('keep mine: re-based on the server import, to be pushed as an update', async () => {
    const uuid = await conflicted('edit', 'edit');
    const r = await desktop!.gobs.conflicts.resolve({ uuid, keep: 'mine' });
    expect(r).toMatchObject({ state: 'modified', import: 9, values: { rain: 1 }, serverVersion: null });
  });

  it("take theirs: the server's version replaces mine", async () => {
    const uuid = await conflicted('edit', 'edit');
    const r = await desktop!.gobs.conflicts.resolve({ uuid, keep: 'theirs' });
    expect(r).toMatchObject({ state: 'synced', import: 9, values: { rain: 42 }, x: 5, author: 'other' });
  });

  it('keep my deletion against their edit: deletes their version next sync', async () => {
    const uuid = await conflicted('delete', 'edit');
    expect(await desktop!.gobs.conflicts.resolve({ uuid, keep: 'mine' })).toMatchObject({
      state: 'deleted',
      import: 9,
    });
  });

  it('keep my edit against their deletion: comes back as a new observation', async () => {
    const uuid = await conflicted('edit', 'deleted');
    const r = await desktop!.gobs.conflicts.resolve({ uuid, keep: 'mine' });
    expect(r).toMatchObject({ state: 'local', id: null, values: { rain: 1 } });
    expect(r?.uuid).not.toBe(uuid);
  });

  it('take their deletion: gone locally', async () => {
    const uuid = await conflicted('edit', 'deleted');
    expect(await desktop!.gobs.conflicts.resolve({ uuid, keep: 'theirs' })).toBeNull();
    expect(await desktop!.gobs.observations.count({ indicatorCode: 'pluviometry' })).toBe(0);
  });
});

describe('settings', () => {
  it('persists the automatic sync interval and validates it, naming the field', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-settings-'));
    desktop = await createTestDesktop({ dataDir });
    const first = await desktop.gobs.settings.get();
    expect(first).toMatchObject({ syncIntervalMinutes: 15, dataDir, appVersion: '0.0.0-test', serverUrl: null });
    expect(first.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await desktop.gobs.settings.set({ syncIntervalMinutes: 5 })).toMatchObject({ syncIntervalMinutes: 5 });
    for (const bad of [-1, 1.5, 2000]) {
      const err = await desktop.gobs.settings
        .set({ syncIntervalMinutes: bad })
        .catch((e: unknown) => e as { code: string; field: string });
      expect(err).toMatchObject({ code: 'invalid_argument', field: 'syncIntervalMinutes' });
    }
    desktop = await desktop.restart();
    const again = await desktop.gobs.settings.get();
    expect(again.syncIntervalMinutes).toBe(5);
    expect(again.deviceId).toBe(first.deviceId); // generated once, never changed
  });

  it('follows the system language until one is chosen, persists the choice and refuses unknown ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gobs-settings-'));
    desktop = await createTestDesktop({ dataDir, systemLanguages: ['fr-CA', 'en-US'] });
    expect(await desktop.gobs.settings.get()).toMatchObject({
      language: 'system',
      systemLanguages: ['fr-CA', 'en-US'],
    });
    expect(await desktop.gobs.settings.set({ language: 'en' })).toMatchObject({
      language: 'en',
      syncIntervalMinutes: 15,
    });
    for (const bad of ['de', 'FR', '', null]) {
      const err = await desktop.gobs.settings
        .set({ language: bad as 'fr' })
        .catch((e: unknown) => e as { code: string; field: string });
      expect(err).toMatchObject({ code: 'invalid_argument', field: 'language' });
    }
    desktop = await desktop.restart();
    expect((await desktop.gobs.settings.get()).language).toBe('en');
    // Setting one key leaves the other alone.
    await desktop.gobs.settings.set({ syncIntervalMinutes: 7 });
    expect(await desktop.gobs.settings.set({ language: 'system' })).toMatchObject({
      language: 'system',
      syncIntervalMinutes: 7,
    });
  });
});
