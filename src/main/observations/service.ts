/** What the observation channels do: validate against the indicator, write the store, tell the UI. */
import type { ArgsOf, Contract, ObservationDetail, ObservationFilter, ObservationPage } from '../../shared/ipc';
import type { Events, StoreAccess } from '../deps';
import { getIndicatorDef } from '../store/indicators';
import {
  countObservations,
  insertLocal,
  listConflicts,
  listObservations,
  markDeleted,
  requireObservation,
  restoreDeleted,
  toDetail,
  updateLocal,
} from '../store/observations';
import { validateObservation } from './validate';

export class ObservationService {
  /** Called after every local change, so the engine can schedule a sync. */
  onLocalChange: () => void = () => undefined;

  constructor(
    private readonly deps: StoreAccess & Events,
    /** Who creates observations here: the login of the account in use. */
    private readonly author: () => string | null,
  ) {}

  private get db() {
    return this.deps.requireStore().db;
  }

  private changed(indicatorCode: string): void {
    this.deps.emit('observations.changed', { indicatorCodes: [indicatorCode] });
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
    const rec = insertLocal(this.db, def.code, valid, this.author());
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
    return listConflicts(this.db, args).map(toDetail);
  }
}
