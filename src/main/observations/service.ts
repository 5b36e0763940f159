/**
 * What the observation channels do: validate against the series, write the store, tell the UI.
 * The kind of server adds its rules: a Lizmap series places an observation on a point or on a
 * shared object picked from the project's layer, keeps its place once sent (the module rewrites
 * the spatial object from what an edit sends), and says who may change what.
 */
import type { ArgsOf, Contract, ObservationDetail, ObservationFilter, ObservationPage } from '../../shared/ipc';
import { wktGeometryType } from '../../shared/wkt';
import type { Events, StoreAccess } from '../deps';
import { seriesObjects } from '../documents/projectFiles';
import { AppError } from '../errors';
import { getIndicatorDef, type IndicatorDef } from '../store/indicators';
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
  type ObsRecord,
} from '../store/observations';
import { validateObservation, type ObservationInput, type ValidObservation } from './validate';

const NOT_EDITABLE: Record<string, string> = {
  author: 'only its author may change it',
  window: 'the time allowed to change it after its creation has passed',
  area: 'it lies outside the area you may work in',
  server: 'the server does not let you change it',
};

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
    const valid = this.placed(def, validateObservation(this.located(def, args), def.dimensions, def.dateFormat));
    const rec = insertLocal(this.db, def.code, valid, this.author());
    this.changed(def.code);
    return toDetail(rec);
  }

  update(args: ArgsOf<Contract['observations']['update']>): ObservationDetail {
    const current = requireObservation(this.db, args.uuid);
    this.checkEditable(current);
    const def = getIndicatorDef(this.db, current.indicator_code);
    let valid: ValidObservation;
    if (def.series && (current.id !== null || current.push_attempted)) {
      // On the server already: its place is the server's (an edit sends the server's own geometry back).
      if (this.movedFrom(current, args)) {
        throw new AppError(
          'invalid_argument',
          'The place of an observation already sent to this server cannot be changed: delete it and enter it again.',
          current.object_id !== null ? 'objectId' : 'x',
        );
      }
      const kept = { x: current.x, y: current.y, wkt: current.wkt, objectId: current.object_id };
      valid = {
        ...validateObservation({ ...args, ...kept }, def.dimensions, def.dateFormat, current.timestamp),
        ...kept,
      };
    } else {
      valid = this.placed(
        def,
        validateObservation(this.located(def, args), def.dimensions, def.dateFormat, current.timestamp),
      );
    }
    const rec = updateLocal(this.db, args.uuid, valid);
    this.changed(rec.indicator_code);
    return toDetail(rec);
  }

  /** The server said this user may not change it: the UI shows it read only, main refuses too. */
  private checkEditable(r: ObsRecord): void {
    if (r.editable === 0 && r.state === 'synced') {
      throw new AppError(
        'forbidden',
        `This observation cannot be changed: ${NOT_EDITABLE[r.not_editable ?? 'server'] ?? NOT_EDITABLE['server']}.`,
      );
    }
  }

  private movedFrom(r: ObsRecord, args: ObservationInput): boolean {
    const squeeze = (w: string | null | undefined) => (w ?? '').replace(/\s+/g, '').toUpperCase();
    if (args.objectId !== undefined && (args.objectId ?? null) !== r.object_id) return true;
    if (args.x !== undefined && args.x !== r.x) return true;
    if (args.y !== undefined && args.y !== r.y) return true;
    return Boolean(args.wkt) && squeeze(args.wkt) !== squeeze(r.wkt);
  }

  /**
   * The place as the series takes it. On a series of shared objects, the object picked gives the
   * point shown (its middle, until the server gives its own); no other place is accepted.
   */
  private located(def: IndicatorDef, args: ObservationInput): ObservationInput {
    if (args.endTimestamp && !def.series) {
      throw new AppError('invalid_argument', 'This server keeps no end time for observations.', 'endTimestamp');
    }
    if (def.geometry === 'object') {
      if (!args.objectId)
        throw new AppError('invalid_argument', 'Choose the place this observation is about.', 'objectId');
      const object = seriesObjects(this.deps.requireStore(), def.code).find((o) => o.uniqueId === args.objectId);
      if (!object) {
        throw new AppError(
          'invalid_argument',
          `There is no place "${args.objectId}" in this series' layer.`,
          'objectId',
        );
      }
      return { ...args, x: object.x, y: object.y, wkt: null };
    }
    if (args.objectId) {
      throw new AppError('invalid_argument', 'This series does not place observations on shared objects.', 'objectId');
    }
    return args;
  }

  /** A Lizmap point series takes a point, never a line or an area. */
  private placed(def: IndicatorDef, valid: ValidObservation): ValidObservation {
    if (def.series && def.geometry === 'point' && valid.wkt !== null && wktGeometryType(valid.wkt) !== 'Point') {
      throw new AppError(
        'invalid_argument',
        "This series' observations are points: give a longitude and a latitude.",
        'wkt',
      );
    }
    return valid;
  }

  delete(uuid: string): ObservationDetail {
    this.checkEditable(requireObservation(this.db, uuid));
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
