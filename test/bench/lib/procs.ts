/**
 * The processes under test: the sync server (its real CLI, `serve`) and desktop devices
 * (test/bench/device-child.ts), each a child process of its own, as in production where they run on
 * different machines. The benchmark talks to devices over Node's IPC channel and reads their memory
 * from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceReply, DeviceRequest } from '../device-child';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface ProfileOptions {
  /** Folder for --cpu-prof output; no profiling when absent. */
  dir?: string;
  name?: string;
}

function nodeArgs(profile: ProfileOptions | undefined): string[] {
  return ['--import', 'tsx', ...profileArgs(profile)];
}

/** One folder per process: --import tsx runs a loader thread that writes a profile of its own. */
export function profileArgs(profile: ProfileOptions | undefined): string[] {
  return profile?.dir ? ['--cpu-prof', `--cpu-prof-dir=${join(profile.dir, profile.name ?? 'process')}`] : [];
}

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startServer(
  storage: { databaseUrl: string } | { dataDir: string },
  mediaDir: string,
  profile?: ProfileOptions,
): Promise<ServerProcess> {
  const where = 'databaseUrl' in storage ? ['--database-url', storage.databaseUrl] : ['--data-dir', storage.dataDir];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs(profile),
      join(ROOT, 'src/server/cli/index.ts'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...where,
      '--media-dir',
      mediaDir,
      // Request logs would be piped to the bench for nothing; measure the sync, not the log.
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/G-Obs server listening on (\S+)/);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  return {
    baseUrl,
    pid: child.pid!,
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Memory of a process from /proc (kB → MB). */
export function procMemory(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Resets the peak-RSS counter (VmHWM) of a process: "5" to clear_refs (Linux ≥ 4.0, needs ptrace rights). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * A child process driven over Node's IPC channel: each request `{ cmd, ... }` goes with an id and the
 * reply carrying it back resolves the call (or rejects it when the reply is `{ error }`).
 */
export class IpcChild<Req extends { cmd: string }, Rep extends object> {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: Rep) => void; reject: (e: Error) => void }>();
  private stderr = '';

  protected constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    child.on('message', (m: Rep & { id: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!w) return;
      if ('error' in m && m.error) w.reject(new Error(`${what}: ${m.error}`));
      else w.resolve(m);
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.once('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${what} exited (${code ?? signal}): ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** The last lines the process wrote to stderr (its application log). */
  get log(): string {
    return this.stderr.trim().split('\n').slice(-15).join('\n');
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<R extends Rep>(req: Req): Promise<R> {
    const id = ++this.seq;
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: Rep) => void, reject });
      this.child.send({ ...req, id });
    });
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ cmd: 'exit', id: ++this.seq });
    await done;
  }
}

export class DeviceProcess extends IpcChild<DeviceRequest, DeviceReply> {
  static async start(dataDir: string, profile?: ProfileOptions): Promise<DeviceProcess> {
    const child = spawn(process.execPath, [...nodeArgs(profile), join(ROOT, 'test/bench/device-child.ts'), dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const d = new DeviceProcess(child, 'device');
    await d.call({ cmd: 'ping' });
    return d;
  }
}
