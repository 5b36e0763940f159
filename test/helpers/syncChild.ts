/**
 * A desktop device in its own process (test/fixtures/sync-child.ts), for the crash tests: the test
 * kills it with SIGKILL at chosen or random points and then checks what is left on disk.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const CHILD = fileURLToPath(new URL('../fixtures/sync-child.ts', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  ms: number;
}

export function runChild(dataDir: string, args: string[], killAfterMs?: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buf = '';
    let timer: NodeJS.Timeout | null = null;
    let syncing = false;
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
      // The clock starts at the first progress event, so the kill lands inside the sync, not in start-up.
      if (!syncing && killAfterMs !== undefined && parts.length > 0) {
        syncing = true;
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ code, signal, lines, ms: Date.now() - started });
    });
  });
}

export function storeFile(dataDir: string): string {
  const accounts = join(dataDir, 'accounts');
  const [account] = readdirSync(accounts);
  return join(accounts, account!, 'store.sqlite');
}

export function integrity(dataDir: string): string {
  const db = new Database(storeFile(dataDir));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}
