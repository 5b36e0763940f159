/**
 * What a Lizmap G-Obs server (lizmap-gobsapi-module 0.9) sends, validated before anything trusts
 * it. Lenient where the module is loose (extent values come as strings, ids as numbers or texts,
 * optional fields as null), strict where the sync depends on it (uuids, times, the series).
 */
import { z } from 'zod';

const text = z.string();
const optionalText = z.string().nullish();
/** PDO gives PHP numbers as strings: both forms are read. */
const numberish = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'not a number' });
    return z.NEVER;
  }
  return n;
});
const id = z.union([z.number(), z.string()]).transform((v) => String(v));

/** The module's answer to a call that returns no data, and to every error. */
export const LizmapApiResponse = z.object({
  code: z.union([z.literal(0), z.literal(1)]).optional(),
  status: z.string().optional(),
  type: z.string().optional(),
  message: z.string(),
});

export const LizmapLogin = z.object({ token: z.string().regex(/^\S{16,}$/) });

export const LizmapExtent = z.object({ xmin: numberish, ymin: numberish, xmax: numberish, ymax: numberish });

export const LizmapProject = z.object({
  key: text,
  label: text,
  description: optionalText,
  media_url: optionalText,
  geopackage_url: optionalText,
  // A broken extent hides the area, never the project.
  extent: LizmapExtent.nullish().catch(null),
});
export type LizmapProject = z.infer<typeof LizmapProject>;

export const LizmapDimension = z.object({
  code: text,
  name: optionalText,
  type: text,
  unit: optionalText,
});

export const LizmapDocument = z.object({
  id: numberish.nullish(),
  uid: text,
  label: optionalText,
  description: optionalText,
  type: text,
  url: optionalText,
  created_at: optionalText,
  updated_at: optionalText,
});

export const LizmapIndicator = z.object({
  id: numberish.nullish(),
  code: text,
  label: optionalText,
  description: optionalText,
  category: optionalText,
  date_format: optionalText,
  values: z.array(LizmapDimension).nullish(),
  documents: z.array(LizmapDocument.nullable()).nullish(),
  preview: optionalText,
  icon: optionalText,
  created_at: optionalText,
  updated_at: optionalText,
});

export const LizmapSeries = z.object({
  id,
  project_key: optionalText,
  layer_code: optionalText,
  protocol_code: optionalText,
  indicator: LizmapIndicator,
});
export type LizmapSeries = z.infer<typeof LizmapSeries>;

/** A list entry or a detail; which one decides the time format and the geometry (see lizmap/map.ts). */
export const LizmapObservation = z.object({
  id: numberish,
  series: id,
  indicator: text,
  uuid: z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/),
  start_timestamp: text,
  end_timestamp: optionalText,
  coordinates: z.object({ x: numberish, y: numberish }).nullish(),
  wkt: optionalText,
  values: z.array(z.unknown()).nullish(),
  media_url: optionalText,
  created_at: optionalText,
  updated_at: text,
  editable: z.boolean().nullish(),
});
export type LizmapObservation = z.infer<typeof LizmapObservation>;

export const LizmapDeleted = z.array(z.string());
