/**
 * The main process's log file, in the user-data folder: electron-log's file transport (written
 * synchronously, so the lines before a crash are on disk), rotated by size into a few numbered
 * archives, and redacted before anything is written: values under secret-looking keys, and
 * secret-looking parts of any text (bearer tokens, `password=` pairs, cookies, URL passwords, long
 * random tokens). Plain Node: the app and the tests use the same code.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import electronLog from 'electron-log/node';

export interface AppLogger {
  /** The current log file (shown in Settings/About). */
  readonly file: string;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
}

export interface LoggerOptions {
  dir: string;
  /** Size at which the file is rotated. Default 1 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one (main.1.log is the newest). Default 3. */
  archives?: number;
  /** Also print to the console (development). Default false. */
  console?: boolean;
}

export const REDACTED = '[redacted]';

/** Keys whose values are never written, at any depth. */
const SECRET_KEY =
  /pass(word|phrase|wd)?$|^pwd$|secret|token|authori[sz]ation|cookie|session(id)?$|api[-_]?key|credential|private[-_]?key/i;

const TEXT_RULES: [RegExp, string][] = [
  // Authorization: Bearer …, Basic …
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Headers written as text.
  [/\b(authorization|cookie|set-cookie|x-gobs-sync-token)(\s*[:=]\s*)[^\r\n]+/gi, `$1$2${REDACTED}`],
  // key=value in query strings, forms and messages; "key": "value" in JSON.
  [
    /\b([\w-]*(?:password|passwd|pwd|secret|token|api[-_]?key|session(?:id)?))(=|\s*:\s*)("?)[^\s"&;,]+\3/gi,
    `$1$2$3${REDACTED}$3`,
  ],
  [/("[\w-]*(?:password|passwd|secret|token|api[-_]?key|session)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // https://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s/@]+@/gi, `$1:${REDACTED}@`],
  // Long random strings (session tokens are 43 base64url characters): letters and digits mixed.
  // UUIDs (devices, observations) are identifiers, not secrets, and stay readable.
  [
    /(?<![A-Za-z0-9_-])(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![A-Za-z0-9_-]))(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g,
    REDACTED,
  ],
];

export function redactText(text: string): string {
  return TEXT_RULES.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** A copy of `value` fit for the log: secret keys blanked, text scrubbed, errors kept readable. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    copy.stack = value.stack ? redactText(value.stack) : copy.stack;
    for (const [k, v] of Object.entries(value)) {
      (copy as unknown as Record<string, unknown>)[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, seen);
    }
    if (value.cause !== undefined) copy.cause = redact(value.cause, seen);
    return copy;
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (value instanceof Map)
    return new Map([...value].map(([k, v]) => [k, SECRET_KEY.test(String(k)) ? REDACTED : redact(v, seen)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, seen);
  return out;
}

let instances = 0;

export function createLogger(options: LoggerOptions): AppLogger {
  const file = join(options.dir, 'main.log');
  const archives = options.archives ?? 3;
  // A logger of its own (not electron-log's shared default), so tests can run several.
  const log = electronLog.create({ logId: `gobs-${process.pid}-${++instances}` });
  log.transports.console.level = options.console ? 'info' : false;
  // Not in every environment (no IPC transport outside Electron): turn off what exists.
  const transports = log.transports as unknown as Record<string, { level: unknown } | null | undefined>;
  for (const name of ['ipc', 'remote']) if (transports[name]) transports[name].level = false;
  const fileTransport = log.transports.file;
  fileTransport.level = 'info';
  fileTransport.sync = true;
  fileTransport.maxSize = options.maxBytes ?? 1024 * 1024;
  fileTransport.resolvePathFn = () => file;
  fileTransport.archiveLogFn = (current) => {
    // main.log → main.1.log → main.2.log …; the oldest goes.
    const path = current.toString();
    const numbered = (n: number) => path.replace(/\.log$/, `.${n}.log`);
    rmSync(numbered(archives), { force: true });
    for (let n = archives - 1; n >= 1; n--) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
    renameSync(path, numbered(1));
  };
  log.hooks.push((message) => ({ ...message, data: message.data.map((d) => redact(d)) }));
  return {
    file,
    info: (...data) => log.info(...data),
    warn: (...data) => log.warn(...data),
    error: (...data) => log.error(...data),
  };
}

/** Sends console.error/warn/info/log of the main process to the log file too (redacted). */
export function captureConsole(
  logger: AppLogger,
  target: Pick<Console, 'error' | 'warn' | 'info' | 'log'> = console,
): () => void {
  const original = { error: target.error, warn: target.warn, info: target.info, log: target.log };
  const to =
    (level: 'error' | 'warn' | 'info', print: (...data: unknown[]) => void) =>
    (...data: unknown[]) => {
      logger[level](...data);
      print.apply(
        target,
        data.map((d) => redact(d)),
      );
    };
  target.error = to('error', original.error);
  target.warn = to('warn', original.warn);
  target.info = to('info', original.info);
  target.log = to('info', original.log);
  return () => void Object.assign(target, original);
}
