/** What the observation channels do: validate against the indicator, write the store, tell the UI. */
import type { ArgsOf, Contract, ObservationDetail, ObservationFilter, ObservationPage } from '../../shared/ipc';
import type { MainContext } from '../context';
import { getIndicatorDef } from '../store/indicators';
import {
  countObservations,
  insertLocal,
  listObservations,
  markDeleted,
  requireObservation,
  restoreDeleted,
  toDetail,
  updateLocal,
  type ObsRecord,
} from '../store/observations';
import { validateObservation } from './validate';

export class ObservationService {
  /** Called after every local change, so the engine can schedule a sync. */
  onLocalChange: () => void = () => undefined;

  constructor(private readonly ctx: MainContext) {}

  private get db() {
    return this.ctx.requireStore().db;
  }

  private changed(indicatorCode: string): void {
    this.ctx.emit('observations.changed', { indicatorCodes: [indicatorCode] });
    this.onLocalChange();
  }

  list(q: ArgsOf<Contract['observations']['list']>): ObservationPage {
    const def = getIndicatorDef(this.db, q.indicatorCode);
    return listObservations(this.db, q, new Map(def.dimensions.map((d) => [d.code, d.type])));
  }

  count(indicatorCode: string, filter: ObservationFilter): number {
    getIndicatorDef(this.db, indicatorCode);
    return countObservations(this.db, indicatorCode, filter);
  }

  get(uuid: string): ObservationDetail {
    return toDetail(requireObservation(this.db, uuid));
  }

  create(args: ArgsOf<Contract['observations']['create']>): ObservationDetail {
    const def = getIndicatorDef(this.db, args.indicatorCode);
    const valid = validateObservation(args, def.dimensions, def.dateFormat);
    const rec = insertLocal(this.db, def.code, valid, this.ctx.account?.ref.username ?? null);
    this.changed(def.code);
    return toDetail(rec);
  }

  update(args: ArgsOf<Contract['observations']['update']>): ObservationDetail {
    const current = requireObservation(this.db, args.uuid);
    const def = getIndicatorDef(this.db, current.indicator_code);
    const valid = validateObservation(args, def.dimensions, def.dateFormat, current.timestamp);
    const rec = updateLocal(this.db, args.uuid, valid);
    this.changed(rec.indicator_code);
    return toDetail(rec);
  }

  delete(uuid: string): ObservationDetail {
    const rec = markDeleted(this.db, uuid);
    this.changed(rec.indicator_code);
    return toDetail(rec);
  }

  restore(uuid: string): ObservationDetail {
    const rec = restoreDeleted(this.db, uuid);
    this.changed(rec.indicator_code);
    return toDetail(rec);
  }

  conflicts(args: ArgsOf<Contract['conflicts']['list']>): ObservationDetail[] {
    const params: string[] = [];
    let sql = "SELECT o.* FROM observation o WHERE o.state = 'conflict'";
    if (args.indicatorCode) {
      sql += ' AND o.indicator_code = ?';
      params.push(args.indicatorCode);
    }
    if (args.projectKey) {
      sql += ' AND o.indicator_code IN (SELECT indicator_code FROM project_indicator WHERE project_key = ?)';
      params.push(args.projectKey);
    }
    sql += ' ORDER BY o.indicator_code, o.timestamp, o.local_id LIMIT 10000';
    return (this.db.prepare(sql).all(...params) as ObsRecord[]).map(toDetail);
  }
}
