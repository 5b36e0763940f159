/** What every step of one sync works with: the store, the server, and where results are reported. */
import type { SyncPhase, SyncProblem } from '../../shared/ipc';
import { AppError } from '../errors';
import type { ServerClient } from '../remote/types';
import type { AccountStore } from '../store/account';
import type { SyncHooks } from './hooks';

export interface StepOptions {
  /** Observations per creation request (our server accepts up to 1000; the design asks ≤ 500). */
  pushBatch: number;
  /** Observations per pull page. */
  pullBatch: number;
  /** A pull of at least this many rows, more than the store holds, is a bulk load (store/bulk.ts). */
  bulkPullMinRows: number;
  /** Observations per pull page once a bulk load has begun. */
  bulkPullBatch: number;
}

export interface Progress {
  (phase: SyncPhase, update: { indicatorCode?: string | null; done?: number; total?: number | null }): void;
}

/** What a sync did, for the status line and the problems list. */
export class SyncReport {
  readonly problems: SyncProblem[] = [];
  readonly changedIndicators = new Set<string>();
  /** Changes the server accepted, observations and deletions received. */
  readonly counts = { sent: 0, received: 0, deleted: 0 };
}

export interface Step {
  store: AccountStore;
  client: ServerClient;
  signal: AbortSignal;
  hooks: SyncHooks;
  progress: Progress;
  opts: StepOptions;
  report: SyncReport;
}

export function checkCancelled(step: Step): void {
  if (step.signal.aborted) throw new AppError('cancelled', 'Sync cancelled.');
}
