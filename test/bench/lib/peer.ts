/**
 * The benchmark's peer: PouchDB replication doing the same work as our sync, in the same run. A sub-package
 * (test/bench/peers/pouchdb: its own package.json and lock, never a dependency of the app) installed here on
 * first use with `npm ci` into its own node_modules. Its server (express-pouchdb on LevelDB) and its device
 * (PouchDB on LevelDB) run as processes of their own on loopback, like ours; the documents are the
 * observations our seeding produces (seededObservation, fieldEntry), with a uuid `_id`. Every replication's
 * outcome is checked (PouchDB's own counts, then the documents on both sides) before its time is used.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldEntry } from './field';
import { IpcChild, procMemory, profileArgs, resetPeak, type ProfileOptions } from './procs';
import { BENCH_INDICATOR, seededObservation, valueList } from './seed';

export const PEER_DIR = join(import.meta.dirname, '..', 'peers', 'pouchdb');
/** Replication settings: 1,000 per batch, 10 batches ahead (PouchDB's defaults, 100 and 10, took 1.2–1.4× as long here). */
export const PEER_BATCH = { batchSize: 1000, batchesLimit: 10 };
export const PEER_DEFAULTS = { batchSize: 100, batchesLimit: 10 };
/** Documents per `_bulk_docs` request when seeding the server. */
const SEED_BATCH = 5000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** The peer cannot be installed or started here: the benchmark goes on without it, saying so. */
export class PeerUnavailable extends Error {}

const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(join(PEER_DIR, 'package.json')))
    .update(readFileSync(join(PEER_DIR, 'package-lock.json')))
    .digest('hex');
const stampFile = () => join(PEER_DIR, 'node_modules', '.gobs-bench-lock');

/** `npm ci` in the peer's folder unless its node_modules was installed from this very lock file. */
export async function installPeer(log: (s: string) => void): Promise<{ installedNow: boolean; ms: number }> {
  const t = performance.now();
  const hash = lockHash();
  if (existsSync(stampFile()) && readFileSync(stampFile(), 'utf8') === hash) return { installedNow: false, ms: 0 };
  log(`PouchDB peer: npm ci in ${PEER_DIR} (first use)…`);
  // npm passes its configuration to scripts as npm_* variables; an inherited local prefix would make this
  // `npm ci` act on the repository's own package instead of the peer's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const child = spawn('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PEER_DIR], {
    cwd: PEER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(0, 64_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
  const code = await new Promise<number | string>((resolve) => {
    child.once('error', (err) => resolve(err.message));
    child.once('exit', (c, signal) => resolve(c ?? `signal ${signal}`));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    // npm's first error lines say why (code, then the message); its stack trace and log path do not.
    const lines = out.split('\n').filter((l) => /^npm (error|ERR!) \S/.test(l));
    throw new PeerUnavailable(
      `npm ci failed (${code}): ${(lines.length ? lines : [out.trim()]).slice(0, 4).join(' | ')}`,
    );
  }
  writeFileSync(stampFile(), hash);
  return { installedNow: true, ms: performance.now() - t };
}

interface PeerServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startPeerServer(dataDir: string, profile?: ProfileOptions): Promise<PeerServer> {
  const child = spawn(process.execPath, [...profileArgs(profile), join(PEER_DIR, 'server.mjs'), dataDir], {
    cwd: PEER_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/PouchDB peer server listening on (\S+)/);
      if (m) resolve(m[1]!);
    });
    child.once('error', (err) => reject(new PeerUnavailable(`server did not start: ${err.message}`)));
    child.once('exit', (code) => {
      // Node prints the error's own line (e.g. "Error [ERR_MODULE_NOT_FOUND]: Cannot find package …") amid its context.
      const why =
        stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new PeerUnavailable(`server exited (${code}) before listening: ${why}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

type Direction = 'pull' | 'push';
type PeerRequest =
  | { cmd: 'ping' }
  | { cmd: 'replicate'; db: string; remote: string; direction: Direction; batchSize: number; batchesLimit: number }
  | { cmd: 'write'; db: string; docs: object[] }
  | { cmd: 'fingerprint'; db: string }
  | { cmd: 'get'; db: string; ids: string[] }
  | { cmd: 'exit' };
interface Outcome {
  ok: boolean;
  status: string;
  docsRead: number;
  docsWritten: number;
  failures: number;
  errors: string[];
}
type PeerReply =
  | { ok: true }
  | ({ ms: number } & Partial<Record<Direction, Outcome>>)
  | { ms: number }
  | Fingerprint
  | { docs: (PeerDoc | null)[] };
interface Fingerprint {
  count: number;
  docCount?: number;
  hash: string;
}
interface PeerDoc {
  _id: string;
  _rev: string;
  values: { name: string; type: string; value: number | boolean | string }[];
}

class PeerClient extends IpcChild<PeerRequest, PeerReply> {
  static async start(dataDir: string, profile?: ProfileOptions): Promise<PeerClient> {
    const child = spawn(process.execPath, [...profileArgs(profile), join(PEER_DIR, 'client.mjs'), dataDir], {
      cwd: PEER_DIR,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const c = new PeerClient(child, 'PouchDB client');
    await c.call({ cmd: 'ping' });
    return c;
  }

  /** One replication with the peer's settings, its outcome checked: complete, no failure, `written` documents. */
  async replicate(
    db: string,
    remote: string,
    direction: Direction,
    written: number,
    what: string,
    settings = PEER_BATCH,
  ): Promise<number> {
    const r = await this.call<{ ms: number } & Partial<Record<Direction, Outcome>>>({
      cmd: 'replicate',
      db,
      remote,
      direction,
      ...settings,
    });
    const o = r[direction];
    if (!o?.ok || o.status !== 'complete' || o.failures !== 0 || o.errors.length)
      throw new Error(`PouchDB ${what}: replication ended ${JSON.stringify(o)}`);
    if (o.docsWritten !== written) throw new Error(`PouchDB ${what}: wrote ${o.docsWritten} documents, not ${written}`);
    return r.ms;
  }
}

/** `{id}:{winning rev}` of every document, as the client computes it (client.mjs `fingerprint`). */
function fingerprintOf(rows: { id: string; value: { rev: string } }[]): Fingerprint {
  const text = rows
    .map((r) => `${r.id}:${r.value.rev}`)
    .sort()
    .join(',');
  return { count: rows.length, hash: createHash('md5').update(text).digest('hex') };
}

async function http<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`PouchDB server: ${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

type BulkResult = { id: string; rev?: string; ok?: boolean; error?: string; reason?: string }[];

async function bulkDocs(dbUrl: string, docs: object[], what: string): Promise<BulkResult> {
  const res = await http<BulkResult>('POST', `${dbUrl}/_bulk_docs`, { docs });
  const failed = res.filter((r) => !r.ok);
  if (res.length !== docs.length || failed.length)
    throw new Error(`PouchDB ${what}: ${failed.length} of ${docs.length} writes failed: ${JSON.stringify(failed[0])}`);
  return res;
}

export interface PeerFirstSync {
  ms: number;
  idleRssMb: number;
  peakRssMb: number;
  peakReset: boolean;
}

/**
 * One peer for a whole run: a server holding `n` seeded documents (database `obs`) and, once first-synced,
 * a device holding them all, kept for the re-syncs measured beside ours.
 */
export class Peer {
  /** Seeding through `_bulk_docs`: time and size, for the report. */
  seed = { ms: 0, docs: 0, bytesPerDoc: 0, batch: SEED_BATCH };
  firstSyncResult: PeerFirstSync | null = null;
  private client: PeerClient | null = null;
  private expected: Fingerprint | null = null;
  private ids: string[] = [];
  private seeded = false;

  private constructor(
    private readonly dir: string,
    private server: PeerServer,
    readonly n: number,
    private readonly prof: (name: string) => ProfileOptions | undefined,
    private readonly log: (s: string) => void,
  ) {}

  private get obsUrl() {
    return `${this.server.url}/obs`;
  }

  /**
   * Installs (first use) and starts the server, seeded with n documents when `seed` (the push needs none);
   * PeerUnavailable when it cannot be installed or started.
   */
  static async open(
    n: number,
    seed: boolean,
    prof: (name: string) => ProfileOptions | undefined,
    log: (s: string) => void,
  ): Promise<Peer> {
    const install = await installPeer(log);
    if (install.installedNow) log(`PouchDB peer: installed in ${(install.ms / 1000).toFixed(0)} s`);
    const dir = mkdtempSync(join(tmpdir(), 'gobs-bench-pouchdb-'));
    const servers: PeerServer[] = [];
    try {
      const start = async (name: string) => {
        servers.push(await startPeerServer(join(dir, 'server'), prof(name)));
        return servers.at(-1)!;
      };
      const peer = new Peer(dir, await start(seed ? 'peer-seed-server' : 'peer-server'), n, prof, log);
      if (seed) {
        await peer.seedServer();
        // A server process of its own for the syncs, so that its profile shows them alone.
        await peer.server.stop();
        peer.server = await start('peer-server');
      }
      return peer;
    } catch (err) {
      for (const s of servers) await s.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async seedServer(): Promise<void> {
    await http('PUT', this.obsUrl);
    let bytes = 0;
    const t = performance.now();
    for (let from = 1; from <= this.n; from += SEED_BATCH) {
      const docs: object[] = [];
      for (let g = from; g < Math.min(this.n + 1, from + SEED_BATCH); g++) {
        const doc = { _id: randomUUID(), ...seededObservation(g) };
        this.ids.push(doc._id);
        docs.push(doc);
      }
      const body = JSON.stringify({ docs });
      bytes += body.length;
      await bulkDocs(this.obsUrl, docs, 'seeding');
    }
    this.seed = { ms: performance.now() - t, docs: this.n, bytesPerDoc: bytes / this.n, batch: SEED_BATCH };
    this.expected = await this.serverFingerprint('obs');
    this.seeded = true;
    if (this.expected.count !== this.n) throw new Error(`PouchDB server holds ${this.expected.count} of ${this.n}`);
    this.log(
      `PouchDB peer: seeded ${this.n} documents through _bulk_docs (${SEED_BATCH} per request) in ${(this.seed.ms / 1000).toFixed(1)} s`,
    );
  }

  private async serverFingerprint(db: string): Promise<Fingerprint> {
    const { rows } = await http<{ rows: { id: string; value: { rev: string } }[] }>(
      'GET',
      `${this.server.url}/${db}/_all_docs`,
    );
    return fingerprintOf(rows);
  }

  private async expectSame(client: PeerClient, db: string, expected: Fingerprint, what: string): Promise<void> {
    const f = await client.call<Fingerprint>({ cmd: 'fingerprint', db });
    if (f.count !== expected.count || f.docCount !== expected.count || f.hash !== expected.hash)
      throw new Error(
        `PouchDB ${what}: device holds ${f.count} documents (${f.hash}, doc_count ${f.docCount}), server ${expected.count} (${expected.hash})`,
      );
  }

  /** Remote → a fresh local database, once; the peak RSS of the device process during it. */
  async firstSync(): Promise<PeerFirstSync> {
    if (this.firstSyncResult) return this.firstSyncResult;
    if (!this.seeded) throw new Error('PouchDB peer: the server was opened without documents');
    const first = await PeerClient.start(join(this.dir, 'client'), this.prof('peer-first-sync-client'));
    let r: PeerFirstSync;
    try {
      await new Promise((res) => setTimeout(res, 500));
      const idle = procMemory(first.pid).rssMb;
      const reset = resetPeak(first.pid);
      const ms = await first.replicate('obs', this.obsUrl, 'pull', this.n, 'first sync');
      r = { ms, idleRssMb: idle, peakRssMb: procMemory(first.pid).hwmMb, peakReset: reset };
    } finally {
      await first.exit();
    }
    // The app restarts on the same data, as ours does after its first sync: later profiles show the re-syncs alone.
    this.client = await PeerClient.start(join(this.dir, 'client'), this.prof('peer-later-syncs-client'));
    await this.expectSame(this.client, 'obs', this.expected!, 'first sync');
    this.firstSyncResult = r;
    return r;
  }

  /** The same first sync with PouchDB's default settings, into another fresh device; its time in ms. */
  async firstSyncDefaults(): Promise<number> {
    if (!this.seeded) throw new Error('PouchDB peer: the server was opened without documents');
    const dir = join(this.dir, 'client-defaults');
    const c = await PeerClient.start(dir);
    try {
      const ms = await c.replicate('obs', this.obsUrl, 'pull', this.n, 'first sync (defaults)', PEER_DEFAULTS);
      await this.expectSame(c, 'obs', this.expected!, 'first sync (defaults)');
      return ms;
    } finally {
      await c.exit();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A re-sync with nothing new on the server (remote → local); its time in ms. */
  async noChange(): Promise<number> {
    await this.firstSync();
    return this.client!.replicate('obs', this.obsUrl, 'pull', 0, 'no-change re-sync');
  }

  /** `count` documents changed on the server (spread over the set, a new rain value each), then replicated. */
  async changed(count: number, round: number): Promise<number> {
    await this.firstSync();
    const step = Math.max(1, Math.floor(this.n / count));
    const ids = Array.from({ length: count }, (_, k) => this.ids[(round % step) + k * step]!);
    const { rows } = await http<{ rows: { doc: PeerDoc }[] }>('POST', `${this.obsUrl}/_all_docs?include_docs=true`, {
      keys: ids,
    });
    const changed = rows.map(({ doc }) => ({
      ...doc,
      values: doc.values.map((v) =>
        v.name === 'rain' ? { ...v, value: Math.round((50 + Math.random() * 50) * 10) / 10 } : v,
      ),
    }));
    const res = await bulkDocs(this.obsUrl, changed, 'change on the server');
    const ms = await this.client!.replicate('obs', this.obsUrl, 'pull', count, 'small-change re-sync');
    // The device holds every changed document at its new revision, with its new value, and nothing else moved.
    const { docs } = await this.client!.call<{ docs: (PeerDoc | null)[] }>({ cmd: 'get', db: 'obs', ids });
    docs.forEach((d, i) => {
      const rain = (x: PeerDoc | null | undefined) => x?.values.find((v) => v.name === 'rain')?.value;
      if (d?._rev !== res[i]!.rev || rain(d) !== rain(changed[i]))
        throw new Error(`PouchDB small-change re-sync: ${ids[i]} is at ${d?._rev}, the server at ${res[i]!.rev}`);
    });
    const f = await this.client!.call<Fingerprint>({ cmd: 'fingerprint', db: 'obs' });
    if (f.docCount !== this.n) throw new Error(`PouchDB small-change re-sync: device holds ${f.docCount} documents`);
    return ms;
  }

  /**
   * `n` documents created on a fresh device (field entries of device `seed`, as ours creates them), the app
   * restarted, then local → remote into an empty server database.
   */
  async push(n: number, seed: number): Promise<{ ms: number; createMs: number; bytesPerDoc: number }> {
    const db = `push${seed}`;
    const remote = `${this.server.url}/${db}`;
    await http('PUT', remote);
    const dir = join(this.dir, `push${seed}`);
    const docs = Array.from({ length: n }, (_, i) => {
      const e = fieldEntry(seed, i);
      return {
        _id: randomUUID(),
        indicator: BENCH_INDICATOR,
        timestamp: e.timestamp,
        x: e.x,
        y: e.y,
        wkt: `POINT(${e.x} ${e.y})`,
        values: valueList(e.values),
        author: 'bench',
      };
    });
    const field = await PeerClient.start(dir);
    let createMs: number;
    try {
      createMs = (await field.call<{ ms: number }>({ cmd: 'write', db, docs })).ms;
    } finally {
      await field.exit();
    }
    const dev = await PeerClient.start(dir, this.prof('peer-push-client'));
    try {
      const ms = await dev.replicate(db, remote, 'push', n, 'push');
      const onServer = await this.serverFingerprint(db);
      if (onServer.count !== n) throw new Error(`PouchDB push: server holds ${onServer.count} of ${n}`);
      await this.expectSame(dev, db, onServer, 'push');
      return { ms, createMs, bytesPerDoc: JSON.stringify(docs).length / n };
    } finally {
      await dev.exit();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.client?.exit();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
