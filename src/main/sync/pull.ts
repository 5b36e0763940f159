/**
 * The pull steps of one indicator: observations, then deletions, page by page. Each page is applied
 * in one transaction that also stores the cursor the next request hands back (for our server, that
 * next request acknowledges the page): killed in between, the device resumes exactly after what it
 * stored; a lost answer is simply asked again (applying is idempotent by uuid).
 */
import type { SyncPhase } from '../../shared/ipc';
import { removeMediaFiles } from '../media/photos';
import type { PullPage } from '../remote/types';
import type { ObsRecord } from '../store/observations';
import { beginBulkLoad, endBulkLoads, repairBulkLoads, worthBulkLoad } from '../store/bulk';
import { applyPulledDeletion, insertOrApplyPulled, loadPullCursor, savePullCursor } from '../store/sync';
import { checkCancelled, type Step } from './step';

export async function pullObservations(step: Step, code: string): Promise<void> {
  const db = step.store.db;
  let bulk = false;
  try {
    await pullLoop(
      step,
      code,
      'pull',
      (cursor) =>
        step.client.pullObservations(code, cursor, bulk ? step.opts.bulkPullBatch : step.opts.pullBatch, step.signal),
      (items, remaining) => {
        // Decided on the first page, in its transaction: a first sync (or any pull that brings more
        // rows than the store holds) inserts without the indexes and builds them once at the end.
        if (!bulk && remaining !== null && worthBulkLoad(db, items.length + remaining, step.opts.bulkPullMinRows)) {
          beginBulkLoad(db, code);
          bulk = true;
        }
        let changed = false;
        for (const o of items) {
          if (o.indicator !== code) continue;
          if (insertOrApplyPulled(db, o) !== 'kept') {
            changed = true;
            step.report.counts.received++;
          }
        }
        return { changed };
      },
    );
  } finally {
    // Also when the pull failed or was cancelled: the store is never left without its indexes.
    // (A crash here is repaired when the store is opened again.)
    if (bulk) endBulkLoads(db);
    else repairBulkLoads(db);
  }
}

export async function pullDeletions(step: Step, code: string): Promise<void> {
  const db = step.store.db;
  await pullLoop(
    step,
    code,
    'deletions',
    (cursor) => step.client.pullDeletions(code, cursor, step.opts.pullBatch, step.signal),
    (uuids) => {
      const removed: ObsRecord[] = [];
      for (const u of uuids) {
        const r = applyPulledDeletion(db, u);
        if (!r) continue;
        removed.push(r);
        step.report.counts.deleted++;
      }
      return {
        changed: uuids.length > 0,
        after: () => removed.forEach((r) => removeMediaFiles(step.store.mediaDir, r)),
      };
    },
  );
}

async function pullLoop<T>(
  step: Step,
  code: string,
  kind: 'pull' | 'deletions',
  fetchPage: (cursor: string | null) => Promise<PullPage<T>>,
  apply: (items: T[], remaining: number | null) => { changed: boolean; after?: () => void },
): Promise<void> {
  const db = step.store.db;
  const phase: SyncPhase = kind === 'pull' ? 'pull' : 'pull-deletions';
  let cursor = loadPullCursor(db, code, kind);
  let done = 0;
  let batch = 0;
  step.progress(phase, { indicatorCode: code, done, total: null });
  for (;;) {
    checkCancelled(step);
    const page = await fetchPage(cursor);
    let outcome: { changed: boolean; after?: () => void } = { changed: false };
    db.transaction(() => {
      outcome = apply(page.items, page.remaining);
      // Stored with the page: if we die now, the next run hands back exactly what is stored.
      savePullCursor(db, code, kind, page.cursor);
    })();
    outcome.after?.();
    if (outcome.changed) step.report.changedIndicators.add(code);
    if (page.items.length === 0) break;
    batch++;
    step.hooks.afterPullBatchApplied?.(code, batch);
    done += page.items.length;
    step.progress(phase, { indicatorCode: code, done, total: page.remaining === null ? null : done + page.remaining });
    if (page.last) break;
    cursor = page.cursor;
  }
}
