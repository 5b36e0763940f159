/**
 * `export` to a pipe delivers every line before the process exits (a slow reader used to get a
 * fraction of them with exit code 0), and a reader that goes away early is reported, not ignored.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../../src/server/db/pglite.js';
import { migrate } from '../../../src/server/db/migrate.js';
import * as seed from '../../../src/server/admin/seed.js';
import { PLUVIOMETRY } from '../../helpers/server.js';
import { seedRows } from './fixtures.js';

const ROWS = 6000;
const CLI = path.resolve('src/server/cli/index.ts');

/**
 * Runs `export` into a real shell pipe (Node's own child pipes are sockets, which behave otherwise)
 * whose reader is `reader`; returns what the reader printed, the exporter's exit code and stderr.
 */
function exportInto(data: string, reader: string): Promise<{ out: string; code: number; stderr: string }> {
  const exporter = [process.execPath, '--import', 'tsx', CLI, 'export', 'pluviometry', '--data-dir', data]
    .map((a) => `'${a}'`)
    .join(' ');
  const child = spawn('bash', ['-c', `${exporter} 2>"$ERR" | ${reader}; echo "exit=\${PIPESTATUS[0]}"`], {
    env: { ...process.env, ERR: path.join(dir, 'stderr.txt') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) =>
    child.on('close', () => {
      const m = /exit=(\d+)\s*$/.exec(out);
      resolve({
        out: out.slice(0, m?.index ?? out.length).trim(),
        code: Number(m?.[1] ?? -1),
        stderr: fs.readFileSync(path.join(dir, 'stderr.txt'), 'utf8'),
      });
    }),
  );
}

let dir: string;

describe('export to a pipe', () => {
  let data: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-export-'));
    data = path.join(dir, 'data');
    const db = await openPglite(data);
    try {
      await migrate(db);
      await seed.createIndicator(db, PLUVIOMETRY);
      await seed.insertObservations(db, { indicator: 'pluviometry', observations: seedRows(ROWS) });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers every line to a slow reader before exiting 0', async () => {
    // The reader takes nothing for a while: the pipe fills up and the exporter must wait for it.
    const r = await exportInto(data, '(sleep 3; wc -l)');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Number(r.out)).toBe(ROWS + 1);
  }, 120_000);

  it('says so, and fails, when the reader closes the pipe early', async () => {
    const r = await exportInto(data, 'head -n 1');
    expect(r.out).toMatch(/^id,uuid,import,timestamp,x,y,wkt,rain,gauge,checked,note,/);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/standard output closed early/);
  }, 120_000);
});
