/**
 * The steps of one project's sync, in the order the design (and issue 4) prescribes:
 * refresh project, indicators and documents; then per indicator push creations, updates,
 * deletions and media; then pull observations and deletions, batch by batch, each batch
 * stored in one transaction together with the token that acknowledges it on the next request.
 */
import { z } from 'zod';
import type { AxiosResponse } from 'axios';
import { NotFoundResponse as NotFoundBody, Project, WRITE_ID_HEADER, WriteStatusResponse } from '../../shared/api';
import type { Dimension, SyncPhase } from '../../shared/ipc';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { getIndicatorDef, saveDocuments, saveProjectIndicators } from '../store/indicators';
import { findObservation, type ObsRecord } from '../store/observations';
import {
  adoptServerVersion,
  applyAccepted,
  applyMeta,
  applyPulled,
  applyPulledDeletion,
  loadAck,
  markConflict,
  markPushAttempted,
  markRejected,
  pendingRows,
  mediaWriteDone,
  rebaseOnOwnWrite,
  removeRow,
  reviveAsNew,
  saveAck,
  toWire,
} from '../store/sync';
import { forgetWrites, pendingWrites, recordWrite, type WriteKind } from '../store/writes';
import { reconcile, type CommittedLookup, type ServerSide } from './reconcile';
import { downloadDocument, removeCachedFiles } from './documents';
import { ServerError } from './http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeMediaFiles, sniffImage, TRANSFER_TIMEOUT_MS } from './media';
import {
  ACK_HEADER,
  ApiErrorBody,
  ConflictBody,
  REMAINING_HEADER,
  TOKEN_HEADER,
  WireDeleted,
  WireDocument,
  WireIndicator,
  MediaBody,
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
  /** A write is recorded as pending and its request is about to leave. */
  beforeWrite?: (kind: WriteKind, uuids: readonly string[]) => void;
  /** The server answered a write; nothing of the answer is applied yet. */
  afterWriteAnswer?: (kind: WriteKind, uuids: readonly string[], status: number) => void;
  /** Inside the transaction that applies a write's answer, before it commits. */
  whileApplyingWrite?: (kind: WriteKind, uuids: readonly string[]) => void;
}

/** How many times one change is sent again after learning that the server holds this device's own write. */
const MAX_REBASES = 3;

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
  /** Set when a refused write brought an observation back as a new one (it still has to be created). */
  private revived = false;

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
      // Observations the server had deleted and the user wanted back go as new ones in this same sync.
      if (this.revived) await this.pushCreations(ind.code, dims);
      this.revived = false;
      this.progress('media', { indicatorCode: ind.code, done: 0, total: null });
      await this.pushMedia(ind.code);
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
    const uuids = rows.map((r) => r.uuid);
    const writeId = this.db.transaction(() => {
      markPushAttempted(this.db, uuids);
      return recordWrite(
        this.db,
        'create',
        rows.map((r) => ({ uuid: r.uuid, localRev: r.local_rev, baseImport: null })),
      );
    })();
    const sentRev = new Map(rows.map((r) => [r.uuid, r.local_rev]));
    this.hooks.beforeWrite?.('create', uuids);
    const res = await this.ctx.http().raw('post', '/observation/observations', {
      body: rows.map((r) => toWire(r, dims)),
      headers: { [WRITE_ID_HEADER]: writeId },
      accept: [400, 403, 409],
      signal: this.signal,
    });
    this.hooks.afterWriteAnswer?.('create', uuids, res.status);
    if (res.status === 200 || res.status === 201) {
      const parsed = z.array(WireObservation).safeParse(res.data);
      if (!parsed.success) throw new AppError('bad_server', 'The server answered the push with an unexpected body.');
      this.db.transaction(() => {
        for (const o of parsed.data) applyAccepted(this.db, o, sentRev.get(o.uuid) ?? -1);
        this.hooks.whileApplyingWrite?.('create', uuids);
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
      // The server's copy becomes the base and our content goes as an update (see reconcile.ts).
      for (const u of blamed) {
        const row = findObservation(this.db, u);
        if (row?.state === 'local') await this.settle(row, 'create', await this.fetchServerSide(row), message);
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

  private async pushUpdate(row: ObsRecord, dims: readonly Dimension[]): Promise<void> {
    let r = row;
    for (let round = 0; round <= MAX_REBASES; round++) {
      const res = await this.sendWrite('update', r, (headers) =>
        this.ctx.http().raw('put', '/observation/observations', {
          body: { ...toWire(r, dims), id: r.id, import: r.import },
          headers,
          accept: [400, 403, 404, 409],
          signal: this.signal,
        }),
      );
      if (res.status === 200) {
        const parsed = z.array(WireObservation).min(1).safeParse(res.data);
        if (!parsed.success)
          throw new AppError('bad_server', 'The server answered the update with an unexpected body.');
        this.applyWriteAnswer('update', r, () => applyAccepted(this.db, parsed.data[0]!, r.local_rev));
        this.counts.sent++;
        return;
      }
      if (res.status === 409 || res.status === 404) {
        if ((await this.settle(r, 'update', await this.serverSideOf(r, res))) !== 'resend') return;
        const next = findObservation(this.db, r.uuid);
        if (next?.state !== 'modified') return;
        r = next;
        continue;
      }
      const body = ApiErrorBody.safeParse(res.data);
      const item = body.success ? body.data.errors?.[0] : undefined;
      const message = item?.message ?? (body.success ? body.data.message : `Refused (${res.status}).`);
      markRejected(this.db, r.uuid, message, item?.field ?? null, r.local_rev);
      this.problems.push(`Change to observation ${r.uuid} refused by the server: ${message}`);
      return;
    }
  }

  /** Records a single-observation write as pending, sends it with its write id, and tells the test hooks. */
  private async sendWrite(
    kind: WriteKind,
    r: ObsRecord,
    send: (headers: Record<string, string>) => Promise<AxiosResponse>,
    mediaFile?: string | null,
  ): Promise<AxiosResponse> {
    const writeId = recordWrite(this.db, kind, [
      { uuid: r.uuid, localRev: r.local_rev, baseImport: r.import, mediaFile: mediaFile ?? null },
    ]);
    this.hooks.beforeWrite?.(kind, [r.uuid]);
    const res = await send({ [WRITE_ID_HEADER]: writeId });
    this.hooks.afterWriteAnswer?.(kind, [r.uuid], res.status);
    return res;
  }

  /** Applies a write's answer in one transaction (with the test hook inside it). */
  private applyWriteAnswer<T>(kind: WriteKind, r: ObsRecord, apply: () => T): T {
    return this.db.transaction(() => {
      const out = apply();
      this.hooks.whileApplyingWrite?.(kind, [r.uuid]);
      return out;
    })();
  }

  /** The server's side of a refused write: from the answer when it carries it, else asked for. */
  private async serverSideOf(r: ObsRecord, res: AxiosResponse): Promise<ServerSide | null> {
    if (res.status === 409) {
      const body = ConflictBody.safeParse(res.data);
      if (body.success && body.data.observation) return { observation: body.data.observation };
      return this.fetchServerSide(r);
    }
    const gone = NotFoundBody.safeParse(res.data);
    if (gone.success && gone.data.deleted) return { deleted: { writeId: gone.data.deleted.write_id } };
    // A 404 that does not say the observation was deleted: ask (it may be a route the server lacks).
    return this.fetchServerSide(r);
  }

  private async fetchServerSide(r: ObsRecord): Promise<ServerSide | null> {
    try {
      const { data } = await this.ctx
        .http()
        .request('get', `/observation/${r.id ?? r.uuid}`, { schema: WireObservation, signal: this.signal });
      return { observation: data };
    } catch (err) {
      if (err instanceof ServerError && err.status === 404) {
        const gone = NotFoundBody.safeParse(err.body);
        return { deleted: { writeId: gone.success && gone.data.deleted ? gone.data.deleted.write_id : null } };
      }
      throw err;
    }
  }

  private readonly committedWrites: CommittedLookup = async (writeIds) => {
    try {
      const { data } = await this.ctx.http().request('post', '/observation/writeStatus', {
        schema: WriteStatusResponse,
        body: { write_ids: writeIds },
        signal: this.signal,
      });
      return new Set(data.committed.map((w) => w.toLowerCase()));
    } catch (err) {
      // A server without write ids cannot have recorded ours.
      if (err instanceof ServerError && err.status === 404) return new Set();
      throw err;
    }
  };

  /**
   * Decides what a refused write means (sync/reconcile.ts) and applies it in one transaction, looking
   * at the row as it is now. Returns 'resend' when the change must go again on its new base.
   */
  private async settle(
    r: ObsRecord,
    kind: WriteKind,
    server: ServerSide | null,
    refusal?: string,
  ): Promise<'resend' | 'done'> {
    const now = findObservation(this.db, r.uuid);
    if (!server || !now) return 'done';
    const decision = await reconcile(
      { state: now.state, localRev: now.local_rev, sameContentAs: (o) => sameContent(now, o) },
      pendingWrites(this.db, now.uuid),
      server,
      this.committedWrites,
    );
    let removed: ObsRecord | null = null;
    const outcome = this.applyWriteAnswer(kind, now, (): 'resend' | 'done' => {
      // Edited while we asked the server: decide again on the next sync.
      if (findObservation(this.db, now.uuid)?.local_rev !== now.local_rev) return 'done';
      switch (decision.kind) {
        case 'rebase':
          rebaseOnOwnWrite(this.db, decision.server);
          if (decision.mine.kind === 'media') mediaWriteDone(this.db, now.uuid, decision.mine.mediaFile);
          return 'resend';
        case 'adopt':
          adoptServerVersion(this.db, decision.server, now.local_rev);
          if (decision.mine?.kind === 'media') mediaWriteDone(this.db, now.uuid, decision.mine.mediaFile);
          return 'done';
        case 'conflict':
          markConflict(this.db, r.uuid, decision.server);
          return 'done';
        case 'gone':
          removed = removeRow(this.db, r.uuid);
          return 'done';
        case 'recreate':
          reviveAsNew(this.db, r.uuid);
          this.revived = true;
          return 'done';
        case 'foreign':
          markRejected(
            this.db,
            r.uuid,
            refusal ?? 'This uuid belongs to another observation on the server.',
            'uuid',
            now.local_rev,
          );
          return 'done';
      }
    });
    if (removed) removeMediaFiles(this.ctx, removed);
    if (decision.kind === 'adopt' || decision.kind === 'gone') this.counts.sent++;
    return outcome;
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
        this.finishDeletion(r, r.local_rev);
      } else {
        await this.pushDeletion(r);
      }
      this.progress('push-deletions', { indicatorCode: code, done: ++done, total: rows.length });
    }
    if (rows.length) this.changedIndicators.add(code);
  }

  private async pushDeletion(row: ObsRecord): Promise<void> {
    let r = row;
    for (let round = 0; round <= MAX_REBASES; round++) {
      const res = await this.sendWrite('delete', r, (headers) =>
        this.ctx.http().raw('delete', `/observation/${r.id ?? r.uuid}`, {
          query: r.import !== null ? { import: r.import } : {},
          headers,
          accept: [403, 404, 409],
          signal: this.signal,
        }),
      );
      if (res.status === 200 || res.status === 204) {
        this.finishDeletion(r, r.local_rev);
        this.counts.sent++;
        return;
      }
      if (res.status === 409 || res.status === 404) {
        if ((await this.settle(r, 'delete', await this.serverSideOf(r, res))) !== 'resend') return;
        const next = findObservation(this.db, r.uuid);
        if (next?.state !== 'deleted') return;
        r = next;
        continue;
      }
      const body = ApiErrorBody.safeParse(res.data);
      const message = body.success ? body.data.message : 'You may not delete this observation.';
      this.db
        .prepare(
          "UPDATE observation SET state = 'rejected', error = ? WHERE uuid = ? AND state = 'deleted' AND local_rev = ?",
        )
        .run(message, r.uuid, r.local_rev);
      this.problems.push(`Deletion of observation ${r.uuid} refused by the server: ${message}`);
      return;
    }
  }

  /** The server deleted it: drop the row, unless the user undid the deletion meanwhile (then it is created again). */
  private finishDeletion(r: ObsRecord, rev: number): void {
    const removed = this.applyWriteAnswer('delete', r, () => {
      const cur = findObservation(this.db, r.uuid);
      if (!cur) return null;
      if (cur.state === 'deleted') return removeRow(this.db, r.uuid);
      // Undone while the request was in flight: the server's copy is gone and its uuid stays a tombstone.
      if (cur.local_rev !== rev && (r.id !== null || r.push_attempted)) {
        reviveAsNew(this.db, r.uuid);
        this.revived = true;
      }
      return null;
    });
    if (removed) removeMediaFiles(this.ctx, removed);
  }

  // ---- media --------------------------------------------------------------------------------

  /** Uploads or deletes the photos of observations the server knows, each change based on the version held here. */
  private async pushMedia(code: string): Promise<void> {
    const rows = this.db
      .prepare(
        `SELECT * FROM observation INDEXED BY observation_media_pending
          WHERE indicator_code = ? AND media_pending IS NOT NULL AND id IS NOT NULL
            AND state IN ('synced', 'modified') ORDER BY local_id`,
      )
      .all(code) as ObsRecord[];
    for (const row of rows) {
      this.checkCancelled();
      let r: ObsRecord | null = row;
      for (let round = 0; r && round <= MAX_REBASES; round++) {
        r = await this.pushMediaChange(r);
      }
    }
  }

  /** One media request; returns the row to send again (on a new base), or null when done for this sync. */
  private async pushMediaChange(r: ObsRecord): Promise<ObsRecord | null> {
    const http = this.ctx.http();
    const upload = r.media_pending === 'upload' && r.media_file !== null;
    const query = r.import !== null ? { import: r.import } : {};
    let res: AxiosResponse;
    if (upload) {
      const bytes = readFileSync(join(this.ctx.requireStore().mediaDir, r.media_file!));
      const form = new FormData();
      form.append(
        'mediaFile',
        new Blob([bytes], { type: sniffImage(bytes)?.mime ?? 'application/octet-stream' }),
        r.media_file!,
      );
      // Up to 10 MB from the field, possibly over a slow uplink: the default 30 s would never succeed there.
      res = await this.sendWrite(
        'media',
        r,
        (headers) =>
          http.raw('post', `/observation/${r.id}/uploadMedia`, {
            body: form,
            query,
            headers,
            accept: [400, 403, 404, 409, 413, 415],
            signal: this.signal,
            timeoutMs: TRANSFER_TIMEOUT_MS,
          }),
        r.media_file,
      );
    } else {
      res = await this.sendWrite(
        'media',
        r,
        (headers) =>
          http.raw('delete', `/observation/${r.id}/deleteMedia`, {
            query,
            headers,
            accept: [400, 403, 404, 409],
            signal: this.signal,
          }),
        null,
      );
    }
    const gone = res.status === 404 ? NotFoundBody.safeParse(res.data) : null;
    if (res.status === 200 || (res.status === 404 && !upload && !(gone?.success && gone.data.deleted))) {
      // Done (a deletion of a photo the server no longer has is done too). A media change is a new
      // import: learn it, or the next edit would look stale.
      const parsed = MediaBody.safeParse(res.data);
      this.applyWriteAnswer('media', r, () => {
        const cur = findObservation(this.db, r.uuid);
        if (!cur) return;
        forgetWrites(this.db, r.uuid);
        // Based on the version held here (the server checked), so only the import and media moved.
        if (parsed.success) applyMeta(this.db, parsed.data.observation);
        mediaWriteDone(this.db, r.uuid, upload ? r.media_file : null);
      });
      return null;
    }
    if (res.status === 409 || res.status === 404) {
      const cur = findObservation(this.db, r.uuid);
      if (!cur) return null;
      await this.settle(cur, 'media', await this.serverSideOf(r, res));
      const next = findObservation(this.db, r.uuid);
      // On a new base (the server's version adopted or our own write recognised), the photo goes again.
      const again =
        next &&
        next.media_pending &&
        next.import !== r.import &&
        (next.state === 'synced' || next.state === 'modified');
      return again ? next : null;
    }
    const body = ApiErrorBody.safeParse(res.data);
    const message = body.success ? body.data.message : `Refused (${res.status}).`;
    this.problems.push(`Photo of observation ${r.uuid} refused by the server: ${message}`);
    this.applyWriteAnswer('media', r, () => {
      forgetWrites(this.db, r.uuid);
      this.db
        .prepare('UPDATE observation SET media_pending = NULL WHERE uuid = ? AND media_pending = ?')
        .run(r.uuid, r.media_pending);
    });
    return null;
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
