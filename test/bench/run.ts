/**
 * `npm run bench [-- --quick] [--only 1,2,...,P] [--profile] [--no-pglite] [--no-peer] [--peer-defaults]`
 *
 * Measures the system's main costs side by side with their floors — the same work done by
 * the raw parts with no protocol — and with a peer, PouchDB replication doing the same work (lib/peer.ts),
 * prints a table and writes bench/results.json. Figures are ratios measured in one run on one machine.
 * The server runs as its own process (its real CLI, `serve`), every device as another
 * (test/bench/device-child.ts: the real main core over a temp folder); so do the peer's.
 * --quick divides every N by 10 (CI checks that it completes, not its figures).
 * Item 8 (test/bench/analyst.ts, its own process) measures the analyst views and exports at N.large.
 * --profile writes V8 CPU profiles of the server and device processes to bench/profiles/ and prints
 * their top functions; EXPLAIN ANALYZE of the server's pull queries is printed with it.
 * The peer runs with items 1–4 (or alone: --only P) unless --no-peer; --peer-defaults adds its first sync
 * with PouchDB's default batch settings.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Db } from '../../src/server/db/types';
import type { DeviceReply } from './device-child';
import { explainPulls } from './lib/explain';
import { holdingsBench } from './holdings';
import { startBalancer } from './lib/balancer';
import { firstSyncFloor, pushFloor, pushHandler } from './lib/floors';
import { openCluster, type PgCluster } from './lib/postgres';
import {
  DeviceProcess,
  procMemory,
  resetPeak,
  startServer,
  type ProfileOptions,
  type ServerProcess,
} from './lib/procs';
import { Peer, PEER_BATCH, PEER_DEFAULTS, PEER_DIR, PeerUnavailable } from './lib/peer';
import { summariseProfiles } from './lib/profile';
import { machine, median, pct, table, writeResults, type PeerMeasure, type Row } from './lib/report';
import {
  analyse,
  BENCH_INDICATOR,
  BENCH_PASSWORD,
  benchUser,
  changeOnServer,
  seedBase,
  seededTimestamp,
  seedObservations,
  serverFingerprint,
} from './lib/seed';
import { createStorage, type Engine, type Storage } from './lib/storage';

const ROOT = join(import.meta.dirname, '..', '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-pglite': { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'peer-defaults': { type: 'boolean', default: false },
    output: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
  },
});
const scale = opts.quick ? 10 : 1;
const N = {
  firstSync: 100_000 / scale,
  small: 10_000 / scale,
  large: 1_000_000 / scale,
  push: 10_000 / scale,
  changed: 100 / scale,
  fleetBase: 10_000 / scale,
  fleetChanges: 100 / scale,
  fleet: 20,
};
/** What the engine asks per pull request and sends per push request (its defaults). */
const PULL_BATCH = 2000;
const PUSH_BATCH = 500;
const only = new Set((opts.only ?? '1,2,3,4,5,6,7,8,9').split(',').map((s) => s.trim().toUpperCase()));
const engines: Engine[] = opts['no-pglite'] ? ['postgres'] : ['postgres', 'pglite'];
const profileDir = opts.profile ? join(ROOT, 'bench', 'profiles') : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const prof = (name: string): ProfileOptions | undefined => (profileDir ? { dir: profileDir, name } : undefined);

const loadAtStart = os.loadavg();
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const errors: string[] = [];
const started = Date.now();
const log = (s: string) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);

function ensure(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

type SyncReply = Extract<DeviceReply, { ms: number }>;
type Fingerprint = Extract<DeviceReply, { hash: string }>;
type Browse = Extract<DeviceReply, { firstPageMs: number[] }>;

/** A device process logged in to the server, with its own temp data folder. */
async function device(srv: ServerProcess, user = benchUser(0), profile?: ProfileOptions, existingDir?: string) {
  const dir = existingDir ?? mkdtempSync(join(tmpdir(), 'gobs-bench-device-'));
  const d = await DeviceProcess.start(dir, profile);
  // An existing folder is an app restart: the session saved at login is still there.
  if (!existingDir) await d.call({ cmd: 'login', serverUrl: srv.baseUrl, username: user, password: BENCH_PASSWORD });
  return {
    dir,
    /** Ends the process, keeping the data folder (the app quits). */
    quit: () => d.exit(),
    d,
    async sync(
      what: string,
      options?: { pullBatch?: number; pushBatch?: number; trace?: boolean },
    ): Promise<SyncReply> {
      const r = await d.call<SyncReply>({ cmd: 'sync', ...options });
      ensure(r.state === 'idle' && !r.lastError, `${what}: sync ended ${r.state}: ${r.lastError ?? ''}\n${d.log}`);
      ensure(
        r.problems.length === 0,
        `${what}: sync reported problems: ${r.problems.map((p) => JSON.stringify(p)).join('; ')}`,
      );
      return r;
    },
    fingerprint: () => d.call<Fingerprint>({ cmd: 'fingerprint', indicatorCode: BENCH_INDICATOR }),
    async close() {
      await d.exit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
type Device = Awaited<ReturnType<typeof device>>;

async function expectSame(dev: Device, server: { count: number; hash: string }, what: string): Promise<void> {
  const f = await dev.fingerprint();
  ensure(
    f.count === server.count && f.hash === server.hash,
    `${what}: device holds ${f.count} observations (${f.hash}), server ${server.count} (${server.hash})`,
  );
}

/** Seeds a fresh database with n observations; returns it closed (PGlite) or open (PostgreSQL). */
async function seeded(engine: Engine, name: string, n: number, cluster: PgCluster | null, fleet = 0) {
  const storage = await createStorage(engine, name, cluster);
  const db = await storage.open();
  const t = performance.now();
  const s = await seedBase(db, fleet);
  await seedObservations(db, s, n);
  await analyse(db);
  log(`${engine}: seeded ${n} observations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { storage, db, s };
}

async function withServer<T>(storage: Storage, name: string, fn: (srv: ServerProcess) => Promise<T>): Promise<T> {
  const srv = await startServer(storage.server, storage.mediaDir, prof(`${name}-server`));
  try {
    return await fn(srv);
  } finally {
    await srv.stop();
  }
}

// ---- P. the peer: PouchDB replication doing the same work, measured beside ours ---------------------

/** The items the peer has a measure for, among those selected (all four with --only P). */
const peerItems = new Set(opts['no-peer'] ? [] : ['1', '2', '3', '4'].filter((i) => only.has(i) || only.has('P')));
// Assigned by the steps below; `as` keeps TypeScript from narrowing it to null at the top level.
let peer = null as Peer | null;
const peerData: {
  seed?: Peer['seed'];
  first?: Awaited<ReturnType<Peer['firstSync']>>;
  defaultsMs?: number;
  noChange: number[];
  changed: number[];
  push?: Awaited<ReturnType<Peer['push']>>;
} = { noChange: [], changed: [] };
let peerSkip: string | null = null;

/** One peer measure beside ours. A failure is an error of the run and ends the peer, not our measure. */
async function alongside(what: string, fn: (p: Peer) => Promise<void>): Promise<void> {
  if (!peer) return;
  try {
    await fn(peer);
    peerData.first ??= peer.firstSyncResult ?? undefined;
  } catch (err) {
    const msg = `PouchDB peer, ${what}: ${err instanceof Error ? err.message : String(err)}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
    const p = peer;
    peer = null;
    await p.close().catch(() => undefined);
  }
}

const peerFirstSync = () =>
  alongside('first sync', async (p) => {
    if (peerData.first) return;
    peerData.first = await p.firstSync();
    if (opts['peer-defaults']) peerData.defaultsMs = await p.firstSyncDefaults();
  });
const peerWarmUp = () =>
  alongside('warm-up', async (p) => {
    for (let i = 0; i < 3; i++) await p.noChange(); // JIT of its server and device, as ours get
  });
const peerNoChange = () => alongside('no-change re-sync', async (p) => void peerData.noChange.push(await p.noChange()));
const peerChanged = (round: number) =>
  alongside('small-change re-sync', async (p) => void peerData.changed.push(await p.changed(N.changed, round)));
const peerPush = () =>
  alongside('push', async (p) => {
    if (!peerData.push) peerData.push = await p.push(N.push, 1);
  });

async function openPeer(): Promise<void> {
  try {
    peer = await Peer.open(
      N.firstSync,
      ['1', '2', '3'].some((i) => peerItems.has(i)),
      prof,
      log,
    );
    if (peer.seed.docs) peerData.seed = peer.seed;
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err;
    peerSkip = err.message;
    log(`${'!'.repeat(12)} PouchDB PEER SKIPPED: ${peerSkip} ${'!'.repeat(12)}`);
    rows.push({
      item: 'P',
      measure: 'PouchDB peer (items 1–4)',
      engine: 'pouchdb',
      value: NaN,
      unit: '',
      skipped: true,
      note: `SKIPPED, no ratio to PouchDB in this run: ${peerSkip}`,
    });
    if (process.env.GOBS_REQUIRE_PEER === '1') errors.push(`PouchDB peer skipped: ${peerSkip}`);
  }
}

/** The peer's measures that did not run beside ours (their items ran without them, or --only P). */
async function peerRest(): Promise<void> {
  if (peerItems.has('1')) await peerFirstSync();
  if (peerItems.has('2') && peerData.noChange.length === 0) {
    await peerWarmUp();
    for (let i = 0; i < 11; i++) await peerNoChange();
  }
  if (peerItems.has('3') && peerData.changed.length === 0)
    for (let round = 0; round < 5; round++) await peerChanged(round);
  if (peerItems.has('4')) await peerPush();
}

/** The peer's rows, and the peer's figure and ours over it on each of our rows compared with one. */
function peerRows(): void {
  const n = N.firstSync;
  const ms: Partial<Record<PeerMeasure, number>> = {};
  const settings = `batch_size ${PEER_BATCH.batchSize}, batches_limit ${PEER_BATCH.batchesLimit}`;
  const f = peerData.first;
  if (f) {
    ms.firstSync = f.ms;
    const seed = peerData.seed;
    rows.push({
      item: '1',
      measure: `first sync, ${n.toLocaleString('en')} docs (remote → fresh local)`,
      engine: 'pouchdb',
      value: f.ms / 1000,
      unit: 's',
      note: `${Math.round(n / (f.ms / 1000))} docs/s, ${settings}; device peak RSS ${f.peakRssMb.toFixed(0)} MB (idle ${f.idleRssMb.toFixed(0)} MB, +${(f.peakRssMb - f.idleRssMb).toFixed(0)} MB${f.peakReset ? '' : ', peak counter not reset'})${seed ? `; server seeded through _bulk_docs (${seed.batch.toLocaleString('en')} per request) in ${(seed.ms / 1000).toFixed(1)} s = ${Math.round(seed.docs / (seed.ms / 1000))} docs/s, ${Math.round(seed.bytesPerDoc)} bytes of JSON per doc` : ''}`,
    });
  }
  if (f && peerData.defaultsMs !== undefined) {
    rows.push({
      item: '1',
      measure: `first sync, ${n.toLocaleString('en')} docs, PouchDB's default settings`,
      engine: 'pouchdb',
      value: peerData.defaultsMs / 1000,
      unit: 's',
      floor: f.ms / 1000,
      ratio: peerData.defaultsMs / f.ms,
      note: `batch_size ${PEER_DEFAULTS.batchSize}, batches_limit ${PEER_DEFAULTS.batchesLimit}; floor/ref column = the same with ${settings}`,
    });
  }
  if (peerData.noChange.length) {
    const t = peerData.noChange;
    ms.noChange = median(t);
    rows.push({
      item: '2',
      measure: `no-change re-sync, ${n.toLocaleString('en')} docs (remote → local)`,
      engine: 'pouchdb',
      value: median(t),
      unit: 'ms',
      note: `median of ${t.length}, p95 ${pct(t, 95).toFixed(1)} ms; one-way replication (ours: the whole sync.start, push phases included)`,
    });
  }
  if (peerData.changed.length) {
    const t = peerData.changed;
    ms.changed = median(t);
    rows.push({
      item: '3',
      measure: `${N.changed} changed on the server among ${n.toLocaleString('en')} docs`,
      engine: 'pouchdb',
      value: median(t),
      unit: 'ms',
      note: `median of ${t.length} rounds (${t.map((x) => x.toFixed(0)).join(', ')} ms); each round ${N.changed} documents updated through _bulk_docs, then replicated remote → local`,
    });
  }
  const p = peerData.push;
  if (p) {
    ms.push = p.ms;
    rows.push({
      item: '4',
      measure: `push ${N.push.toLocaleString('en')} created locally (local → remote)`,
      engine: 'pouchdb',
      value: p.ms / 1000,
      unit: 's',
      note: `${Math.round(N.push / (p.ms / 1000))} docs/s into an empty server database, ${settings}; creating them locally (bulkDocs of 1,000) took ${(p.createMs / 1000).toFixed(1)} s (not counted); ${Math.round(p.bytesPerDoc)} bytes of JSON per doc`,
    });
  }
  for (const r of rows) {
    const v = r.peerOf && ms[r.peerOf];
    if (v === undefined || !r.peerOf) continue;
    r.peer = r.unit === 's' ? v / 1000 : v;
    r.peerRatio = r.value / r.peer;
  }
  details.peer = {
    dir: PEER_DIR,
    versions: (JSON.parse(readFileSync(join(PEER_DIR, 'package.json'), 'utf8')) as { dependencies: object })
      .dependencies,
    settings: PEER_BATCH,
    skipped: peerSkip,
    ms,
    ...peerData,
  };
}

// ---- 1. first sync -----------------------------------------------------------------------------

async function firstSync(engine: Engine, cluster: PgCluster | null): Promise<void> {
  const n = N.firstSync;
  const { storage, db, s } = await seeded(engine, `first_${engine}`, n, cluster);
  let open: Db | null = db;
  try {
    const expected = await serverFingerprint(db, s.indicatorId);
    // The engine's default batch, then larger ones (the server allows up to 5000) to show what the per-batch
    // round trip costs. PGlite cannot be read by the floor while the server holds it: default batch only.
    const batches = engine === 'postgres' ? [PULL_BATCH, 500, 5000] : [PULL_BATCH];
    const floors = new Map<number, Awaited<ReturnType<typeof firstSyncFloor>>>();
    if (engine === 'pglite') {
      floors.set(PULL_BATCH, await firstSyncFloor(db, BENCH_INDICATOR, PULL_BATCH));
      await db.close();
      open = null;
    }
    await withServer(storage, `first-sync-${engine}`, async (srv) => {
      for (const batch of batches) {
        // Floor and sync measured back to back, so machine load hits both alike.
        if (open) floors.set(batch, await firstSyncFloor(open, BENCH_INDICATOR, batch));
        const floor = floors.get(batch)!;
        ensure(floor.rows === n, `floor read ${floor.rows} rows`);
        const dev = await device(
          srv,
          benchUser(0),
          batch === PULL_BATCH ? prof(`first-sync-${engine}-device`) : undefined,
        );
        const byDefault = batch === PULL_BATCH;
        let sync: SyncReply;
        let memory = '';
        try {
          // The device's peak RSS during the sync (the peer's is measured the same way).
          const idle = procMemory(dev.d.pid).rssMb;
          const reset = resetPeak(dev.d.pid);
          sync = await dev.sync('first sync', byDefault ? undefined : { pullBatch: batch });
          const peak = procMemory(dev.d.pid).hwmMb;
          memory = `; device peak RSS ${peak.toFixed(0)} MB (idle ${idle.toFixed(0)} MB, +${(peak - idle).toFixed(0)} MB${reset ? '' : ', peak counter not reset'})`;
          await expectSame(dev, expected, 'first sync');
        } finally {
          await dev.close();
        }
        rows.push({
          item: '1',
          measure: `first sync, ${n.toLocaleString('en')} obs${byDefault ? '' : `, pull batch ${batch}`}`,
          engine,
          value: sync.ms / 1000,
          unit: 's',
          floor: floor.ms / 1000,
          ratio: sync.ms / floor.ms,
          target: '≤ 2× floor',
          met: sync.ms <= 2 * floor.ms,
          note: `${Math.round(n / (sync.ms / 1000))} obs/s vs floor ${Math.round(n / (floor.ms / 1000))} obs/s (floor: read ${(floor.readMs / 1000).toFixed(2)} s, JSON ${(floor.jsonMs / 1000).toFixed(2)} s, SQLite ${(floor.insertMs / 1000).toFixed(2)} s)${byDefault ? `; engine default batch ${PULL_BATCH}` : '; engine built with this pull batch'}${memory}`,
          peerOf: 'firstSync',
        });
        details[`firstSync.${engine}.batch${batch}`] = {
          n,
          batch,
          syncMs: sync.ms,
          obsPerS: n / (sync.ms / 1000),
          floor,
          memory,
        };
        // The peer's first sync right after ours, so machine load hits both alike.
        if (byDefault && peerItems.has('1')) await peerFirstSync();
      }
    });
  } finally {
    await open?.close();
    await storage.remove();
  }
}

// ---- 2 (10k). no-change sync at the small size -------------------------------------------------

interface SmallDevice {
  /** One no-change sync of the device that holds the small data set; its time in ms. */
  sync(): Promise<number>;
  close(): Promise<void>;
}

/** A server with N.small observations and a device that holds them all, kept running for interleaved measures. */
async function smallDevice(engine: Engine, cluster: PgCluster | null): Promise<SmallDevice> {
  const { storage, db, s } = await seeded(engine, `small_${engine}`, N.small, cluster);
  const expected = await serverFingerprint(db, s.indicatorId);
  await db.close();
  const srv = await startServer(storage.server, storage.mediaDir, prof(`nochange-small-${engine}-server`));
  const dev = await device(srv);
  await dev.sync('first sync (small)');
  await expectSame(dev, expected, 'first sync (small)');
  for (let i = 0; i < 3; i++) await dev.sync('warm-up'); // JIT of the server and the device
  return {
    sync: async () => (await dev.sync('no-change sync (small)')).ms,
    async close() {
      await dev.close();
      await srv.stop();
      await storage.remove();
    },
  };
}

function smallRow(engine: Engine, times: number[]): number {
  const m = median(times);
  rows.push({
    item: '2',
    measure: `no-change sync, ${N.small.toLocaleString('en')} obs`,
    engine,
    value: m,
    unit: 'ms',
    note: `median of ${times.length}, p95 ${pct(times, 95).toFixed(1)} ms`,
    peerOf: 'noChange',
  });
  details[`noChange.small.${engine}`] = { n: N.small, times };
  return m;
}

// ---- 2 (1M), 3, 5, 6: one large server and one device that first-syncs all of it ---------------------

async function large(cluster: PgCluster, small: SmallDevice | null): Promise<void> {
  const n = N.large;
  const { storage, db, s } = await seeded('postgres', 'large', n, cluster);
  try {
    let expected = await serverFingerprint(db, s.indicatorId);
    await withServer(storage, 'large', async (srv) => {
      const first_ = await device(srv, benchUser(0), prof('large-first-sync-device'));
      let dev = first_;
      try {
        // 6. Memory: idle = logged in, store open, nothing syncing; peak counter reset at that point.
        await new Promise((r) => setTimeout(r, 500));
        const idle = procMemory(dev.d.pid).rssMb;
        const reset = resetPeak(dev.d.pid);
        const first = await dev.sync('first sync (large)');
        const peak = procMemory(dev.d.pid).hwmMb;
        await expectSame(dev, expected, 'first sync (large)');
        if (only.has('6')) {
          rows.push({
            item: '6',
            measure: `peak RSS above idle, first sync of ${n.toLocaleString('en')} obs`,
            engine: 'postgres',
            value: peak - idle,
            unit: 'MB',
            target: '< 300 MB',
            met: peak - idle < 300,
            note: `idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB${reset ? '' : ' (peak counter could not be reset: includes start-up)'}; sync took ${(first.ms / 1000).toFixed(1)} s = ${Math.round(n / (first.ms / 1000))} obs/s`,
          });
        }
        details.large = { n, idleRssMb: idle, peakRssMb: peak, peakReset: reset, firstSyncMs: first.ms };
        // The app restarts (same data): later profiles show the no-change and small-change syncs alone.
        await dev.quit();
        dev = await device(srv, benchUser(0), prof('large-later-syncs-device'), first_.dir);

        // 2. No-change sync at the large size, interleaved with the small one so machine load hits both alike.
        const times: number[] = [];
        const smallTimes: number[] = [];
        for (let i = 0; i < 3; i++) await dev.sync('warm-up');
        const withPeer = peerItems.has('2');
        if (withPeer) await peerWarmUp();
        for (let i = 0; i < 11; i++) {
          if (small) smallTimes.push(await small.sync());
          times.push((await dev.sync('no-change sync (large)')).ms);
          if (withPeer) await peerNoChange();
        }
        const noChange = median(times);
        if (only.has('2')) {
          const smallMs = small ? smallRow('postgres', smallTimes) : null;
          rows.push({
            item: '2',
            measure: `no-change sync, ${n.toLocaleString('en')} obs`,
            engine: 'postgres',
            value: noChange,
            unit: 'ms',
            ...(smallMs !== null
              ? {
                  floor: smallMs,
                  ratio: noChange / smallMs,
                  target: `≤ 1.5× the ${N.small.toLocaleString('en')} figure`,
                  met: noChange <= 1.5 * smallMs,
                }
              : {}),
            note: `median of ${times.length}, p95 ${pct(times, 95).toFixed(1)} ms, interleaved with the ${N.small.toLocaleString('en')} syncs${withPeer ? " and the peer's" : ''}; floor/ref column = the ${N.small.toLocaleString('en')} figure`,
            peerOf: 'noChange',
          });
        }
        (details.large as Record<string, unknown>).noChangeMs = times;

        // 3. Small change: N.changed observations changed on the server (one CSV-like import), device syncs.
        if (only.has('3')) {
          const changeTimes: number[] = [];
          for (let round = 0; round < 5; round++) {
            const changed = await changeOnServer(db, s, N.changed, round);
            ensure(changed === N.changed, `changed ${changed} rows`);
            expected = await serverFingerprint(db, s.indicatorId);
            changeTimes.push((await dev.sync('small-change sync')).ms);
            await expectSame(dev, expected, 'small-change sync');
            if (peerItems.has('3')) await peerChanged(round);
          }
          const m = median(changeTimes);
          rows.push({
            item: '3',
            measure: `${N.changed} changed among ${n.toLocaleString('en')}`,
            engine: 'postgres',
            value: m,
            unit: 'ms',
            floor: noChange,
            ratio: m / noChange,
            target: '≤ 2× no-change',
            met: m <= 2 * noChange,
            note: `median of 5 rounds${peerItems.has('3') ? ", each followed by the peer's" : ''}; floor/ref column = the no-change figure at this size`,
            peerOf: 'changed',
          });
          (details.large as Record<string, unknown>).smallChangeMs = changeTimes;
          // Where the time goes, request by request: 5 traced no-change syncs, then 5 traced small changes (medians).
          const quiet: SyncReply[] = [];
          const changed: SyncReply[] = [];
          for (let i = 0; i < 5; i++) quiet.push(await dev.sync('traced no-change sync', { trace: true }));
          for (let i = 0; i < 5; i++) {
            await changeOnServer(db, s, N.changed, 10 + i);
            expected = await serverFingerprint(db, s.indicatorId);
            changed.push(await dev.sync('traced small-change sync', { trace: true }));
            await expectSame(dev, expected, 'traced small-change sync');
          }
          rows.push({
            item: '3',
            measure: 'traced: small change vs no-change, per request',
            engine: 'postgres',
            value: median(changed.map((r) => r.ms)),
            unit: 'ms',
            floor: median(quiet.map((r) => r.ms)),
            ratio: median(changed.map((r) => r.ms)) / median(quiet.map((r) => r.ms)),
            note: `median of 5 each; the median sync of each kind — no-change: ${traceSummary(quiet)} | small change: ${traceSummary(changed)}`,
          });
          (details.large as Record<string, unknown>).trace = { noChange: quiet, smallChange: changed };
        }

        // 5. Browse the device's store (n local observations).
        if (only.has('5')) {
          const browse = async (text: string) =>
            dev.d.call<Browse>({
              cmd: 'browse',
              indicatorCode: BENCH_INDICATOR,
              filter: { ...middleMonths(n), text },
              pages: 60,
              firstPages: 20,
            });
          const typical = await browse('flood');
          const all = [...typical.firstPageMs, ...typical.nextPageMs];
          rows.push({
            item: '5',
            measure: `browse p95: 200 rows, time + text filter, ${n.toLocaleString('en')} local`,
            engine: 'sqlite',
            value: pct(all, 95),
            unit: 'ms',
            target: 'p95 ≤ 20 ms',
            met: pct(all, 95) <= 20,
            note: `median ${median(all).toFixed(2)} ms; first page p95 ${pct(typical.firstPageMs, 95).toFixed(2)} ms, next pages p95 ${pct(typical.nextPageMs, 95).toFixed(2)} ms (text "flood" matches 1 row in 10)`,
          });
          const rare = await browse('no such text');
          rows.push({
            item: '5',
            measure: 'browse p95, text matching nothing (worst case)',
            engine: 'sqlite',
            value: pct([...rare.firstPageMs, ...rare.nextPageMs], 95),
            unit: 'ms',
            note: `median ${median([...rare.firstPageMs, ...rare.nextPageMs]).toFixed(1)} ms; every row in the time range is read`,
          });
          details.browse = { typical, rare };
        }
        if (opts.profile) details.explain = await explainPulls(db, s, await deviceRowId(db));
      } finally {
        await dev.close();
      }
    });
  } finally {
    await db.close();
    await storage.remove();
  }
}

/** The traced sync of median duration, request by request: "T ms = N requests W ms + device D ms [GET /a 1.2, ...]". */
function traceSummary(runs: SyncReply[]): string {
  const r = [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)]!;
  const reqs = r.trace ?? [];
  const waiting = reqs.reduce((acc, q) => acc + q.ms, 0);
  const list = reqs.map((q) => `${q.method} ${q.path} ${q.ms.toFixed(1)}`).join(', ');
  return `${r.ms.toFixed(1)} ms = ${reqs.length} requests ${waiting.toFixed(1)} ms + device ${(r.ms - waiting).toFixed(1)} ms [${list}]`;
}

/** A time filter over the middle 60% of the seeded observations (months, as the UI's filter offers). */
function middleMonths(n: number): { from: string; to: string } {
  const at = (g: number) => seededTimestamp(Math.round(g)).slice(0, 7);
  return { from: at(0.2 * n), to: at(0.8 * n) };
}

/** The measured device's server id (the most recently seen device that is not the field device). */
async function deviceRowId(db: Db): Promise<number> {
  const [r] = await db.query<{ id: number }>('SELECT device_id AS id FROM sync_cursor ORDER BY synced_at DESC LIMIT 1');
  return r!.id;
}

// ---- 4. push ---------------------------------------------------------------------------------------

async function push(engine: Engine, cluster: PgCluster | null): Promise<void> {
  const n = N.push;
  const { storage, db, s } = await seeded(engine, `push_${engine}`, 0, cluster);
  try {
    await db.close();
    const { sync, createMs } = await withServer(storage, `push-${engine}`, async (srv) => {
      // Field work: observations created offline, then the app quits; the sync runs after a restart.
      const field = await device(srv);
      await field.sync('empty first sync');
      const created = await field.d.call<SyncReply>({ cmd: 'create', indicatorCode: BENCH_INDICATOR, n, seed: 1 });
      await field.quit();
      const dev = await device(srv, benchUser(0), prof(`push-${engine}-device`), field.dir);
      try {
        const r = await dev.sync('push');
        ensure(r.pending === 0, `${r.pending} changes still pending after the push`);
        return { sync: r, createMs: created.ms };
      } finally {
        await dev.close();
      }
    });
    // The peer's push right after ours, so machine load hits both alike.
    if (peerItems.has('4')) await peerPush();
    const db2 = await storage.open();
    try {
      const [{ count } = { count: 0 }] = await db2.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM observation',
      );
      ensure(count === n, `server holds ${count} observations after the push of ${n}`);
      const floor = await pushFloor(db2, s, n, PUSH_BATCH);
      const [user] = await db2.query<{ id: number; login: string }>('SELECT id, login FROM app_user WHERE login = $1', [
        benchUser(0),
      ]);
      const handler = await pushHandler(db2, BENCH_INDICATOR, user!, n, PUSH_BATCH);
      rows.push({
        item: '4',
        measure: `push ${n.toLocaleString('en')} created offline`,
        engine,
        value: sync.ms / 1000,
        unit: 's',
        floor: floor.ms / 1000,
        ratio: sync.ms / floor.ms,
        target: '≤ 2× floor',
        met: sync.ms <= 2 * floor.ms,
        note: `${Math.round(n / (sync.ms / 1000))} obs/s; floor = the server's batched insert of ${PUSH_BATCH} per transaction (import, rows, holdings); the server's push handler in-process (validation, look-ups, response rows): ${(handler.ms / 1000).toFixed(2)} s; creating them offline took ${(createMs / 1000).toFixed(1)} s (not counted)`,
        peerOf: 'push',
      });
      details[`push.${engine}`] = { n, syncMs: sync.ms, createMs, floor, handlerMs: handler.ms };
    } finally {
      await db2.close();
    }
  } finally {
    await storage.remove();
  }
}

// ---- 7. server under load --------------------------------------------------------------------------

async function fleet(cluster: PgCluster): Promise<void> {
  const { storage, db, s } = await seeded('postgres', 'fleet', N.fleetBase, cluster, N.fleet);
  try {
    await withServer(storage, 'fleet', async (srv) => {
      // A second server process on the same database, and a round-robin balancer in front of both:
      // the devices talk to the balancer, which uses one or both processes as each measure says.
      const srv2 = await startServer(storage.server, storage.mediaDir, prof('fleet-server-2'));
      const lb = await startBalancer([srv.baseUrl, srv2.baseUrl]);
      const devices: Device[] = [];
      try {
        for (let i = 1; i <= N.fleet; i++) devices.push(await device({ ...srv, baseUrl: lb.baseUrl }, benchUser(i)));
        await Promise.all(devices.map((d) => d.sync('fleet first sync')));
        const create = (round: number) =>
          Promise.all(
            devices.map((d, i) =>
              d.d.call({ cmd: 'create', indicatorCode: BENCH_INDICATOR, n: N.fleetChanges, seed: round * 100 + i + 1 }),
            ),
          );
        const converge = async (what: string) => {
          for (const d of devices) await d.sync(what);
          const expected = await serverFingerprint(db, s.indicatorId);
          for (const d of devices) await expectSame(d, expected, what);
          return expected.count;
        };
        const together = async (what: string) => {
          const t = performance.now();
          const results = await Promise.allSettled(devices.map((d) => d.sync(what)));
          const ms = performance.now() - t;
          const failed = results
            .filter((r) => r.status === 'rejected')
            .map((r) => String((r as PromiseRejectedResult).reason));
          ensure(failed.length === 0, `${failed.length} of ${N.fleet} concurrent syncs failed (${what}): ${failed[0]}`);
          return ms;
        };

        // One device at a time, one process: each pushes its changes and pulls what the earlier ones pushed.
        lb.use([srv.baseUrl]);
        await create(1);
        const alone: number[] = [];
        for (const d of devices) alone.push((await d.sync('fleet, one at a time')).ms);
        await converge('fleet convergence after the sequential round');

        // All at once, each with its own changes: one process, then two.
        await create(2);
        const one = await together('fleet, all at once, one process');
        await converge('fleet convergence after the concurrent round (one process)');
        lb.use([srv.baseUrl, srv2.baseUrl]);
        await create(3);
        const two = await together('fleet, all at once, two processes');
        const split = lb.counts();
        ensure(
          split.every((n) => n > 0),
          `the balancer sent no connection to a process (${split.join(' / ')})`,
        );
        const total = await converge('fleet convergence after the concurrent round (two processes)');
        ensure(total === N.fleetBase + 3 * N.fleet * N.fleetChanges, `server holds ${total} observations`);
        const sum = alone.reduce((a, b) => a + b, 0);
        rows.push({
          item: '7',
          measure: `${N.fleet} devices at once, ${N.fleetChanges} changes each (${N.fleetBase.toLocaleString('en')} base)`,
          engine: 'postgres',
          value: one / 1000,
          unit: 's',
          floor: sum / 1000,
          ratio: one / sum,
          target: 'no errors, all converge; vs 1 device × 20',
          met: true,
          note: `floor/ref column = the ${N.fleet} same syncs one at a time (sum); every device converged to the server's ${total} observations, 0 errors`,
        });
        rows.push({
          item: '7',
          measure: `${N.fleet} devices at once on 2 server processes (one PostgreSQL, round-robin balancer)`,
          engine: 'postgres',
          value: two / 1000,
          unit: 's',
          floor: one / 1000,
          ratio: two / one,
          target: 'no errors, all converge',
          met: true,
          note: `floor/ref column = the same round on one process; connections per process ${split.join(' / ')}; all converged, 0 errors`,
        });
        details.fleet = { alone, togetherMs: one, twoProcessesMs: two, connectionsPerProcess: split, total };
      } finally {
        for (const d of devices) await d.close();
        await lb.close();
        await srv2.stop();
      }
    });
  } finally {
    await db.close();
    await storage.remove();
  }
}

// ---- 8. the analyst's desk: chart, map, exports ------------------------------------------------

/** Runs test/bench/analyst.ts in its own process (its peak RSS is the export's alone). */
async function analyst(n: number): Promise<void> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test', 'bench', 'analyst.ts'), String(n), '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`analyst bench exited with ${code}`))));
  });
  const measured = JSON.parse(out.trim().split('\n').at(-1)!) as Row[];
  rows.push(...measured);
  details['analyst'] = { n, rows: measured };
}

// ---- main ------------------------------------------------------------------------------------------

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const t = performance.now();
  log(`${name}…`);
  try {
    await fn();
    log(`${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } catch (err) {
    const msg = `${name}: ${err instanceof Error ? err.message : String(err)}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
  }
}

const pg = await openCluster({ logSlowMs: opts.profile ? 20 : null });
const cluster = 'cluster' in pg ? pg.cluster : null;
if (!cluster) log(`PostgreSQL measures skipped: ${'reason' in pg ? pg.reason : ''}`);
else log(`PostgreSQL: ${cluster.describe} (${JSON.stringify(cluster.settings)})`);
const pgEngines = engines.filter((e) => e === 'pglite' || cluster);
try {
  if (peerItems.size) await step('P. PouchDB peer: install, start, seed', openPeer);
  if (only.has('1')) for (const e of pgEngines) await step(`1. first sync (${e})`, () => firstSync(e, cluster));
  if (only.has('2') && engines.includes('pglite')) {
    await step('2. no-change sync, small (pglite)', async () => {
      const small = await smallDevice('pglite', null);
      try {
        const times: number[] = [];
        for (let i = 0; i < 11; i++) times.push(await small.sync());
        smallRow('pglite', times);
      } finally {
        await small.close();
      }
    });
  }
  if (cluster && ['2', '3', '5', '6'].some((i) => only.has(i))) {
    await step('2/3/5/6. large store (and the small one, interleaved)', async () => {
      const small = only.has('2') ? await smallDevice('postgres', cluster) : null;
      try {
        await large(cluster, small);
      } finally {
        await small?.close();
      }
    });
  }
  if (only.has('4')) for (const e of pgEngines) await step(`4. push (${e})`, () => push(e, cluster));
  if (cluster && only.has('7')) await step('7. server under load', () => fleet(cluster));
  if (only.has('8')) await step(`8. analyst views and exports at ${N.large} observations`, () => analyst(N.large));
  if (cluster && only.has('9')) {
    await step('9. server storage per device', async () => {
      const r = await holdingsBench(cluster, { n: N.large, devices: 100, changed: N.changed, log });
      rows.push(...r.rows);
      Object.assign(details, r.details);
    });
  }
  if (peer) await step('P. PouchDB peer: measures not taken beside ours', peerRest);
} finally {
  await peer?.close();
  if (opts.profile && cluster) details.slowStatements = cluster.slowStatements().slice(0, 25);
  await cluster?.stop();
}

if (peerItems.size) peerRows();
rows.sort((a, b) => a.item.localeCompare(b.item));
const durationS = (Date.now() - started) / 1000;
console.log(
  `\nG-Obs benchmark${opts.quick ? ' (quick: N / 10)' : ''} — ${machine().cpus} × ${machine().cpuModel}, Node ${process.version}, ${durationS.toFixed(0)} s, load average ${loadAtStart[0]!.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}\n`,
);
console.log(table(rows));
for (const r of rows) if (r.note) console.log(`  ${r.item} ${r.measure} [${r.engine}]: ${r.note}`);
if (profileDir) console.log(`\n${summariseProfiles(profileDir)}`);
if (opts.profile && details.slowStatements) {
  console.log('\nPostgreSQL statements over 20 ms (total, count, max):');
  for (const g of details.slowStatements as ReturnType<PgCluster['slowStatements']>) {
    console.log(
      `  ${(g.totalMs / 1000).toFixed(2).padStart(7)} s ${String(g.count).padStart(5)}× max ${g.maxMs.toFixed(0).padStart(5)} ms  ${g.statement}`,
    );
  }
}
if (peerSkip) console.log(`\n${'!'.repeat(12)} PouchDB PEER SKIPPED: ${peerSkip} ${'!'.repeat(12)}`);
if (errors.length) console.log(`\nFAILED:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
writeResults(opts.output, {
  startedAt: new Date(started).toISOString(),
  durationS,
  quick: opts.quick,
  n: N,
  machine: machine(),
  /** Other work on the machine during the run (1, 5, 15 min load averages at start and end). */
  loadAverage: { start: loadAtStart, end: os.loadavg() },
  postgres: cluster ? { source: cluster.describe, settings: cluster.settings } : null,
  rows,
  details,
  errors,
});
console.log(`\nwrote ${opts.output}`);
process.exit(errors.length ? 1 : 0);
