/**
 * Runs syncs: one at a time (a second request joins the running one), reports progress,
 * can be cancelled, and retries by itself — capped exponential backoff with jitter while the
 * server cannot be reached, immediately when it is reachable again, and on the configured interval.
 */
import { PULL_MAX_LIMIT } from '../../shared/api';
import type { SyncPhase, SyncProblem, SyncStatus } from '../../shared/ipc';
import type { Connectivity, Events, RemoteAccess, StoreAccess } from '../deps';
import { AppError, machineError } from '../errors';
import type { SettingsStore } from '../platform/options';
import { refreshProjects } from '../projects';
import { optimize } from '../store/db';
import { listProjects, markProjectSynced } from '../store/projects';
import { pendingCount } from '../store/statements';
import type { SyncHooks } from './hooks';
import { syncProject } from './project';
import { SyncReport, type StepOptions } from './step';

export type SyncDeps = StoreAccess & RemoteAccess & Connectivity & Events;

export interface EngineOptions extends Partial<StepOptions> {
  autoSync: boolean;
  /** First retry delay after a network failure; doubles up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  hooks?: SyncHooks;
}

export function backoffDelay(failures: number, base: number, cap: number, random: () => number): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  // "Equal jitter": never less than half the delay, so retries stay spaced, never in lockstep.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export class SyncEngine {
  private running: Promise<SyncStatus> | null = null;
  private abort: AbortController | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly opts: Required<Omit<EngineOptions, 'hooks'>> & { hooks: SyncHooks };
  private status: SyncStatus;

  constructor(
    private readonly ctx: SyncDeps,
    private readonly settings: Pick<SettingsStore, 'get'>,
    options: EngineOptions,
  ) {
    this.opts = {
      pushBatch: 500,
      // Fewer round trips and commits on a first sync; ~2 MB of JSON and one transaction per batch.
      pullBatch: 2000,
      // Below this, maintaining the indexes row by row costs less than rebuilding them.
      bulkPullMinRows: 5000,
      // A bulk load pays a round trip and a commit per page and no index per row: the server's
      // largest page (~5 MB of JSON) halves what is left of the round trips.
      bulkPullBatch: PULL_MAX_LIMIT,
      baseBackoffMs: 2_000,
      maxBackoffMs: 5 * 60_000,
      random: Math.random,
      hooks: {},
      ...options,
    };
    this.status = {
      state: 'idle',
      phase: null,
      projectKey: null,
      indicatorCode: null,
      done: 0,
      total: null,
      lastSyncAt: null,
      lastError: null,
      problems: [],
      pendingChanges: 0,
      nextRetryAt: null,
      online: ctx.online,
      lastResult: null,
    };
    this.unsubscribe = ctx.onOnlineChange((online) => {
      // Reachable again (any request succeeded): do not wait for the backoff timer.
      if (online && this.status.state === 'offline' && this.opts.autoSync) this.schedule(0);
    });
    this.scheduleInterval();
  }

  getStatus(): SyncStatus {
    return { ...this.status, online: this.ctx.online, pendingChanges: this.pending() };
  }

  private pending(): number {
    const db = this.ctx.account?.db;
    return db ? pendingCount(db) : 0;
  }

  private publish(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    this.ctx.emit('sync.progress', this.getStatus());
  }

  /** Starts a sync, or joins the one running. Resolves with the final status (never rejects). */
  start(projectKey?: string): Promise<SyncStatus> {
    if (this.running) return this.running;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.run(projectKey, abort.signal).finally(() => {
      this.running = null;
      this.abort = null;
      this.scheduleInterval();
    });
    return this.running;
  }

  cancel(): SyncStatus {
    this.abort?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.running && this.status.nextRetryAt) this.publish({ nextRetryAt: null });
    return this.getStatus();
  }

  /** Resolves when no sync is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async run(projectKey: string | undefined, signal: AbortSignal): Promise<SyncStatus> {
    this.publish({
      state: 'syncing',
      phase: 'projects',
      projectKey: projectKey ?? null,
      indicatorCode: null,
      done: 0,
      total: null,
      nextRetryAt: null,
      lastError: null,
    });
    const problems: SyncProblem[] = [];
    const result = { sent: 0, received: 0, deleted: 0 };
    try {
      const store = this.ctx.requireStore();
      const client = this.ctx.client();
      await refreshProjects(this.ctx, signal);
      const known = listProjects(store.db).map((p) => p.key);
      if (projectKey && !known.includes(projectKey)) {
        throw new AppError('not_found', `You have no project "${projectKey}" on this server.`, 'projectKey');
      }
      const keys = projectKey ? [projectKey] : known;
      for (const key of keys) {
        const report = new SyncReport();
        try {
          await syncProject(
            {
              store,
              client,
              signal,
              hooks: this.opts.hooks,
              progress: (phase: SyncPhase, u) => this.publish({ phase, projectKey: key, ...u }),
              opts: {
                pushBatch: this.opts.pushBatch,
                pullBatch: this.opts.pullBatch,
                bulkPullMinRows: this.opts.bulkPullMinRows,
                bulkPullBatch: this.opts.bulkPullBatch,
              },
              report,
            },
            key,
          );
        } finally {
          problems.push(...report.problems);
          result.sent += report.counts.sent;
          result.received += report.counts.received;
          result.deleted += report.counts.deleted;
          if (report.changedIndicators.size)
            this.ctx.emit('observations.changed', { indicatorCodes: [...report.changedIndicators] });
        }
        markProjectSynced(store.db, key);
      }
      this.failures = 0;
      // Keeps planner statistics current as the store grows (bounded by analysis_limit).
      optimize(store.db);
      this.publish({
        state: 'idle',
        phase: null,
        indicatorCode: null,
        done: 0,
        total: null,
        lastSyncAt: new Date().toISOString(),
        lastResult: result,
        problems: problems.slice(-20).reverse(),
      });
    } catch (err) {
      this.fail(err, problems);
    }
    return this.getStatus();
  }

  private fail(err: unknown, found: SyncProblem[]): void {
    const e =
      err instanceof AppError
        ? err
        : (machineError(err) ??
          new AppError('internal', 'The sync stopped on an unexpected error. Details are in the application log.'));
    if (e.code === 'internal') console.error('sync failed', err);
    const lastError = { code: e.code, message: e.message };
    // What stopped the sync is lastError, said once; these are what it could not do before.
    const problems = found.slice(-20).reverse();
    if (e.code === 'offline') {
      this.failures++;
      const delay = backoffDelay(this.failures, this.opts.baseBackoffMs, this.opts.maxBackoffMs, this.opts.random);
      const nextRetryAt = this.opts.autoSync && !this.closed ? new Date(Date.now() + delay).toISOString() : null;
      this.publish({ state: 'offline', phase: null, lastError, problems, nextRetryAt });
      if (nextRetryAt) this.schedule(delay);
    } else if (e.code === 'unauthorized') {
      this.publish({ state: 'unauthorized', phase: null, lastError, problems, nextRetryAt: null });
    } else if (e.code === 'cancelled') {
      this.publish({ state: 'idle', phase: null, lastError, problems, nextRetryAt: null });
    } else {
      this.publish({ state: 'error', phase: null, lastError, problems, nextRetryAt: null });
    }
  }

  private schedule(delay: number): void {
    if (this.closed || !this.opts.autoSync) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.ctx.loggedIn) void this.start();
    }, delay);
    this.retryTimer.unref?.();
  }

  /** (Re)arms the periodic sync from the current setting; called after each sync and on settings change. */
  scheduleInterval(): void {
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    this.intervalTimer = null;
    const minutes = this.settings.get('syncIntervalMinutes') ?? 15;
    if (this.closed || !this.opts.autoSync || minutes <= 0) return;
    this.intervalTimer = setTimeout(() => {
      this.intervalTimer = null;
      if (this.ctx.loggedIn && this.ctx.account) void this.start();
      else this.scheduleInterval();
    }, minutes * 60_000);
    this.intervalTimer.unref?.();
  }

  /** Called after a login: resume work that waited for a session. */
  onLogin(): void {
    if (this.status.state === 'unauthorized') this.publish({ state: 'idle', lastError: null });
    if (this.opts.autoSync) this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    this.abort?.abort();
    await this.idle();
  }
}
