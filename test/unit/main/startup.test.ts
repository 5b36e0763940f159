/**
 * A store that cannot be opened no longer leaves the app without a window: start-up names the
 * problem with the store's own message, offers to quit or to move the store aside (kept, and the
 * user told where), releases the single-instance lock while asking, and starts fresh when asked.
 * Real SQLite files, the real main core.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMainCore, type MainCore } from '../../../src/main/core';
import { createLogger } from '../../../src/main/platform/log';
import {
  createFatalHandler,
  describeFailure,
  failureKind,
  startWithRecovery,
  type FailureChoice,
  type FailureDialog,
} from '../../../src/main/platform/startup';
import { accountDir, openAccountStore, StoreOpenError } from '../../../src/main/store/account';
import { jsonFileSettings, testCoreOptions } from '../../helpers/desktop';

const ACCOUNT = { serverUrl: 'http://127.0.0.1:1/api', username: 'ann' };
const dirs: string[] = [];
const cores: MainCore[] = [];

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder whose current account store is `store` bytes (or an existing store changed by `edit`). */
function dataDirWith(prepare: (storeFile: string) => void): { dataDir: string; storeDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'gobs-startup-'));
  dirs.push(dataDir);
  jsonFileSettings(join(dataDir, 'settings.json')).set('currentAccount', ACCOUNT);
  const storeDir = accountDir(dataDir, ACCOUNT);
  mkdirSync(storeDir, { recursive: true });
  prepare(join(storeDir, 'store.sqlite'));
  return { dataDir, storeDir };
}

const corrupt = (file: string) => writeFileSync(file, Buffer.alloc(8192, 'this is no SQLite database. '));

function newerSchema(file: string) {
  const store = openAccountStore(dirname(dirname(dirname(file))), ACCOUNT);
  store.db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (999, ?)').run(new Date().toISOString());
  store.db.prepare("INSERT INTO project (key, label) VALUES ('kept', 'A project written by the newer version')").run();
  store.db.close();
}

interface Script {
  choices: FailureChoice[];
  dialogs: FailureDialog[];
  informed: string[];
  lock: string[];
}

function run(dataDir: string, script: Script, lockTaken = false) {
  const logger = createLogger({ dir: join(dataDir, 'logs') });
  return startWithRecovery<MainCore>({
    start: async () => {
      const core = await createMainCore(testCoreOptions(dataDir, {}));
      cores.push(core);
      return core;
    },
    ask: async (d) => {
      script.dialogs.push(d);
      return script.choices.shift() ?? 'quit';
    },
    inform: async (message, detail) => void script.informed.push(`${message}\n${detail}`),
    releaseLock: () => void script.lock.push('release'),
    acquireLock: () => {
      script.lock.push('acquire');
      return !lockTaken;
    },
    log: logger,
    now: () => new Date('2026-03-04T05:06:07.089Z'),
  });
}

const script = (...choices: FailureChoice[]): Script => ({ choices, dialogs: [], informed: [], lock: [] });

describe('a store the app cannot open', () => {
  it('corrupt: says "file is not a database", moves it aside intact on request, and starts fresh', async () => {
    const { dataDir, storeDir } = dataDirWith(corrupt);
    const bytes = readFileSync(join(storeDir, 'store.sqlite'));
    const s = script('move-aside');
    const core = await run(dataDir, s);

    expect(s.dialogs).toHaveLength(1);
    const [d] = s.dialogs;
    expect(d).toMatchObject({ kind: 'corrupt-store', storeDir, choices: ['quit', 'move-aside'] });
    expect(d!.message).toContain('file is not a database');
    expect(d!.detail).toContain(join(dataDir, 'logs', 'main.log'));
    expect(s.lock).toEqual(['release', 'acquire']);

    const movedTo = join(dataDir, 'set-aside', `${storeDir.split(/[/\\]/).at(-1)}-2026-03-04T05-06-07-089Z`);
    expect(readFileSync(join(movedTo, 'store.sqlite'))).toEqual(bytes);
    expect(s.informed[0]).toContain(movedTo);
    // Started on a new, empty store for the same account.
    expect(core).not.toBeNull();
    expect(await core!.handlers.projects.list(undefined)).toEqual([]);
    expect(existsSync(join(storeDir, 'store.sqlite'))).toBe(true);
    expect(readFileSync(join(dataDir, 'logs', 'main.log'), 'utf8')).toContain('file is not a database');
  });

  it('newer version: says "written by a newer G-Obs", and keeps every row of the moved store', async () => {
    const { dataDir, storeDir } = dataDirWith(newerSchema);
    const s = script('move-aside');
    const core = await run(dataDir, s);
    expect(s.dialogs[0]).toMatchObject({ kind: 'newer-store', choices: ['quit', 'move-aside'] });
    expect(s.dialogs[0]!.message).toMatch(/written by a newer G-Obs \(schema 999/);
    const [moved] = readdirSync(join(dataDir, 'set-aside'));
    const old = new Database(join(dataDir, 'set-aside', moved!, 'store.sqlite'), { readonly: true });
    expect(old.prepare("SELECT label FROM project WHERE key = 'kept'").pluck().get()).toBe(
      'A project written by the newer version',
    );
    expect(old.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(999);
    old.close();
    expect(core).not.toBeNull();
    expect(existsSync(storeDir)).toBe(true);
  });

  it('quit: touches nothing, releases the lock and resolves null', async () => {
    const { dataDir, storeDir } = dataDirWith(corrupt);
    const before = readFileSync(join(storeDir, 'store.sqlite'));
    const s = script('quit');
    expect(await run(dataDir, s)).toBeNull();
    expect(s.lock).toEqual(['release']);
    expect(readFileSync(join(storeDir, 'store.sqlite'))).toEqual(before);
    expect(existsSync(join(dataDir, 'set-aside'))).toBe(false);
  });

  it('moves nothing when another instance took the lock meanwhile', async () => {
    const { dataDir, storeDir } = dataDirWith(corrupt);
    const s = script('move-aside');
    expect(await run(dataDir, s, true)).toBeNull();
    expect(s.informed[0]).toMatch(/already running/);
    expect(existsSync(join(storeDir, 'store.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'set-aside'))).toBe(false);
  });

  it('retry after the cause is fixed starts normally', async () => {
    const { dataDir, storeDir } = dataDirWith(corrupt);
    const s: Script = { ...script(), choices: [] };
    let attempts = 0;
    const core = await startWithRecovery({
      start: async () => {
        if (attempts++ === 0) return createMainCore(testCoreOptions(dataDir, {}));
        rmSync(join(storeDir, 'store.sqlite'));
        const c = await createMainCore(testCoreOptions(dataDir, {}));
        cores.push(c);
        return c;
      },
      ask: async (d) => (s.dialogs.push(d), 'retry'),
      inform: async () => undefined,
      releaseLock: () => undefined,
      acquireLock: () => true,
      log: null,
    });
    expect(core).not.toBeNull();
    expect(s.dialogs.map((d) => d.kind)).toEqual(['corrupt-store']);
  });
});

describe('what a failure is', () => {
  it('a full disk is told as such, from a real SQLITE_FULL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gobs-full-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'small.sqlite'));
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma('max_page_count = 8');
    let err: unknown;
    try {
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(4096));
    } catch (e) {
      err = e;
    }
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
    const d = describeFailure(new StoreOpenError(dir, err), 'start', null);
    expect(d).toMatchObject({ kind: 'disk-full', choices: ['retry', 'quit'], storeDir: null });
    expect(d.message).toMatch(/^The disk is full/);
    expect(failureKind(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe('disk-full');
  });

  it('permissions, and anything else, offer to try again; moving aside only when a store is named', () => {
    expect(failureKind(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('no-access');
    expect(describeFailure(new Error('boom'), 'start', '/logs/main.log')).toMatchObject({
      kind: 'unexpected',
      choices: ['retry', 'quit'],
    });
    expect(describeFailure(new StoreOpenError('/d/accounts/k', new Error('boom')), 'start', null).choices).toEqual([
      'retry',
      'quit',
      'move-aside',
    ]);
  });

  it('an uncaught error in main is logged, shown once, and ends in a restart or quit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gobs-fatal-'));
    dirs.push(dir);
    const logger = createLogger({ dir });
    const dialogs: FailureDialog[] = [];
    let release!: (c: FailureChoice) => void;
    const outcome: string[] = [];
    const handler = createFatalHandler({
      ask: (d) => {
        dialogs.push(d);
        return new Promise((r) => (release = r));
      },
      restart: () => void outcome.push('restart'),
      quit: () => void outcome.push('quit'),
      log: logger,
    });
    const first = handler(new TypeError('Cannot read properties of undefined'));
    const second = handler(new Error('second error while the dialog is up'));
    await second;
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toMatchObject({ title: 'G-Obs Desktop hit an unexpected error', choices: ['restart', 'quit'] });
    release('restart');
    await first;
    expect(outcome).toEqual(['restart']);
    const log = readFileSync(logger.file, 'utf8');
    expect(log).toContain('Cannot read properties of undefined');
    expect(log).toContain('second error while the dialog is up');
  });
});
