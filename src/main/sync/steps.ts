/**
 * The steps of one project's sync, in the order the design (and issue 4) prescribes:
 * refresh project, indicators and documents; then per indicator push creations, updates,
 * deletions and media; then pull observations and deletions, batch by batch, each batch
 * stored in one transaction together with the token that acknowledges it on the next request.
 */
import { z } from 'zod';
import { Project } from '../../shared/api';
import type { Dimension, SyncPhase } from '../../shared/ipc';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { getIndicatorDef, saveDocuments, saveProjectIndicators } from '../store/indicators';
import { type ObsRecord } from '../store/observations';
import {
  applyAccepted,
  applyMeta,
  applyPulled,
  applyPulledDeletion,
  loadAck,
  markConflict,
  markPushAttempted,
  markRejected,
  pendingRows,
  removeRow,
  saveAck,
  toWire,
} from '../store/sync';
import { downloadDocument, removeCachedFiles } from './documents';
import { ServerError } from './http';
import { pushMedia, removeMediaFiles } from './media';
import {
  ACK_HEADER,
  ApiErrorBody,
  ConflictBody,
  REMAINING_HEADER,
  TOKEN_HEADER,
  WireDeleted,
  WireDocument,
  WireIndicator,
  WireObservation,
} from './wire';

export interface StepOptions {
  /** Observations per push request (the server accepts up to 1000; the design asks ≤ 500). */
  pushBatch: number;
  /** Observations per pull response. */
  pullBatch: number;
}

export interface Progress {
  (phase: SyncPhase, update: { indicatorCode?: string | null; done?: number; total?: number | null }): void;
}

/** Test seam: lets a fault-injection test stop the process at an exact point. */
export interface SyncHooks {
  afterPullBatchApplied?: (indicatorCode: string, batch: number) => void;
}

function sameContent(r: ObsRecord, o: z.infer<typeof WireObservation>): boolean {
  const mine = JSON.parse(r.vals) as Record<string, unknown>;
  const theirs = Object.fromEntries(o.values.map((v) => [v.name, v.value]));
  const keys = new Set([...Object.keys(mine), ...Object.keys(theirs)]);
  return (
    r.timestamp === o.timestamp &&
    r.x === o.x &&
    r.y === o.y &&
    (r.wkt === null || r.wkt === o.wkt) &&
    [...keys].every((k) => mine[k] === theirs[k])
  );
}

export class ProjectSync {
  readonly problems: string[] = [];
  readonly changedIndicators = new Set<string>();
  /** Counts for the status line: changes the server accepted, observations and deletions received. */
  readonly counts = { sent: 0, received: 0, deleted: 0 };

  constructor(
    private readonly ctx: MainContext,
    private readonly signal: AbortSignal,
    private readonly progress: Progress,
    private readonly opts: StepOptions,
    private readonly hooks: SyncHooks = {},
  ) {}

  private get db() {
    return this.ctx.requireStore().db;
  }

  private checkCancelled(): void {
    if (this.signal.aborted) throw new AppError('cancelled', 'Sync cancelled.');
  }

  async run(projectKey: string): Promise<void> {
    const http = this.ctx.http();
    this.progress('indicators', { indicatorCode: null, done: 0, total: null });
    const { data: project } = await http.request('get', `/project/${encodeURIComponent(projectKey)}`, {
      schema: Project,
      signal: this.signal,
    });
    this.db
      .prepare('UPDATE project SET label = ?, description = ?, media_url = ?, refreshed_at = ? WHERE key = ?')
      .run(project.label, project.description, project.media_url, new Date().toISOString(), projectKey);
    const { data: indicators } = await http.request('get', `/project/${encodeURIComponent(projectKey)}/indicators`, {
      schema: z.array(WireIndicator),
      signal: this.signal,
    });
    saveProjectIndicators(this.db, projectKey, indicators);
    await this.refreshDocuments(indicators);
    for (const ind of indicators) {
      this.checkCancelled();
      const dims = getIndicatorDef(this.db, ind.code).dimensions;
      await this.pushCreations(ind.code, dims);
      await this.pushUpdates(ind.code, dims);
      await this.pushDeletions(ind.code);
      this.progress('media', { indicatorCode: ind.code, done: 0, total: null });
      await pushMedia(this.ctx, ind.code, this.signal, this.problems);
      await this.pull(ind.code);
      await this.pullDeletions(ind.code);
    }
  }

  private async refreshDocuments(indicators: readonly z.infer<typeof WireIndicator>[]): Promise<void> {
    const http = this.ctx.http();
    let done = 0;
    for (const ind of indicators) {
      this.progress('documents', { indicatorCode: ind.code, done, total: indicators.length });
      const docs =
        ind.documents ??
        (
          await http.request('get', `/indicator/${encodeURIComponent(ind.code)}/documents`, {
            schema: z.array(WireDocument),
            signal: this.signal,
          })
        ).data;
      removeCachedFiles(this.ctx, saveDocuments(this.db, ind.code, docs));
      for (const doc of docs) {
        try {
          await downloadDocument(this.ctx, doc.uuid, this.signal);
        } catch (err) {
          // A missing file on the server must not block the observations; offline/cancel must.
          if (err instanceof AppError && ['offline', 'cancelled', 'unauthorized'].includes(err.code)) throw err;
          this.problems.push(`Document "${doc.label}" could not be downloaded: ${(err as Error).message}`);
        }
      }
      done++;
    }
  }

  // ---- push -------------------------------------------------------------------------------

  private async pushCreations(code: string, dims: readonly Dimension[]): Promise<void> {
    let done = 0;
    const total = this.db
      .prepare("SELECT count(*) FROM observation WHERE indicator_code = ? AND state = 'local'")
      .pluck()
      .get(code) as number;
    this.progress('push-creations', { indicatorCode: code, done, total });
    if (total === 0) return;
    let after = 0;
    for (;;) {
      this.checkCancelled();
      const rows = pendingRows(this.db, code, 'local', after, this.opts.pushBatch);
      if (rows.length === 0) break;
      after = rows.at(-1)!.local_id;
      await this.pushCreationBatch(rows, dims);
      done += rows.length;
      this.progress('push-creations', { indicatorCode: code, done, total: Math.max(total, done) });
    }
    this.changedIndicators.add(code);
  }

  private async pushCreationBatch(rows: ObsRecord[], dims: readonly Dimension[]): Promise<void> {
    // Recorded before sending: from now on the server may hold them even if we never see the answer.
    markPushAttempted(
      this.db,
      rows.map((r) => r.uuid),
    );
    const sentRev = new Map(rows.map((r) => [r.uuid, r.local_rev]));
    const res = await this.ctx.http().raw('post', '/observation/observations', {
      body: rows.map((r) => toWire(r, dims)),
      accept: [400, 403, 409],
      signal: this.signal,
    });
    if (res.status === 200 || res.status === 201) {
      const parsed = z.array(WireObservation).safeParse(res.data);
      if (!parsed.success) throw new AppError('bad_server', 'The server answered the push with an unexpected body.');
      this.db.transaction(() => {
        for (const o of parsed.data) applyAccepted(this.db, o, sentRev.get(o.uuid) ?? -1);
      })();
      this.counts.sent += parsed.data.length;
      return;
    }
    const body = ApiErrorBody.safeParse(res.data);
    const message = body.success ? body.data.message : `The server refused these observations (${res.status}).`;
    if (res.status === 403) {
      // Not allowed to write here: true of every observation of the batch alike.
      this.db.transaction(() => rows.forEach((r) => markRejected(this.db, r.uuid, message, null, r.local_rev)))();
      this.problems.push(`${rows.length} observation(s) refused by the server: ${message}`);
      return;
    }
    const items = body.success ? (body.data.errors ?? []) : [];
    const blamed = new Set<string>();
    this.db.transaction(() => {
      for (const item of items) {
        const row =
          (item.uuid && rows.find((r) => r.uuid === item.uuid)) || (item.index != null ? rows[item.index] : undefined);
        if (!row) continue;
        blamed.add(row.uuid);
        markRejected(this.db, row.uuid, item.message, item.field ?? null, row.local_rev);
      }
      if (blamed.size === 0) {
        // 409 names the uuid in its message; a 403 or an unexplained 400 concerns the batch as a whole.
        const named = res.status === 409 ? ConflictBody.safeParse(res.data) : null;
        for (const r of rows)
          if (message.includes(r.uuid) || (named?.success && named.data.uuid === r.uuid)) blamed.add(r.uuid);
        for (const u of blamed) if (res.status !== 409) markRejected(this.db, u, message, null, sentRev.get(u) ?? -1);
      }
    })();
    if (res.status === 409) {
      // Same uuid, other content: usually our own earlier push whose answer was lost, edited since.
      // Adopt the server's copy as the base and send our content as an update.
      for (const u of blamed) {
        const row = rows.find((r) => r.uuid === u)!;
        const server = await this.fetchServerVersion({ ...row, id: null });
        this.db.transaction(() => {
          if (server !== 'deleted' && server.author === this.ctx.account?.ref.username) {
            applyMeta(this.db, server);
            this.db.prepare("UPDATE observation SET state = 'modified' WHERE uuid = ? AND state = 'local'").run(u);
          } else {
            markRejected(this.db, u, message, 'uuid', row.local_rev);
          }
        })();
      }
    }
    if (res.status !== 409) {
      for (const u of blamed) {
        const item = items.find((i) => i.uuid === u);
        this.problems.push(
          `Observation ${u} refused by the server: ${item ? `${item.field}: ${item.message}` : message}`,
        );
      }
    }
    const rest = rows.filter((r) => !blamed.has(r.uuid));
    if (rest.length === rows.length) {
      if (rows.length === 1) {
        markRejected(this.db, rows[0]!.uuid, message, null, rows[0]!.local_rev);
        this.problems.push(`Observation ${rows[0]!.uuid} refused by the server: ${message}`);
        return;
      }
      // Nobody named: halve until the culprit is alone, so valid observations still go through.
      const mid = Math.ceil(rows.length / 2);
      await this.pushCreationBatch(rows.slice(0, mid), dims);
      await this.pushCreationBatch(rows.slice(mid), dims);
      return;
    }
    // Nothing was stored (a batch is atomic): send the others again.
    if (rest.length > 0) await this.pushCreationBatch(this.refetch(rest), dims);
  }

  private refetch(rows: readonly ObsRecord[]): ObsRecord[] {
    const stmt = this.db.prepare("SELECT * FROM observation WHERE uuid = ? AND state = 'local'");
    return rows.map((r) => stmt.get(r.uuid) as ObsRecord | undefined).filter((r): r is ObsRecord => !!r);
  }

  private async pushUpdates(code: string, dims: readonly Dimension[]): Promise<void> {
    const total = this.db
      .prepare("SELECT count(*) FROM observation WHERE indicator_code = ? AND state = 'modified'")
      .pluck()
      .get(code) as number;
    this.progress('push-updates', { indicatorCode: code, done: 0, total });
    if (total === 0) return;
    let done = 0;
    let after = 0;
    for (;;) {
      const rows = pendingRows(this.db, code, 'modified', after, this.opts.pushBatch);
      if (rows.length === 0) break;
      after = rows.at(-1)!.local_id;
      for (const r of rows) {
        this.checkCancelled();
        await this.pushUpdate(r, dims);
        this.progress('push-updates', { indicatorCode: code, done: ++done, total: Math.max(total, done) });
      }
    }
    this.changedIndicators.add(code);
  }

  private async pushUpdate(r: ObsRecord, dims: readonly Dimension[]): Promise<void> {
    const res = await this.ctx.http().raw('put', '/observation/observations', {
      body: { ...toWire(r, dims), id: r.id, import: r.import },
      accept: [400, 403, 404, 409],
      signal: this.signal,
    });
    if (res.status === 200) {
      const parsed = z.array(WireObservation).min(1).safeParse(res.data);
      if (!parsed.success) throw new AppError('bad_server', 'The server answered the update with an unexpected body.');
      this.db.transaction(() => applyAccepted(this.db, parsed.data[0]!, r.local_rev))();
      this.counts.sent++;
    } else if (res.status === 409) {
      const body = ConflictBody.safeParse(res.data);
      const server = body.success && body.data.observation ? body.data.observation : await this.fetchServerVersion(r);
      this.db.transaction(() => {
        // Our own earlier update whose answer was lost: the server already holds exactly our version.
        if (server !== 'deleted' && sameContent(r, server)) applyAccepted(this.db, server, r.local_rev);
        else markConflict(this.db, r.uuid, server);
      })();
    } else if (res.status === 404) {
      this.db.transaction(() => markConflict(this.db, r.uuid, 'deleted'))();
    } else {
      const body = ApiErrorBody.safeParse(res.data);
      const item = body.success ? body.data.errors?.[0] : undefined;
      const message = item?.message ?? (body.success ? body.data.message : `Refused (${res.status}).`);
      markRejected(this.db, r.uuid, message, item?.field ?? null, r.local_rev);
      this.problems.push(`Change to observation ${r.uuid} refused by the server: ${message}`);
    }
  }

  private async fetchServerVersion(r: ObsRecord): Promise<z.infer<typeof WireObservation> | 'deleted'> {
    try {
      const { data } = await this.ctx
        .http()
        .request('get', `/observation/${r.id ?? r.uuid}`, { schema: WireObservation, signal: this.signal });
      return data;
    } catch (err) {
      if (err instanceof ServerError && err.status === 404) return 'deleted';
      throw err;
    }
  }

  private async pushDeletions(code: string): Promise<void> {
    const rows = this.db
      .prepare("SELECT * FROM observation WHERE indicator_code = ? AND state = 'deleted' ORDER BY local_id")
      .all(code) as ObsRecord[];
    this.progress('push-deletions', { indicatorCode: code, done: 0, total: rows.length });
    let done = 0;
    for (const r of rows) {
      this.checkCancelled();
      if (r.id === null && !r.push_attempted) {
        // Never left this device: nothing to tell the server.
        this.finishDeletion(r.uuid, r.local_rev);
      } else {
        const res = await this.ctx.http().raw('delete', `/observation/${r.id ?? r.uuid}`, {
          query: r.import !== null ? { import: r.import } : {},
          accept: [403, 404, 409],
          signal: this.signal,
        });
        if (res.status === 200 || res.status === 204 || res.status === 404) {
          this.finishDeletion(r.uuid, r.local_rev);
          this.counts.sent++;
        } else if (res.status === 409) {
          const server = await this.fetchServerVersion(r);
          if (server === 'deleted') this.finishDeletion(r.uuid, r.local_rev);
          else this.db.transaction(() => markConflict(this.db, r.uuid, server))();
        } else {
          const body = ApiErrorBody.safeParse(res.data);
          const message = body.success ? body.data.message : 'You may not delete this observation.';
          this.db
            .prepare(
              "UPDATE observation SET state = 'rejected', error = ? WHERE uuid = ? AND state = 'deleted' AND local_rev = ?",
            )
            .run(message, r.uuid, r.local_rev);
          this.problems.push(`Deletion of observation ${r.uuid} refused by the server: ${message}`);
        }
      }
      this.progress('push-deletions', { indicatorCode: code, done: ++done, total: rows.length });
    }
    if (rows.length) this.changedIndicators.add(code);
  }

  private finishDeletion(uuid: string, rev: number): void {
    const removed = this.db.transaction(() => {
      const r = this.db
        .prepare("SELECT local_rev FROM observation WHERE uuid = ? AND state = 'deleted'")
        .pluck()
        .get(uuid);
      // Restored by the user while the request was in flight: the server copy is gone, so it is re-created.
      if (r !== rev) {
        this.db
          .prepare(
            "UPDATE observation SET state = 'local', id = NULL, import = NULL, push_attempted = 0, prev_state = NULL WHERE uuid = ? AND state <> 'deleted'",
          )
          .run(uuid);
        return null;
      }
      return removeRow(this.db, uuid);
    })();
    if (removed) removeMediaFiles(this.ctx, removed);
  }

  // ---- pull -------------------------------------------------------------------------------

  private async pull(code: string): Promise<void> {
    await this.pullLoop(code, 'pull', `/indicator/${encodeURIComponent(code)}/observations`, (data) => {
      const rows = z.array(WireObservation).parse(data);
      let changed = false;
      for (const o of rows) {
        if (o.indicator !== code) continue;
        if (applyPulled(this.db, o) !== 'kept') {
          changed = true;
          this.counts.received++;
        }
      }
      return { count: rows.length, changed };
    });
  }

  private async pullDeletions(code: string): Promise<void> {
    await this.pullLoop(code, 'deletions', `/indicator/${encodeURIComponent(code)}/deletedObservations`, (data) => {
      const uuids = WireDeleted.parse(data);
      const removed: ObsRecord[] = [];
      for (const u of uuids) {
        const r = applyPulledDeletion(this.db, u);
        if (r) removed.push(r);
        if (r) this.counts.deleted++;
      }
      return {
        count: uuids.length,
        changed: uuids.length > 0,
        after: () => removed.forEach((r) => removeMediaFiles(this.ctx, r)),
      };
    });
  }

  private async pullLoop(
    code: string,
    kind: 'pull' | 'deletions',
    path: string,
    apply: (data: unknown) => { count: number; changed: boolean; after?: () => void },
  ): Promise<void> {
    const phase: SyncPhase = kind === 'pull' ? 'pull' : 'pull-deletions';
    let ack = loadAck(this.db, code, kind);
    let done = 0;
    let batch = 0;
    this.progress(phase, { indicatorCode: code, done, total: null });
    for (;;) {
      this.checkCancelled();
      const res = await this.ctx.http().raw('get', path, {
        query: { limit: this.opts.pullBatch },
        headers: ack ? { [ACK_HEADER]: ack } : {},
        accept: ack ? [400, 403] : [],
        signal: this.signal,
      });
      if (res.status === 400 || res.status === 403) {
        // The server no longer knows our token (e.g. its data was reset): it resends what we lack.
        saveAck(this.db, code, kind, null);
        ack = null;
        continue;
      }
      const token = res.headers[TOKEN_HEADER] as string | undefined;
      const remaining = Number(res.headers[REMAINING_HEADER] ?? NaN);
      let outcome: { count: number; changed: boolean; after?: () => void } = { count: 0, changed: false };
      try {
        this.db.transaction(() => {
          outcome = apply(res.data);
          // Stored with the batch: if we die now, the next run acknowledges exactly what is stored.
          saveAck(this.db, code, kind, outcome.count > 0 ? (token ?? null) : null);
        })();
      } catch (err) {
        if (err instanceof z.ZodError)
          throw new AppError(
            'bad_server',
            `The server sent malformed ${kind === 'pull' ? 'observations' : 'deletions'}.`,
          );
        throw err;
      }
      outcome.after?.();
      if (outcome.changed) this.changedIndicators.add(code);
      if (outcome.count === 0) break;
      batch++;
      this.hooks.afterPullBatchApplied?.(code, batch);
      done += outcome.count;
      this.progress(phase, { indicatorCode: code, done, total: Number.isFinite(remaining) ? done + remaining : null });
      if (!token) break; // a server without tokens sends everything at once
      ack = token;
    }
  }
}
