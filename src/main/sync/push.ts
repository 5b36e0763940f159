/**
 * The push steps of one indicator: creations, updates, deletions, photo changes. Each write is
 * recorded as pending before it leaves (store/writes.ts), its answer applied in one transaction that
 * looks at the row as it is *now* (the user may have edited it meanwhile), and a refused write is
 * judged by reconcile.ts (a lost answer is never mistaken for someone else's change).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerObservation as Observation } from '../../shared/model';
import type { Dimension, DimensionValue, SyncProblem } from '../../shared/ipc';
import { sniffImage } from '../../shared/images';
import { removeMediaFiles } from '../media/photos';
import type { OutgoingObservation, ServerSide, Target, WriteOutcome } from '../remote/types';
import {
  countInState,
  findObservation,
  pendingMediaRows,
  rowsInState,
  stillLocal,
  type ObsRecord,
} from '../store/observations';
import {
  adoptServerVersion,
  applyAccepted,
  applyMeta,
  dropMediaChange,
  markConflict,
  markDeletionRejected,
  markNotEditable,
  markPushAttempted,
  markRejected,
  mediaWriteDone,
  rebaseOnOwnWrite,
  removeRow,
  reviveAsNew,
} from '../store/sync';
import { forgetWrites, pendingWrites, recordWrite, type WriteKind } from '../store/writes';
import { reconcile } from './reconcile';
import { checkCancelled, type Step } from './step';

/** How many times one change is sent again after learning that the server holds this device's own write. */
const MAX_REBASES = 3;

function outgoing(r: ObsRecord): OutgoingObservation {
  return {
    uuid: r.uuid,
    indicator: r.indicator_code,
    timestamp: r.timestamp,
    endTimestamp: r.end_timestamp,
    objectId: r.object_id,
    x: r.x,
    y: r.y,
    wkt: r.wkt,
    values: JSON.parse(r.vals) as Record<string, DimensionValue>,
  };
}

const target = (r: ObsRecord): Target => ({ id: r.id, uuid: r.uuid, indicator: r.indicator_code, import: r.import });

function sameContent(r: ObsRecord, o: Observation): boolean {
  const mine = JSON.parse(r.vals) as Record<string, unknown>;
  const theirs = Object.fromEntries(o.values.map((v) => [v.name, v.value]));
  const keys = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
  return (
    r.timestamp === o.timestamp &&
    (r.end_timestamp ?? null) === (o.end_timestamp ?? null) &&
    r.x === o.x &&
    r.y === o.y &&
    (r.wkt === null || r.wkt === o.wkt) &&
    [...keys].every((k) => mine[k] === theirs[k])
  );
}

/** Applies a write's answer in one transaction (with the test hook inside it). */
function applyAnswer<T>(step: Step, kind: WriteKind, uuid: string, apply: () => T): T {
  const db = step.store.db;
  return db.transaction(() => {
    const out = apply();
    step.hooks.whileApplyingWrite?.(kind, [uuid]);
    return out;
  })();
}

/** Records a single-observation write as pending, then sends it with its write id. */
async function sendWrite(
  step: Step,
  kind: WriteKind,
  r: ObsRecord,
  send: (writeId: string) => Promise<WriteOutcome>,
  mediaFile: string | null = null,
): Promise<WriteOutcome> {
  const writeId = recordWrite(step.store.db, kind, [
    { uuid: r.uuid, localRev: r.local_rev, baseImport: r.import, mediaFile },
  ]);
  step.hooks.beforeWrite?.(kind, [r.uuid]);
  const outcome = await send(writeId);
  step.hooks.afterWriteAnswer?.(kind, [r.uuid]);
  return outcome;
}

type Settled = 'resend' | 'done' | 'revived';

/**
 * Decides what a refused write means (reconcile.ts) and applies it in one transaction, looking at
 * the row as it is now. 'resend': the change goes again on its new base; 'revived': the observation
 * comes back as a new one, still to be created.
 */
async function settle(
  step: Step,
  kind: WriteKind,
  uuid: string,
  server: ServerSide,
  refusal?: string,
): Promise<Settled> {
  const db = step.store.db;
  const now = findObservation(db, uuid);
  if (!now) return 'done';
  const decision = await reconcile(
    { state: now.state, localRev: now.local_rev, sameContentAs: (o) => sameContent(now, o) },
    pendingWrites(db, uuid),
    server,
    (ids) => step.client.committedWrites(ids, step.signal),
  );
  let removed: ObsRecord | null = null;
  const outcome = applyAnswer(step, kind, uuid, (): Settled => {
    // Edited while we asked the server: decide again on the next sync.
    if (findObservation(db, uuid)?.local_rev !== now.local_rev) return 'done';
    switch (decision.kind) {
      case 'rebase':
        rebaseOnOwnWrite(db, decision.server);
        if (decision.mine.kind === 'media') mediaWriteDone(db, uuid, decision.mine.mediaFile);
        return 'resend';
      case 'adopt':
        adoptServerVersion(db, decision.server, now.local_rev);
        if (decision.mine?.kind === 'media') mediaWriteDone(db, uuid, decision.mine.mediaFile);
        return 'done';
      case 'conflict':
        markConflict(db, uuid, decision.server);
        return 'done';
      case 'gone':
        removed = removeRow(db, uuid);
        return 'done';
      case 'recreate':
        reviveAsNew(db, uuid);
        return 'revived';
      case 'foreign':
        markRejected(
          db,
          uuid,
          refusal ?? 'This uuid belongs to another observation on the server.',
          'uuid',
          now.local_rev,
        );
        return 'done';
    }
  });
  if (removed) removeMediaFiles(step.store.mediaDir, removed);
  if (decision.kind === 'adopt' || decision.kind === 'gone') step.report.counts.sent++;
  return outcome;
}

// ---- creations -----------------------------------------------------------------------------

export async function pushCreations(step: Step, code: string, dims: readonly Dimension[]): Promise<void> {
  const db = step.store.db;
  const total = countInState(db, code, 'local');
  let done = 0;
  step.progress('push-creations', { indicatorCode: code, done, total });
  if (total === 0) return;
  let after = 0;
  for (;;) {
    checkCancelled(step);
    const rows = rowsInState(db, code, 'local', after, Math.min(step.opts.pushBatch, step.client.createBatchSize));
    if (rows.length === 0) break;
    after = rows.at(-1)!.local_id;
    await pushCreationBatch(step, rows, dims);
    done += rows.length;
    step.progress('push-creations', { indicatorCode: code, done, total: Math.max(total, done) });
  }
  step.report.changedIndicators.add(code);
}

async function pushCreationBatch(step: Step, rows: ObsRecord[], dims: readonly Dimension[]): Promise<void> {
  const db = step.store.db;
  const uuids = rows.map((r) => r.uuid);
  // Recorded before sending: from now on the server may hold them even if we never see the answer.
  const writeId = db.transaction(() => {
    markPushAttempted(db, uuids);
    return recordWrite(
      db,
      'create',
      rows.map((r) => ({ uuid: r.uuid, localRev: r.local_rev, baseImport: null })),
    );
  })();
  const sentRev = new Map(rows.map((r) => [r.uuid, r.local_rev]));
  step.hooks.beforeWrite?.('create', uuids);
  const outcome = await step.client.create(rows.map(outgoing), dims, writeId, step.signal);
  step.hooks.afterWriteAnswer?.('create', uuids);
  if (outcome.kind === 'done') {
    db.transaction(() => {
      for (const o of outcome.observations) applyAccepted(db, o, sentRev.get(o.uuid) ?? -1);
      step.hooks.whileApplyingWrite?.('create', uuids);
    })();
    step.report.counts.sent += outcome.observations.length;
    return;
  }
  if (outcome.kind === 'refused' && outcome.forbidden) {
    // Not allowed to write here: true of every observation of the batch alike.
    db.transaction(() => rows.forEach((r) => markRejected(db, r.uuid, outcome.message, null, r.local_rev)))();
    step.report.problems.push(refused('create', null, outcome.message, rows.length));
    return;
  }
  const blamed = new Set<string>();
  if (outcome.kind === 'exists') {
    // Same uuid, other content: usually our own earlier push whose answer was lost, edited since.
    for (const r of rows) if (outcome.uuid === r.uuid || outcome.message.includes(r.uuid)) blamed.add(r.uuid);
    for (const u of blamed) {
      const row = findObservation(db, u);
      if (row?.state === 'local')
        await settle(step, 'create', u, await step.client.fetch(target(row), step.signal), outcome.message);
    }
  } else {
    db.transaction(() => {
      for (const item of outcome.items) {
        const row =
          (item.uuid && rows.find((r) => r.uuid === item.uuid)) || (item.index != null ? rows[item.index] : undefined);
        if (!row) continue;
        blamed.add(row.uuid);
        markRejected(db, row.uuid, item.message, item.field, row.local_rev);
      }
      if (blamed.size === 0) {
        // An unexplained refusal that names a uuid in its message concerns that one.
        for (const r of rows) if (outcome.message.includes(r.uuid)) blamed.add(r.uuid);
        for (const u of blamed) markRejected(db, u, outcome.message, null, sentRev.get(u) ?? -1);
      }
    })();
    for (const u of blamed) {
      const item = outcome.items.find((i) => i.uuid === u);
      step.report.problems.push(refused('create', u, item ? `${item.field}: ${item.message}` : outcome.message));
    }
  }
  const rest = rows.filter((r) => !blamed.has(r.uuid));
  if (rest.length === rows.length) {
    if (rows.length === 1) {
      markRejected(db, rows[0]!.uuid, outcome.message, null, rows[0]!.local_rev);
      step.report.problems.push(refused('create', rows[0]!.uuid, outcome.message));
      return;
    }
    // Nobody named: halve until the culprit is alone, so valid observations still go through.
    const mid = Math.ceil(rows.length / 2);
    await pushCreationBatch(step, rows.slice(0, mid), dims);
    await pushCreationBatch(step, rows.slice(mid), dims);
    return;
  }
  // Nothing was stored (a batch is atomic): send the others again.
  if (rest.length > 0)
    await pushCreationBatch(
      step,
      stillLocal(
        db,
        rest.map((r) => r.uuid),
      ),
      dims,
    );
}

// ---- updates and deletions -----------------------------------------------------------------

/** Returns true when an observation came back as a new one (it must still be created). */
export async function pushUpdates(step: Step, code: string, dims: readonly Dimension[]): Promise<boolean> {
  const db = step.store.db;
  const total = countInState(db, code, 'modified');
  step.progress('push-updates', { indicatorCode: code, done: 0, total });
  if (total === 0) return false;
  let done = 0;
  let after = 0;
  let revived = false;
  for (;;) {
    const rows = rowsInState(db, code, 'modified', after, step.opts.pushBatch);
    if (rows.length === 0) break;
    after = rows.at(-1)!.local_id;
    for (const r of rows) {
      checkCancelled(step);
      revived = (await pushChange(step, r, 'update', dims)) || revived;
      step.progress('push-updates', { indicatorCode: code, done: ++done, total: Math.max(total, done) });
    }
  }
  step.report.changedIndicators.add(code);
  return revived;
}

/** Returns true when an observation came back as a new one (it must still be created). */
export async function pushDeletions(step: Step, code: string): Promise<boolean> {
  const rows = rowsInState(step.store.db, code, 'deleted');
  step.progress('push-deletions', { indicatorCode: code, done: 0, total: rows.length });
  let done = 0;
  let revived = false;
  for (const r of rows) {
    checkCancelled(step);
    if (r.id === null && !r.push_attempted) {
      // Never left this device: nothing to tell the server.
      finishDeletion(step, r);
    } else {
      revived = (await pushChange(step, r, 'delete', [])) || revived;
    }
    step.progress('push-deletions', { indicatorCode: code, done: ++done, total: rows.length });
  }
  if (rows.length) step.report.changedIndicators.add(code);
  return revived;
}

/** An update or a deletion, sent again on its new base while the server holds this device's own writes. */
async function pushChange(
  step: Step,
  row: ObsRecord,
  kind: 'update' | 'delete',
  dims: readonly Dimension[],
): Promise<boolean> {
  const db = step.store.db;
  const state = kind === 'update' ? 'modified' : 'deleted';
  let r = row;
  for (let round = 0; round <= MAX_REBASES; round++) {
    const outcome = await sendWrite(step, kind, r, (writeId) =>
      kind === 'update'
        ? step.client.update(outgoing(r), dims, target(r), writeId, step.signal)
        : step.client.delete(target(r), writeId, step.signal),
    );
    if (outcome.kind === 'done') {
      if (kind === 'update')
        applyAnswer(step, kind, r.uuid, () => applyAccepted(db, outcome.observation!, r.local_rev));
      else if (finishDeletion(step, r)) return true;
      step.report.counts.sent++;
      return false;
    }
    if (outcome.kind === 'refused') {
      if (kind === 'update') markRejected(db, r.uuid, outcome.message, outcome.field, r.local_rev);
      else markDeletionRejected(db, r.uuid, outcome.message, r.local_rev);
      if (outcome.notEditable) markNotEditable(db, r.uuid, outcome.notEditable);
      step.report.problems.push(refused(kind, r.uuid, outcome.message));
      return false;
    }
    const settled = await settle(step, kind, r.uuid, outcome.server);
    if (settled !== 'resend') return settled === 'revived';
    const next = findObservation(db, r.uuid);
    if (next?.state !== state) return false;
    r = next;
  }
  return false;
}

/**
 * The server deleted it: drop the row, unless the user undid the deletion meanwhile (then it comes
 * back as a new observation: the server keeps the uuid as a tombstone). Returns true in that case.
 */
function finishDeletion(step: Step, r: ObsRecord): boolean {
  const db = step.store.db;
  let revived = false;
  const removed = applyAnswer(step, 'delete', r.uuid, () => {
    const cur = findObservation(db, r.uuid);
    if (!cur) return null;
    if (cur.state === 'deleted') return removeRow(db, r.uuid);
    if (cur.local_rev !== r.local_rev && (r.id !== null || r.push_attempted)) {
      reviveAsNew(db, r.uuid);
      revived = true;
    }
    return null;
  });
  if (removed) removeMediaFiles(step.store.mediaDir, removed);
  return revived;
}

// ---- photos --------------------------------------------------------------------------------

/** Uploads or deletes the photos of observations the server knows, each change based on the version held here. */
export async function pushMedia(step: Step, code: string): Promise<void> {
  step.progress('media', { indicatorCode: code, done: 0, total: null });
  for (const row of pendingMediaRows(step.store.db, code)) {
    checkCancelled(step);
    let r: ObsRecord | null = row;
    for (let round = 0; r && round <= MAX_REBASES; round++) r = await pushMediaChange(step, r);
  }
}

/** One photo change; returns the row to send again (on a new base), or null when done for this sync. */
async function pushMediaChange(step: Step, r: ObsRecord): Promise<ObsRecord | null> {
  const db = step.store.db;
  const upload = r.media_pending === 'upload' && r.media_file !== null;
  const outcome = await sendWrite(
    step,
    'media',
    r,
    (writeId) => {
      if (!upload) return step.client.deleteMedia(target(r), writeId, step.signal);
      const bytes = readFileSync(join(step.store.mediaDir, r.media_file!));
      const file = { bytes, name: r.media_file!, mime: sniffImage(bytes)?.mime ?? 'application/octet-stream' };
      return step.client.uploadMedia(target(r), file, writeId, step.signal);
    },
    upload ? r.media_file : null,
  );
  if (outcome.kind === 'done') {
    applyAnswer(step, 'media', r.uuid, () => {
      if (!findObservation(db, r.uuid)) return;
      forgetWrites(db, r.uuid);
      // Based on the version held here (the server checked), so only the import and the photo moved.
      if (outcome.observation) applyMeta(db, outcome.observation);
      mediaWriteDone(db, r.uuid, upload ? r.media_file : null);
    });
    return null;
  }
  if (outcome.kind === 'refused') {
    step.report.problems.push(refused('photo', r.uuid, outcome.message));
    applyAnswer(step, 'media', r.uuid, () => {
      dropMediaChange(db, r.uuid, r.media_pending);
      if (outcome.notEditable) markNotEditable(db, r.uuid, outcome.notEditable);
    });
    return null;
  }
  await settle(step, 'media', r.uuid, outcome.server);
  const next = findObservation(db, r.uuid);
  // On a new base (the server's version adopted or our own write recognised), the photo goes again.
  const again =
    next && next.media_pending && next.import !== r.import && (next.state === 'synced' || next.state === 'modified');
  return again ? next : null;
}

function refused(
  action: Extract<SyncProblem, { kind: 'refused' }>['action'],
  uuid: string | null,
  reason: string,
  count = 1,
): SyncProblem {
  return { kind: 'refused', action, uuid, count, reason };
}
