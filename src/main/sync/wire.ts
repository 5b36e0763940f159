/**
 * Server bodies the desktop reads, as zod schemas mirroring the protocol of issue 3.
 * Deliberately tolerant of extra fields (the server may add some) and strict on the ones we use.
 * TODO(main): switch to the server engineer's src/shared/api.ts schemas once they are exported.
 */
import { z } from 'zod';
import { ApiResponse } from '../../shared/api';

const nullableString = z.string().nullish().transform((v) => v ?? null);

export const WireDimension = z.object({
  code: z.string().min(1),
  name: z.string().nullish().transform((v) => v ?? ''),
  type: z.enum(['integer', 'real', 'boolean', 'string']),
  unit: nullableString,
});

export const WireDocument = z.object({
  id: z.number().int().nullish(),
  uuid: z.string().min(1),
  indicator: z.union([z.string(), z.number()]).nullish(),
  label: z.string(),
  description: nullableString,
  type: z.string(),
  url: z.string().min(1),
  created_at: nullableString,
  updated_at: nullableString,
});
export type WireDocument = z.infer<typeof WireDocument>;

export const WireIndicator = z.object({
  id: z.number().int().nullish(),
  code: z.string().min(1),
  label: z.string(),
  description: nullableString,
  category: nullableString,
  date_format: z.enum(['second', 'minute', 'hour', 'day', 'month', 'year']),
  values: z.array(WireDimension),
  documents: z.array(WireDocument).optional(),
  created_at: nullableString,
  updated_at: nullableString,
});
export type WireIndicator = z.infer<typeof WireIndicator>;

export const WireValue = z.object({
  name: z.string(),
  type: z.string().optional(),
  value: z.union([z.number(), z.boolean(), z.string(), z.null()]),
});

export const WireObservation = z.object({
  id: z.number().int(),
  uuid: z.string().min(1),
  indicator: z.string(),
  import: z.number().int(),
  timestamp: z.string(),
  x: z.number(),
  y: z.number(),
  wkt: nullableString,
  values: z.array(WireValue),
  media_url: nullableString,
  author: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
});
export type WireObservation = z.infer<typeof WireObservation>;

export const PushErrorItem = z.object({
  index: z.number().int().nullish(),
  uuid: z.string().nullish(),
  field: z.string().nullish(),
  message: z.string(),
});
export const ApiErrorBody = ApiResponse.extend({ errors: z.array(PushErrorItem).optional() });
export const ConflictBody = ApiResponse.extend({ observation: WireObservation.nullish() });

/** /deletedObservations: uuids (or objects carrying one). */
export const WireDeleted = z.array(z.union([z.string(), z.object({ uuid: z.string() }).transform((o) => o.uuid)]));

export const ACK_HEADER = 'X-Gobs-Ack';
export const TOKEN_HEADER = 'x-gobs-sync-token';
export const REMAINING_HEADER = 'x-gobs-remaining';
