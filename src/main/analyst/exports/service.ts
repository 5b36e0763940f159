/**
 * Exports of the filtered set (or a selection) to CSV, GeoJSON or GeoPackage. Main asks where to
 * save (the OS dialog: the renderer never names a path), then writes in the background from a
 * read snapshot of the store, in keyset batches of BATCH rows (memory stays flat at any size),
 * into `<file>.part`, renamed to the chosen name only once complete and flushed. Progress goes to
 * the renderer as `export.progress`; a cancelled or failed export removes its partial file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type {
  DimensionValue,
  ExportFormat,
  ExportProgress,
  ExportStarted,
  ObservationFilter,
} from '../../../shared/ipc';
import { AppError } from '../../errors';
import type { SaveDialogOptions } from '../../platform/options';
import { filteredBatch, filteredPlan, rowsById, selectionPlan, type ExportRecord } from '../../store/analysis';
import { openReadSnapshot, type Db } from '../../store/db';
import { getIndicatorDef, listIndicators } from '../../store/indicators';
import { nextTurn } from '../summaryKeeper';
import type { DecodedRow } from './columns';
import { createWriter, type ExportWriter } from './writers';

export interface ExportDeps {
  /** The store of the account in use (throws when there is none). */
  db(): Db;
  saveDialog(options: SaveDialogOptions): Promise<string | null>;
  emit(progress: ExportProgress): void;
  /** Milliseconds clock, for spacing progress events. */
  now?(): number;
}

const BATCH = 2000;
const PROGRESS_EVERY_MS = 100;

const FORMATS: Record<ExportFormat, { ext: string; filter: string }> = {
  csv: { ext: 'csv', filter: 'CSV (spreadsheets)' },
  geojson: { ext: 'geojson', filter: 'GeoJSON' },
  gpkg: { ext: 'gpkg', filter: 'GeoPackage (QGIS)' },
};

class Cancelled extends Error {}

interface Job {
  progress: ExportProgress;
  cancelled: boolean;
  done: Promise<void>;
}

function decode(r: ExportRecord): DecodedRow {
  return {
    uuid: r.uuid,
    timestamp: r.timestamp,
    x: r.x,
    y: r.y,
    wkt: r.wkt,
    author: r.author,
    state: r.state,
    values: JSON.parse(r.vals) as Record<string, DimensionValue>,
  };
}

export class ExportService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: ExportDeps) {}

  async start(args: {
    indicatorCode: string;
    format: ExportFormat;
    filter: ObservationFilter;
    uuids?: readonly string[] | undefined;
    dialog?: { title: string; fileType: string } | undefined;
  }): Promise<ExportStarted | null> {
    const db = this.deps.db();
    const def = getIndicatorDef(db, args.indicatorCode);
    const fmt = FORMATS[args.format];
    const chosen = await this.deps.saveDialog({
      title: args.dialog?.title ?? 'Export observations',
      defaultName: `${def.code.replace(/[^\w.-]+/g, '_')}.${fmt.ext}`,
      filters: [{ name: args.dialog?.fileType ?? fmt.filter, extensions: [fmt.ext] }],
    });
    if (!chosen) return null;
    const file = extname(chosen) ? chosen : `${chosen}.${fmt.ext}`;
    const summary = listIndicators(db, null, def.code)[0]!;

    // The snapshot is taken now: the export is the set as it is at this moment.
    const snapshot = openReadSnapshot(db);
    let plan: { total: number; kinds: Map<string, number>; ids: number[] | null };
    try {
      if (args.uuids) {
        const s = selectionPlan(snapshot.db, def.code, args.uuids);
        plan = { total: s.ids.length, kinds: s.kinds, ids: s.ids };
      } else {
        const s = filteredPlan(snapshot.db, def.code, args.filter);
        plan = { ...s, ids: null };
      }
    } catch (err) {
      snapshot.close();
      throw err;
    }
    const id = randomUUID();
    const progress: ExportProgress = {
      id,
      format: args.format,
      file,
      done: 0,
      total: plan.total,
      state: 'running',
      error: null,
    };
    const job: Job = { progress, cancelled: false, done: Promise.resolve() };
    this.jobs.set(id, job);
    job.done = this.run(
      job,
      snapshot,
      async (writer) => {
        let after: { timestamp: string; localId: number } | null = null;
        for (let i = 0; ; i += BATCH) {
          await this.turn(job);
          const rows: ExportRecord[] = plan.ids
            ? rowsById(snapshot.db, plan.ids.slice(i, i + BATCH))
            : filteredBatch(snapshot.db, def.code, args.filter, after, BATCH);
          if (rows.length === 0) return;
          writer.write(rows.map(decode));
          const last = rows[rows.length - 1]!;
          after = { timestamp: last.timestamp, localId: last.local_id };
          progress.done += rows.length;
          this.report(job);
        }
      },
      () =>
        createWriter(
          args.format,
          `${file}.part`,
          { ...def, label: summary.label, description: summary.description },
          plan.kinds.keys(),
        ),
    );
    this.deps.emit({ ...progress });
    return { id, file, format: args.format, total: plan.total };
  }

  private lastReport = new Map<string, number>();

  private report(job: Job, force = false): void {
    const now = this.deps.now?.() ?? Date.now();
    const last = this.lastReport.get(job.progress.id) ?? 0;
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    this.lastReport.set(job.progress.id, now);
    this.deps.emit({ ...job.progress });
  }

  /** Lets IPC in (a cancel) between batches. */
  private async turn(job: Job): Promise<void> {
    await nextTurn();
    if (job.cancelled) throw new Cancelled();
  }

  private async run(
    job: Job,
    snapshot: { close(): void },
    body: (writer: ExportWriter) => Promise<void>,
    open: () => ExportWriter,
  ): Promise<void> {
    const { file } = job.progress;
    const part = `${file}.part`;
    let writer: ExportWriter | null = null;
    try {
      await this.turn(job);
      // Left over by a crash during an earlier export to the same name.
      removePart(part);
      writer = open();
      await body(writer);
      if (job.cancelled) throw new Cancelled();
      writer.finish();
      writer = null;
      renameSync(part, file);
      job.progress.state = 'done';
    } catch (err) {
      try {
        writer?.abort();
      } catch {
        // the file is removed below whatever state it is in
      }
      removePart(part);
      if (err instanceof Cancelled) {
        job.progress.state = 'cancelled';
      } else {
        job.progress.state = 'failed';
        job.progress.error =
          err instanceof AppError
            ? { code: err.code, message: err.message }
            : { code: 'internal', message: `The export to ${basename(file)} failed: ${(err as Error).message}` };
        console.error(`Export ${job.progress.id} failed`, err);
      }
    } finally {
      snapshot.close();
      this.jobs.delete(job.progress.id);
      this.lastReport.delete(job.progress.id);
      this.report(job, true);
    }
  }

  cancel(id: string): void {
    const job = this.jobs.get(id);
    if (job) job.cancelled = true;
  }

  /** Cancels every export and waits until their files are removed (before the store closes). */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()];
    for (const job of running) job.cancelled = true;
    await Promise.all(running.map((j) => j.done));
  }

  /** Resolves when an export has ended (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.jobs.get(id)?.done;
  }
}

function removePart(part: string): void {
  for (const f of [part, `${part}-journal`]) {
    try {
      if (existsSync(f)) rmSync(f, { force: true });
    } catch (err) {
      console.error(`Could not remove ${f}`, err);
    }
  }
}
