/**
 * The peer's server: express-pouchdb (CouchDB's HTTP API over PouchDB) in its `minimumForPouchDB`
 * mode, which serves what PouchDB replication needs and gzips answers, on LevelDB through the pinned
 * adapter. Run by test/bench/lib/peer.ts: node server.mjs <dataDir>; prints the address it listens on.
 */
import { mkdirSync } from 'node:fs';
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb';
import leveldbAdapter from 'pouchdb-adapter-leveldb';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: node server.mjs <dataDir>');
// LevelDB creates a database's folder, not its parents (the prefix).
mkdirSync(dataDir, { recursive: true });

// pouchdb's Node build bundles the same LevelDB adapter; registering the pinned package names the engine.
PouchDB.plugin(leveldbAdapter);
const DB = PouchDB.defaults({ prefix: `${dataDir}/`, adapter: 'leveldb' });

const app = express();
app.use('/', expressPouchDB(DB, { mode: 'minimumForPouchDB' }));

const server = app.listen(0, '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`PouchDB peer server listening on http://${address}:${port}`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Idle keep-alive connections of the client would otherwise hold close() for their timeout.
  server.closeAllConnections();
});
