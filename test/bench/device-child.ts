/**
 * One desktop device for the benchmark, in a process of its own: the real main core (handler
 * table, SQLite store, sync engine) over a data folder, driven by the benchmark over Node's IPC
 * channel. Run by test/bench/lib/procs.ts: node --import tsx test/bench/device-child.ts <dataDir>
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ObservationFilter } from '../../src/shared/ipc';
import { HttpClient } from '../../src/main/remote/http';
import { createTestDesktop, openSyncEngine } from '../helpers/desktop';
import { fieldEntry } from './lib/field';

export type DeviceRequest =
  | { cmd: 'ping' }
  | { cmd: 'login'; serverUrl: string; username: string; password: string }
  /** A sync through the bridge (the app's sync.start), or with other batch sizes than the engine's defaults. */
  | { cmd: 'sync'; pullBatch?: number; pushBatch?: number; trace?: boolean }
  | { cmd: 'create'; indicatorCode: string; n: number; seed: number }
  | { cmd: 'fingerprint'; indicatorCode: string }
  | { cmd: 'browse'; indicatorCode: string; filter: ObservationFilter; pages: number; firstPages: number }
  | { cmd: 'exit' };

export type DeviceReply =
  | { ok: true }
  | {
      ms: number;
      state: string;
      lastError: string | null;
      problems: unknown[];
      pending: number;
      trace?: TracedRequest[];
    }
  | { count: number; hash: string; states: Record<string, number> }
  | { firstPageMs: number[]; nextPageMs: number[]; rows: number }
  | { error: string };

export interface TracedRequest {
  method: string;
  path: string;
  status: number | string;
  /** From the call to the parsed answer (HTTP + server + axios), in ms. */
  ms: number;
  /** Start, relative to the start of the sync. */
  at: number;
}

/**
 * Per-request timing for one sync, taken by wrapping the HTTP client's single entry point in this
 * benchmark process (src/main is not changed): what the sync waited for, request by request; the rest
 * of the sync's time is the device's own work.
 */
let tracing: { t0: number; requests: TracedRequest[] } | null = null;
const originalRaw = HttpClient.prototype.raw;
HttpClient.prototype.raw = async function (this: HttpClient, ...args: Parameters<HttpClient['raw']>) {
  if (!tracing) return originalRaw.apply(this, args);
  const trace = tracing;
  const start = performance.now();
  const path = args[1].replace(/\/[0-9a-f-]{36}/g, '/:uuid');
  try {
    const res = await originalRaw.apply(this, args);
    trace.requests.push({
      method: args[0].toUpperCase(),
      path,
      status: res.status,
      ms: performance.now() - start,
      at: start - trace.t0,
    });
    return res;
  } catch (err) {
    trace.requests.push({
      method: args[0].toUpperCase(),
      path,
      status: (err as Error).message,
      ms: performance.now() - start,
      at: start - trace.t0,
    });
    throw err;
  }
};

const dataDir = process.argv[2] ?? '';
if (!dataDir || !process.send) throw new Error('usage (as a forked child): device-child.ts <dataDir>');
const send = (m: object) => process.send!(m);

const desktop = await createTestDesktop({ dataDir, autoSync: false });
const gobs = desktop.gobs;

/** A read-only view of the store's SQLite file, for fingerprints the IPC contract has no channel for. */
function storeFile(): string {
  const accounts = join(dataDir, 'accounts');
  const [key] = readdirSync(accounts);
  if (!key) throw new Error('no account store yet');
  return join(accounts, key, 'store.sqlite');
}

/** The engine as src/main builds it, with other batch sizes (test/fixtures/sync-child.ts does the same). */
async function engineSync(pullBatch: number, pushBatch: number) {
  // One page size throughout, a bulk load's too: the row measures that size.
  const sync = openSyncEngine(dataDir, { autoSync: false, pullBatch, pushBatch, bulkPullBatch: pullBatch });
  try {
    return await sync.engine.start();
  } finally {
    await sync.close();
  }
}

async function handle(req: DeviceRequest): Promise<DeviceReply> {
  switch (req.cmd) {
    case 'ping':
      return { ok: true };
    case 'login':
      await gobs.auth.login({ serverUrl: req.serverUrl, username: req.username, password: req.password });
      return { ok: true };
    case 'sync': {
      const t = performance.now();
      const trace = req.trace ? { t0: t, requests: [] as TracedRequest[] } : null;
      tracing = trace;
      let s;
      try {
        s =
          req.pullBatch || req.pushBatch
            ? await engineSync(req.pullBatch ?? 500, req.pushBatch ?? 500)
            : await gobs.sync.start({});
      } finally {
        tracing = null;
      }
      return {
        ms: performance.now() - t,
        state: s.state,
        lastError: s.lastError?.message ?? null,
        problems: s.problems,
        pending: s.pendingChanges,
        ...(trace ? { trace: trace.requests } : {}),
      };
    }
    case 'create': {
      const t = performance.now();
      for (let i = 0; i < req.n; i++) {
        await gobs.observations.create({ indicatorCode: req.indicatorCode, ...fieldEntry(req.seed, i) });
      }
      return { ms: performance.now() - t, state: 'idle', lastError: null, problems: [], pending: req.n };
    }
    case 'fingerprint': {
      const db = new Database(storeFile(), { readonly: true, fileMustExist: true });
      try {
        const rows = db
          .prepare('SELECT uuid, import FROM observation WHERE indicator_code = ? ORDER BY uuid')
          .raw()
          .all(req.indicatorCode) as [string, number | null][];
        const states = Object.fromEntries(
          (db.prepare('SELECT state, count(*) FROM observation GROUP BY state').raw().all() as [string, number][]).map(
            ([s, n]) => [s, n],
          ),
        );
        const text = rows.map(([u, i]) => `${u}:${i ?? ''}`).join(',');
        return { count: rows.length, hash: rows.length ? createHash('md5').update(text).digest('hex') : '', states };
      } finally {
        db.close();
      }
    }
    case 'browse': {
      // What the observation table does: a first page per filter change, then pages by cursor while scrolling.
      const args = {
        indicatorCode: req.indicatorCode,
        sort: { column: 'timestamp', direction: 'desc' } as const,
        filter: req.filter,
        limit: 200,
      };
      const firstPageMs: number[] = [];
      const nextPageMs: number[] = [];
      let rows = 0;
      for (let i = 0; i < req.firstPages; i++) {
        const t = performance.now();
        const page = await gobs.observations.list(args);
        firstPageMs.push(performance.now() - t);
        rows = page.rows.length;
      }
      let cursor: string | null = null;
      for (let i = 0; i < req.pages; i++) {
        const t = performance.now();
        const page: { rows: unknown[]; nextCursor: string | null } = await gobs.observations.list({ ...args, cursor });
        nextPageMs.push(performance.now() - t);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return { firstPageMs, nextPageMs, rows };
    }
    case 'exit':
      await desktop.close();
      process.exit(0);
  }
}

process.on('message', (m: DeviceRequest & { id: number }) => {
  handle(m).then(
    (r) => send({ ...r, id: m.id }),
    (err: unknown) => send({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), id: m.id }),
  );
});
