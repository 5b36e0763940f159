/**
 * What the app does when it cannot start (the store was written by a newer version, is corrupt,
 * the disk is full...) or when main hits an error nobody caught: log it, say so in a dialog with
 * the error's own clear message, and offer what can help: quit, try again, or move the store aside
 * and start fresh (the old folder is kept, and the user is told where). Plain Node: index.ts
 * supplies Electron's dialog, lock and quit; the tests supply their own.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StoreOpenError } from '../store/account';
import type { AppLogger } from './log';

export type FailureKind = 'newer-store' | 'corrupt-store' | 'disk-full' | 'no-access' | 'unexpected';
export type FailureChoice = 'quit' | 'retry' | 'move-aside' | 'restart';

export interface FailureDialog {
  kind: FailureKind;
  title: string;
  /** The error's own message when it is a clear one ("written by a newer G-Obs …"). */
  message: string;
  detail: string;
  /** In the order shown; the first is the default, 'quit' is what closing the dialog means. */
  choices: FailureChoice[];
  labels: string[];
  /** The account folder that 'move-aside' moves; null when it is not offered. */
  storeDir: string | null;
}

const LABELS: Record<FailureChoice, string> = {
  quit: 'Quit',
  retry: 'Try again',
  'move-aside': 'Move the data aside and start fresh',
  restart: 'Restart G-Obs',
};

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function failureKind(err: unknown): FailureKind {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (/written by a newer G-Obs/i.test(message)) return 'newer-store';
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code) || /file is not a database|database disk image is malformed/i.test(message))
    return 'corrupt-store';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /database or disk is full|no space left on device/i.test(message))
    return 'disk-full';
  if (
    ['EACCES', 'EPERM', 'EROFS'].includes(code) ||
    /^SQLITE_(CANTOPEN|READONLY|PERM)/.test(code) ||
    /permission denied|read-only file system/i.test(message)
  )
    return 'no-access';
  return 'unexpected';
}

/** The dialog for a failure at start-up ('start') or after it ('running'). */
export function describeFailure(err: unknown, phase: 'start' | 'running', logFile: string | null): FailureDialog {
  const kind = failureKind(err);
  const raw = err instanceof Error ? err.message : String(err);
  const storeDir = err instanceof StoreOpenError ? err.dir : null;
  const logLine = logFile ? `\n\nDetails are in the log file: ${logFile}` : '';
  const aside =
    'Moving it aside starts G-Obs with an empty store for this account (log in again to download the data): the ' +
    'old folder, with any change not yet sent, is kept and G-Obs tells you where.';
  let title = 'G-Obs Desktop could not start';
  let message = raw;
  let detail: string;
  let choices: FailureChoice[];
  switch (kind) {
    case 'newer-store':
      detail = `Install the newer version of G-Obs Desktop to use this data. ${aside}`;
      choices = ['quit', 'move-aside'];
      break;
    case 'corrupt-store':
      message = `The data store cannot be read: ${raw}`;
      detail = `The file is damaged or is not a G-Obs store. ${aside}`;
      choices = ['quit', 'move-aside'];
      break;
    case 'disk-full':
      message = `The disk is full: ${raw}`;
      detail = 'Free some space on the disk holding your G-Obs data, then try again. Nothing was lost.';
      choices = ['retry', 'quit'];
      break;
    case 'no-access':
      message = `G-Obs may not read or write its data: ${raw}`;
      detail = 'Check the permissions of the G-Obs data folder, then try again.';
      choices = ['retry', 'quit'];
      break;
    default:
      message = `An unexpected error occurred: ${raw}`;
      detail = storeDir ? `If it happens again, move the data aside. ${aside}` : 'If it happens again, report it.';
      choices = storeDir ? ['retry', 'quit', 'move-aside'] : ['retry', 'quit'];
  }
  if (phase === 'running') {
    // After an uncaught error main's state is unknown: the safe way on is a fresh process.
    title = 'G-Obs Desktop hit an unexpected error';
    choices = ['restart', 'quit'];
    detail = `${kind === 'unexpected' ? '' : `${detail} `}G-Obs must restart; changes already saved are kept.`;
  }
  if (!storeDir) choices = choices.filter((c) => c !== 'move-aside');
  return {
    kind,
    title,
    message,
    detail: detail + logLine,
    choices,
    labels: choices.map((c) => LABELS[c]),
    storeDir: choices.includes('move-aside') ? storeDir : null,
  };
}

/**
 * Moves an account folder (store, its WAL, media, document cache) to `<data>/set-aside/` under a
 * dated name: one rename on the same disk, so it works on a full disk too and keeps every byte.
 * Returns where it went.
 */
export function moveStoreAside(storeDir: string, now = new Date()): string {
  const accounts = dirname(storeDir);
  const root = join(dirname(accounts), 'set-aside');
  mkdirSync(root, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = join(root, `${basename(storeDir)}-${stamp}`);
  for (let n = 2; existsSync(target); n++) target = join(root, `${basename(storeDir)}-${stamp}-${n}`);
  renameSync(storeDir, target);
  return target;
}

export interface StartupDeps<T> {
  start(): Promise<T>;
  /** Shows the dialog; resolves with the choice (closing it = 'quit'). */
  ask(dialog: FailureDialog): Promise<FailureChoice>;
  /** Tells the user something and waits for OK. */
  inform(message: string, detail: string): Promise<void>;
  /** The single-instance lock: released while the dialog is up, so relaunching works. */
  releaseLock(): void;
  /** Takes the lock back before touching the data; false when another instance took it. */
  acquireLock(): boolean;
  log: AppLogger | null;
  now?: () => Date;
}

/** Starts; on failure asks the user until it starts or they quit (then resolves null). */
export async function startWithRecovery<T>(deps: StartupDeps<T>): Promise<T | null> {
  for (;;) {
    try {
      return await deps.start();
    } catch (err) {
      deps.log?.error('Start-up failed', err);
      const dialog = describeFailure(err, 'start', deps.log?.file ?? null);
      deps.releaseLock();
      const choice = await deps.ask(dialog);
      deps.log?.info(`Start-up failure (${dialog.kind}): the user chose ${choice}`);
      if (choice === 'quit') return null;
      if (!deps.acquireLock()) {
        await deps.inform(
          'Another G-Obs Desktop window is already running.',
          'Nothing was changed. Use that window, or close it and start G-Obs again.',
        );
        return null;
      }
      if (choice === 'move-aside' && dialog.storeDir) {
        const movedTo = moveStoreAside(dialog.storeDir, deps.now?.() ?? new Date());
        deps.log?.info(`Store moved aside: ${dialog.storeDir} → ${movedTo}`);
        await deps.inform(
          'The old data was moved aside.',
          `It is kept, untouched, in:\n${movedTo}\n\nG-Obs now starts with an empty store: log in to download your data again.`,
        );
      }
    }
  }
}

export interface FatalDeps {
  ask(dialog: FailureDialog): Promise<FailureChoice>;
  restart(): void;
  quit(): void;
  log: AppLogger | null;
}

/**
 * For process 'uncaughtException' and 'unhandledRejection': logs every one, and shows one dialog
 * at a time (errors arriving while it is up are logged only).
 */
export function createFatalHandler(deps: FatalDeps): (err: unknown) => Promise<void> {
  let showing = false;
  return async (err) => {
    deps.log?.error('Uncaught error in main', err);
    if (showing) return;
    showing = true;
    const choice = await deps.ask(describeFailure(err, 'running', deps.log?.file ?? null)).catch(() => 'quit' as const);
    if (choice === 'restart') deps.restart();
    else deps.quit();
  };
}
