/**
 * One desktop "device" without Electron: the real main core (handler table, SQLite store, sync
 * engine) over a temp data folder, with plain-Node stand-ins for the Electron-only services
 * (safeStorage → AES-GCM with a per-device key, electron-store → a map, shell.openPath → a log).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMainCore, type MainCore, type SecretStore, type Settings, type SettingsStore } from '../../src/main/core';
import type { IpcEvents } from '../../src/shared/ipc';

export type EventSink = (event: string, payload: unknown) => void;

export interface Device {
  core: MainCore;
  dataDir: string;
  /** Paths main asked the OS to open (documents). */
  openedPaths: string[];
  /** Where main's events go; the browser harness adds the page here. */
  sinks: Set<EventSink>;
  events: { event: keyof IpcEvents; payload: unknown }[];
  close(): Promise<void>;
}

function aesSecretStore(): SecretStore {
  const key = randomBytes(32);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

function memorySettings(): SettingsStore {
  const values = new Map<keyof Settings, unknown>();
  return {
    get: (key) => values.get(key) as never,
    set: (key, value) => void values.set(key, value),
  };
}

export async function createDevice(options: { defaultServerUrl?: string } = {}): Promise<Device> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gobs-e2e-device-'));
  const openedPaths: string[] = [];
  const sinks = new Set<EventSink>();
  const events: Device['events'] = [];
  const core = await createMainCore({
    dataDir,
    secrets: aesSecretStore(),
    settings: memorySettings(),
    emit(event, payload) {
      events.push({ event, payload });
      for (const sink of sinks) sink(event, payload);
    },
    async openPath(path) {
      openedPaths.push(path);
    },
    appVersion: '0.0.0-e2e',
    ...options,
  });
  return {
    core,
    dataDir,
    openedPaths,
    sinks,
    events,
    async close() {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
