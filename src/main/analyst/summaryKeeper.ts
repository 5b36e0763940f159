/**
 * Builds an indicator's chart or map summary on first use and refreshes its stale groups before a
 * read. Work is cut into chunks with a turn of the event loop between them, so IPC calls (a cancel,
 * the table's next page) are served while a million observations are summarised. Concurrent
 * readers of the same summary share one build.
 */
import type { Db } from '../store/db';
import {
  beginSummary,
  buildSummaryChunk,
  completeSummary,
  dropSummary,
  hourChunks,
  refreshStale,
  summaryState,
  type SummaryKind,
} from '../store/summaries';
import { AppError } from '../errors';

/** Observations per build chunk: ~50-100 ms of work on a laptop. */
const CHUNK_ROWS = 20_000;
/** Stale hours or cells recomputed per turn. */
const STALE_PER_TURN = 500;

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class SummaryKeeper {
  private readonly running = new WeakMap<Db, Map<string, Promise<void>>>();

  constructor(private readonly yieldTurn: () => Promise<void> = nextTurn) {}

  /** Resolves when the summary of `indicatorCode` is complete and fresh. */
  ensure(db: Db, indicatorCode: string, kind: SummaryKind): Promise<void> {
    let jobs = this.running.get(db);
    if (!jobs) {
      jobs = new Map();
      this.running.set(db, jobs);
    }
    const key = `${kind}\n${indicatorCode}`;
    const existing = jobs.get(key);
    if (existing) return existing;
    const job = this.run(db, indicatorCode, kind).finally(() => jobs.delete(key));
    jobs.set(key, job);
    return job;
  }

  private async run(db: Db, indicatorCode: string, kind: SummaryKind): Promise<void> {
    const check = () => {
      if (!db.open) throw new AppError('unauthorized', 'The account was closed while its data was being summarised.');
    };
    if (summaryState(db, indicatorCode, kind) !== 'complete') {
      beginSummary(db, indicatorCode, kind);
      try {
        for (const chunk of hourChunks(db, indicatorCode, CHUNK_ROWS)) {
          await this.yieldTurn();
          check();
          buildSummaryChunk(db, indicatorCode, kind, chunk);
        }
        completeSummary(db, indicatorCode, kind);
      } catch (err) {
        // A half-built summary must never answer a read.
        if (db.open) dropSummary(db, indicatorCode, kind);
        throw err;
      }
    }
    while (refreshStale(db, indicatorCode, kind, STALE_PER_TURN) === STALE_PER_TURN) {
      await this.yieldTurn();
      check();
    }
  }
}
