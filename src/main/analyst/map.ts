/**
 * The map's data for one view: the observations themselves when at most `maxFeatures` are in view,
 * else clusters on the Web Mercator grid (cells of ~64 pixels at the view's zoom). Unfiltered or
 * state-filtered views at zoom ≤ 10 read the cell summary (level 12); time- or text-filtered views
 * and deeper zooms read the observations in the bbox, found through observation_by_cell (or the
 * time index for a time filter over a wide view).
 */
import type { ArgsOf, Contract, MapCluster, MapFeature, MapView, ProjectExtent } from '../../shared/ipc';
import { checkPosition, unionBBox, type BBox } from '../../shared/geometry';
import { cellRange, clusterLevel } from '../../shared/mapGrid';
import { AppError } from '../errors';
import { placeClusters, placeFeatures, positionExtent, uuidsOf, type PlaceQuery } from '../store/analysis';
import type { Db } from '../store/db';
import { PLACE_LEVEL } from '../store/migrations';
import type { IndicatorDef } from '../store/indicators';
import { placeSums, type SumRow } from '../store/summaries';
import { chartRange, reduceSet } from './chart';
import { rowGeometry } from './rowGeometry';
import type { SummaryKeeper } from './summaryKeeper';

/** Lines and polygons are found by their x/y (a centre): a margin keeps those reaching into the view. */
const FEATURE_MARGIN = 0.25;
/** Above this zoom, or with a time filter below it, the view is read from the rows. */
const TIME_INDEX_MAX_LEVEL = 8;

function padded(b: BBox, margin: number): BBox {
  const dx = (b[2] - b[0]) * margin;
  const dy = (b[3] - b[1]) * margin;
  return [Math.max(-180, b[0] - dx), Math.max(-90, b[1] - dy), Math.min(180, b[2] + dx), Math.min(90, b[3] + dy)];
}

/** Rows of level-12 summary cells covering a bbox, as placeCellSql ranges. */
function cellRows(b: BBox): [number, number][] {
  const r = cellRange(b, PLACE_LEVEL);
  const out: [number, number][] = [];
  for (let y = r.y0; y <= r.y1; y++) out.push([y * 4096 + r.x0, y * 4096 + r.x1]);
  return out;
}

type MapArgs = ArgsOf<Contract['map']['view']>;

export async function mapView(db: Db, keeper: SummaryKeeper, def: IndicatorDef, args: MapArgs): Promise<MapView> {
  const dim = args.dimension ?? null;
  const dimType = dim === null ? null : def.dimensions.find((d) => d.code === dim)?.type;
  if (dim !== null && !dimType) {
    throw new AppError('invalid_argument', `This indicator has no dimension "${dim}".`, 'dimension');
  }
  const bbox = args.bbox as BBox;
  const level = clusterLevel(args.zoom);
  const timeFiltered = Boolean(args.filter.from || args.filter.to);
  const summary = !args.filter.text && !timeFiltered;
  const states = args.filter.states && args.filter.states.length > 0 ? args.filter.states : undefined;
  const query = (b: BBox): PlaceQuery => ({
    indicatorCode: def.code,
    filter: args.filter,
    bbox: b,
    cellRanges: timeFiltered && level <= TIME_INDEX_MAX_LEVEL ? null : cellRows(b),
  });
  const valueRange = dim ? await legendRange(db, keeper, def, args, dim) : null;

  let total: number | null = null;
  let cells: ReturnType<typeof cellRange> | null = null;
  if (summary) {
    await keeper.ensure(db, def.code, 'place');
    cells = cellRange(bbox, PLACE_LEVEL);
    const all = placeSums(db, {
      indicatorCode: def.code,
      dim: '',
      ...cells,
      shift: PLACE_LEVEL,
      ...(states ? { states } : {}),
    });
    total = all.reduce((s, r) => s + r.n, 0);
  }
  if (total === null || total <= args.maxFeatures) {
    const rows = placeFeatures(db, query(padded(bbox, FEATURE_MARGIN)), dim, args.maxFeatures + 1);
    if (rows.length <= args.maxFeatures) {
      const features: MapFeature[] = rows.map((r) => ({
        uuid: r.uuid,
        geometry: rowGeometry(r),
        // json_extract gives JSON booleans as 1/0.
        value: dimType === 'boolean' && typeof r.value === 'number' ? r.value === 1 : r.value,
        state: r.state,
      }));
      return { mode: 'features', features, clusters: [], level, total: features.length, valueRange };
    }
  }
  let groups: (SumRow & { vn?: number })[];
  if (summary && cells && level <= PLACE_LEVEL) {
    const shift = PLACE_LEVEL - level;
    const base = { indicatorCode: def.code, ...cells, shift, ...(states ? { states } : {}) };
    const counts = placeSums(db, { ...base, dim: '' });
    const values = dim
      ? new Map(placeSums(db, { ...base, dim }).map((r) => [`${r.k},${r.k2}`, r]))
      : new Map<string, SumRow>();
    groups = counts.map((c) => {
      const v = values.get(`${c.k},${c.k2}`);
      return { ...c, vmin: v?.vmin ?? null, vmax: v?.vmax ?? null, vsum: v?.vsum ?? null, vn: v?.n ?? 0 };
    });
  } else {
    groups = placeClusters(db, query(bbox), dim, level);
  }
  groups = groups.filter((g) => g.n > 0);
  const singles = uuidsOf(
    db,
    groups.filter((g) => g.n === 1 && g.first_id !== null).map((g) => g.first_id!),
  );
  const clusters: MapCluster[] = groups.map((g) => ({
    x: (g.sx ?? 0) / g.n,
    y: (g.sy ?? 0) / g.n,
    count: g.n,
    min: g.vmin,
    max: g.vmax,
    mean: g.vn && g.vsum !== null ? g.vsum / g.vn : null,
    uuid: g.n === 1 && g.first_id !== null ? (singles.get(g.first_id) ?? null) : null,
  }));
  return { mode: 'clusters', features: [], clusters, level, total: groups.reduce((s, g) => s + g.n, 0), valueRange };
}

/** The colouring dimension's range over the whole filtered set (not the view): the legend stays put while panning. */
async function legendRange(
  db: Db,
  keeper: SummaryKeeper,
  def: IndicatorDef,
  args: MapArgs,
  dim: string,
): Promise<{ min: number; max: number } | null> {
  const range = chartRange(db, def.code, args.filter);
  if (!range) return null;
  const buckets = await reduceSet(db, keeper, {
    indicatorCode: def.code,
    filter: args.filter,
    dims: [dim],
    from: range.from,
    to: range.to,
    bucket: 'all',
    t0: range.from,
  });
  const a = buckets.get(0)?.get(dim);
  return a && a.vmin !== null && a.vmax !== null ? { min: a.vmin, max: a.vmax } : null;
}

/**
 * Extent of a project: its indicators' positions, its layers' extent and the area its server
 * declares, when known. A declared extent that is not longitude/latitude (a server sending its
 * project's own CRS) is ignored rather than framing the map somewhere else.
 */
export function projectExtent(
  db: Db,
  indicatorCodes: readonly string[],
  layers: BBox | null,
  declared: { xmin: number; ymin: number; xmax: number; ymax: number } | null,
): ProjectExtent {
  let observations: BBox | null = null;
  for (const code of indicatorCodes) observations = unionBBox(observations, positionExtent(db, code));
  const area = declared ? lonLatBox([declared.xmin, declared.ymin, declared.xmax, declared.ymax]) : null;
  return { observations, layers, declared: area, extent: unionBBox(unionBBox(observations, layers), area) };
}

function lonLatBox(b: BBox): BBox | null {
  try {
    checkPosition(b[0], b[1]);
    checkPosition(b[2], b[3]);
  } catch {
    return null;
  }
  return b[0] <= b[2] && b[1] <= b[3] ? b : null;
}
