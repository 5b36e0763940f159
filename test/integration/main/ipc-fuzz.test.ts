/**
 * Every IPC channel's argument validation under generated garbage (fast-check): thousands of
 * malformed arguments — random values, and valid arguments with one field replaced, removed or
 * added — sent through the same dispatcher the renderer reaches. Each is answered with a typed
 * error (never a crash, never "internal"), nothing is stored, and main keeps answering. A failure
 * prints the seed; replay with GOBS_FUZZ_SEED.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/shared/errors';
import { channelNames, channelSchema, checkArgs } from '../../../src/shared/ipc';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { seedAccount } from '../../helpers/seedStore';
import { storeFile } from '../../helpers/syncChild';

const TIME_LIMIT_MS = Number(process.env.GOBS_FUZZ_MS ?? 30_000);

let d: TestDesktop;
let uuid: string;
const samples: Record<string, Record<string, unknown>> = {};

/** What a failed call must leave as it was: every table's rows and the settings file. */
function fingerprint(): string {
  const db = new Database(storeFile(d.dataDir), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    const parts = tables.map((t) => `${t}:${JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())}`);
    return parts.join('\n') + readFileSync(join(d.dataDir, 'settings.json'), 'utf8');
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gobs-fuzz-'));
  seedAccount(dataDir);
  d = await createTestDesktop({ dataDir });
  const o = await d.gobs.observations.create({
    indicatorCode: 'pluviometry',
    timestamp: '2024-05-01 10',
    x: 3.5,
    y: 43.5,
    values: { rain: 1.5 },
  });
  uuid = o.uuid;
  // One valid argument per channel that takes an object: the base the mutations start from.
  Object.assign(samples, {
    'auth.login': { serverUrl: 'http://127.0.0.1:9/api', username: 'u', password: 'p' },
    'account.forget': { force: false },
    'indicators.list': { projectKey: 'water' },
    'indicators.get': { indicatorCode: 'pluviometry' },
    'documents.list': { indicatorCode: 'pluviometry' },
    'documents.open': { uuid },
    'documents.save': { uuid },
    'observations.list': { indicatorCode: 'pluviometry', sort: { column: 'timestamp', direction: 'asc' }, limit: 10 },
    'observations.count': { indicatorCode: 'pluviometry' },
    'observations.get': { uuid },
    'observations.create': {
      indicatorCode: 'pluviometry',
      timestamp: '2024-05-01 11',
      x: 3,
      y: 43,
      values: { rain: 2 },
    },
    'observations.update': { uuid, timestamp: '2024-05-01 11', x: 3, y: 43, values: { rain: 2 } },
    'observations.delete': { uuid },
    'observations.restore': { uuid },
    'observations.discard': { uuid },
    'conflicts.list': { indicatorCode: 'pluviometry' },
    'conflicts.resolve': { uuid, keep: 'mine' },
    'media.attach': { uuid, fileName: 'p.png', dataBase64: 'iVBORw0KGgo=' },
    'media.remove': { uuid },
    'media.get': { uuid },
    'sync.start': { projectKey: 'water' },
    'settings.set': { syncIntervalMinutes: 15 },
  });
});
afterAll(() => d?.close(true));

/** Garbage for a channel: anything at all, or its valid argument with one field broken. */
function garbage(channel: string): fc.Arbitrary<unknown> {
  const sample = samples[channel];
  const any = fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
  });
  if (!sample) return any;
  const keys = Object.keys(sample);
  return fc.oneof(
    any,
    fc.record({ k: fc.constantFrom(...keys), v: any }).map(({ k, v }) => ({ ...sample, [k]: v })),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(sample).filter(([key]) => key !== k))),
    fc.record({ k: fc.string({ maxLength: 12 }), v: any }).map(({ k, v }) => ({ ...sample, [k]: v })),
    fc.string({ maxLength: 2000 }).map((s) => ({ ...sample, [keys[0]!]: s })),
  );
}

describe('IPC argument validation under generated garbage', () => {
  it(
    'answers every malformed argument with a typed error and stores nothing',
    { timeout: TIME_LIMIT_MS + 60_000 },
    async () => {
      const seed = Number(process.env.GOBS_FUZZ_SEED ?? Date.now() % 2 ** 31);
      const channels = channelNames();
      const before = fingerprint();
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...channels).chain((c) => fc.tuple(fc.constant(c), garbage(c))),
          async ([channel, args]) => {
            // Only malformed arguments here: a valid one would really log in, forget the account, sync…
            if (checkArgs(channelSchema(channel)!, args).ok) return;
            calls++;
            const envelope = await d.core.dispatch(channel, args);
            expect(envelope.ok, channel).toBe(false);
            if (envelope.ok) return;
            expect(ERROR_CODES, channel).toContain(envelope.error.code);
            expect(envelope.error.code, `${channel}: ${envelope.error.message}`).toBe('invalid_argument');
            expect(typeof envelope.error.message).toBe('string');
          },
        ),
        { seed, numRuns: 200_000, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
      expect(calls).toBeGreaterThan(1000);
      expect(fingerprint()).toBe(before);
      // Still alive and answering.
      expect((await d.gobs.observations.get({ uuid })).uuid).toBe(uuid);
      console.log(`IPC fuzz: ${calls} malformed calls over ${channels.length} channels (seed ${seed})`);
    },
  );
});
