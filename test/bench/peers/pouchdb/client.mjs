/**
 * The peer's device: PouchDB on LevelDB in a data folder of its own, replicating with the server over
 * HTTP as a PouchDB app does, driven by the benchmark over Node's IPC channel (as test/bench/device-child.ts
 * is). Run by test/bench/lib/peer.ts: node client.mjs <dataDir>
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import PouchDB from 'pouchdb';
import leveldbAdapter from 'pouchdb-adapter-leveldb';

const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage (as a forked child): client.mjs <dataDir>');
// LevelDB creates a database's folder, not its parents (the prefix).
mkdirSync(dataDir, { recursive: true });

PouchDB.plugin(leveldbAdapter);
const Local = PouchDB.defaults({ prefix: `${dataDir}/`, adapter: 'leveldb' });
const local = new Map();
const remote = new Map();
const open = (name) => local.get(name) ?? local.set(name, new Local(name)).get(name);
// One instance per remote database, kept as an app keeps it (its setup request is paid once).
const remoteDb = (url) => remote.get(url) ?? remote.set(url, new PouchDB(url)).get(url);

/** What one replication did, from PouchDB's own result. */
function outcome(r) {
  return {
    ok: r.ok,
    status: r.status,
    docsRead: r.docs_read,
    docsWritten: r.docs_written,
    failures: r.doc_write_failures,
    errors: (r.errors ?? []).map(String),
  };
}

async function handle(req) {
  switch (req.cmd) {
    case 'ping':
      return { ok: true };
    case 'replicate': {
      const db = open(req.db);
      const other = remoteDb(req.remote);
      const opts = { batch_size: req.batchSize, batches_limit: req.batchesLimit };
      const t = performance.now();
      if (req.direction === 'both') {
        const r = await PouchDB.sync(db, other, opts);
        return { ms: performance.now() - t, pull: outcome(r.pull), push: outcome(r.push) };
      }
      const r =
        req.direction === 'pull' ? await PouchDB.replicate(other, db, opts) : await PouchDB.replicate(db, other, opts);
      return { ms: performance.now() - t, [req.direction]: outcome(r) };
    }
    case 'write': {
      // Documents created on the device (offline), written in the app's own transactions of 1,000.
      const db = open(req.db);
      const t = performance.now();
      for (let i = 0; i < req.docs.length; i += 1000) {
        const res = await db.bulkDocs(req.docs.slice(i, i + 1000));
        const failed = res.filter((x) => x.error);
        if (failed.length) throw new Error(`${failed.length} local writes failed: ${JSON.stringify(failed[0])}`);
      }
      return { ms: performance.now() - t };
    }
    case 'fingerprint': {
      // Every id at its winning revision: equal on both sides only if replication moved everything.
      const db = open(req.db);
      const { rows } = await db.allDocs();
      const text = rows
        .map((r) => `${r.id}:${r.value.rev}`)
        .sort()
        .join(',');
      const info = await db.info();
      return { count: rows.length, docCount: info.doc_count, hash: createHash('md5').update(text).digest('hex') };
    }
    case 'get': {
      const { rows } = await open(req.db).allDocs({ keys: req.ids, include_docs: true });
      return { docs: rows.map((r) => r.doc ?? null) };
    }
    case 'exit':
      for (const db of local.values()) await db.close();
      process.exit(0);
  }
  throw new Error(`unknown command ${req.cmd}`);
}

process.on('message', (m) => {
  handle(m).then(
    (r) => process.send({ ...r, id: m.id }),
    (err) => process.send({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), id: m.id }),
  );
});
