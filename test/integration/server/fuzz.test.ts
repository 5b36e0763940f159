/**
 * Property-based tests over the server's write routes (fast-check): thousands of generated malformed
 * requests — pushes, updates, deletions, media uploads, logins, sync acknowledgements — each answered
 * with a 4xx in the ApiResponse shape, never a 5xx; nothing stored (row counts unchanged after every
 * request); the server still answering afterwards. Bounded in time per property. A failure prints the
 * seed and the shrunk counterexample; replay with GOBS_FUZZ_SEED=<seed> GOBS_FUZZ_PATH=<path> and -t <property>.
 */
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, type Observation, UUID_PATTERN } from '../../../src/shared/api.js';
import { normaliseTimestamp } from '../../../src/shared/timestamp.js';
import { parseWkt } from '../../../src/shared/wkt.js';
import { sniffImage } from '../../../src/shared/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { DEVICE_A, newObs } from './fixtures.js';

const SEED = Number(process.env.GOBS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.GOBS_FUZZ_RUNS ?? 1000);
/** Per property: the runs stop here even if fewer than RUNS were done (a loaded machine). */
const TIME_LIMIT_MS = Number(process.env.GOBS_FUZZ_TIME_MS ?? 20_000);
/** Replays one counterexample: the `path` a failure printed (with its seed, and -t naming the property). */
const PATH = process.env.GOBS_FUZZ_PATH;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

let srv: TestServer;
let writer: Client;
let reader: Client;
let target: Observation;
let existingIds: Set<number>;
let existingUuids: Set<string>;
const runs: Record<string, number> = {};

const TABLES = [
  'app_user',
  'session',
  'device',
  'import',
  'observation',
  'observation_deletion',
  'device_observation',
  'device_deletion',
  'sync_cursor',
  'sync_batch',
  'stored_file',
  'stored_file_chunk',
];
async function footprint(): Promise<string> {
  const [r] = await srv.db.query<Record<string, number>>(
    `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int8 AS ${t}`).join(', ')},
            (SELECT import_id FROM observation WHERE id = $1) AS target_import`,
    [target.id],
  );
  return JSON.stringify(r);
}

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Sends one request and checks the answer: a 4xx ApiResponse; and nothing stored. */
async function expectRefused(req: Sent, before: string, allowed?: number[]): Promise<void> {
  const res = await fetch(srv.baseUrl + req.path, {
    method: req.method,
    headers: req.headers ?? {},
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const text = await res.text();
  const where = `${req.method} ${req.path} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  if (allowed) expect(allowed, where).toContain(res.status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  expect(ApiResponse.safeParse(body).success, where).toBe(true);
  expect((body as ApiResponse).code, where).toBe(0);
  expect(await footprint(), `${where}: something was stored`).toBe(before);
}

async function property<T>(name: string, arb: fc.Arbitrary<T>, toRequest: (v: T) => Sent, allowed?: number[]) {
  const before = await footprint();
  runs[name] = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      runs[name]!++;
      await expectRefused(toRequest(v), before, allowed);
    }),
    {
      seed: SEED,
      ...(PATH ? { path: PATH } : {}),
      numRuns: RUNS,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
    },
  );
  // Still alive, still serving.
  expect((await writer.get('/user/projects')).status).toBe(200);
  expect(runs[name]).toBeGreaterThan(0);
}

// ---------------------------------------------------------------------------------------------
// Generators: each produces something a correct server must refuse.

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const anyJson = fc.jsonValue({ maxDepth: 3 });
const headerText = fc
  .array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 1, maxLength: 200 })
  .map((codes) => String.fromCharCode(...codes));
const notUuid = fc.oneof(
  fc.string().filter((s) => !UUID_PATTERN.test(s)),
  fc.integer(),
  fc.constant(null),
  fc.constant({}),
);
const badTimestamp = fc.oneof(
  // refused at the finest precision, so refused by every indicator
  fc.string({ maxLength: 50 }).filter((s) => 'problem' in normaliseTimestamp(s, 'second')),
  fc.constantFrom('2024-02-30 10:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '0000-01-01 00:00:00'),
  fc.integer(),
  fc.constant(null),
);
const badCoordinate = (limit: number) =>
  fc.oneof(
    fc.double({ min: limit + 1e-6, max: 1e300, noNaN: true }),
    fc.double({ min: -1e300, max: -limit - 1e-6, noNaN: true }),
    fc.string({ maxLength: 20 }),
    fc.boolean(),
    fc.constant([]),
  );
const badWkt = fc.oneof(
  // blank text means "no WKT" (the location then comes from x/y), so it is not a bad value
  fc.string({ maxLength: 200 }).filter((s) => {
    if (!s.trim()) return false;
    try {
      parseWkt(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom('POINT(500 500)', 'POINT(1)', 'POLYGON((0 0, 1 1))', 'GEOMETRYCOLLECTION(POINT(1 1))', 'POINT(1 1'),
  fc.integer(),
  fc.constant({}),
);
const VALID_VALUES = newObs().values;
const badValues = fc.oneof(
  anyJson.filter((v) => !Array.isArray(v)),
  fc.integer({ min: 0, max: 3 }).map((k) => VALID_VALUES.filter((_, i) => i !== k)), // a dimension missing
  fc.string({ minLength: 1, maxLength: 30 }).map((name) => [...VALID_VALUES, { name: `x_${name}`, value: 1 }]),
  fc.constant([...VALID_VALUES, VALID_VALUES[0]]), // a dimension twice
  fc
    .oneof(
      fc.tuple(
        fc.constant(0),
        fc.oneof(
          fc.string().filter((s) => !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(s)),
          fc.boolean(),
          fc.constant({}),
        ),
      ),
      fc.tuple(
        fc.constant(1),
        fc.oneof(
          fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
          fc.constant('1.5'),
          fc.boolean(),
          fc.constant(2 ** 60),
        ),
      ),
      fc.tuple(
        fc.constant(2),
        fc.oneof(
          fc.integer(),
          fc.string().filter((s) => s !== 'true' && s !== 'false'),
          fc.constant(null),
        ),
      ),
      fc.tuple(
        fc.constant(3),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant('x'.repeat(10_001)), fc.constant('nul\u0000byte')),
      ),
    )
    .map(([k, value]) => VALID_VALUES.map((v, i) => (i === k ? { ...v, value } : v))),
);

/** A valid observation with exactly one field broken (or removed). */
const brokenObservation = fc.oneof(
  notUuid.map((uuid) => ({ ...newObs(), uuid })),
  fc
    .oneof(
      fc.string({ maxLength: 120 }).filter((s) => s !== 'pluviometry'),
      fc.integer(),
      fc.constant(null),
    )
    .map((indicator) => ({
      ...newObs(),
      indicator,
    })),
  badTimestamp.map((timestamp) => ({ ...newObs(), timestamp })),
  badCoordinate(180).map((x) => ({ ...newObs(), x })),
  badCoordinate(90).map((y) => ({ ...newObs(), y })),
  badWkt.map((wkt) => ({ ...newObs(), wkt })),
  badValues.map((values) => ({ ...newObs(), values })),
  fc.constantFrom('uuid', 'indicator', 'timestamp', 'values').map((k) => {
    const o: Record<string, unknown> = newObs();
    delete o[k];
    return o;
  }),
);

const garbageBody = fc.oneof(
  anyJson.map((v) => json(v)),
  fc.string({ maxLength: 300 }).map((body) => ({ headers: { 'content-type': 'application/json' }, body })),
  fc
    .tuple(
      fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'text/csv'),
      fc.string({ maxLength: 200 }),
    )
    .map(([type, body]) => ({ headers: { 'content-type': type }, body })),
);

function multipart(boundary: string, field: string, bytes: Uint8Array, filename = 'p.png'): Uint8Array {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,.-]{1,70}$/);
const notImage = fc.uint8Array({ maxLength: 2048 }).filter((b) => sniffImage(Buffer.from(b)) === null);

describe('malformed writes are refused, nothing is stored, the server stays up', () => {
  beforeAll(async () => {
    srv = await startTestServer();
    await srv.seed.basic();
    writer = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
    reader = await new Client(srv.baseUrl).login('reader', 'reader');
    [target] = (await writer.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
    const rows = await srv.db.query<{ id: number; uuid: string }>('SELECT id, uuid::text AS uuid FROM observation');
    existingIds = new Set(rows.map((r) => r.id));
    existingUuids = new Set(rows.map((r) => r.uuid.toLowerCase()));
    console.log(`fuzz: seed ${SEED} (replay with GOBS_FUZZ_SEED=${SEED}), up to ${RUNS} runs per property`);
  });
  afterAll(async () => {
    console.log(`fuzz: runs per property ${JSON.stringify(runs)} (seed ${SEED})`);
    await srv?.close();
  });

  const auth = (c: Client, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${c.token}`,
    deviceId: DEVICE_A,
    ...extra,
  });
  const T = { timeout: TIME_LIMIT_MS + 60_000 };

  it('push: batches with a broken item, and bodies of the wrong shape', T, async () => {
    const batch = fc
      .tuple(
        fc.array(fc.constant(null), { maxLength: 3 }),
        brokenObservation,
        fc.array(fc.constant(null), { maxLength: 3 }),
      )
      .map(([pre, bad, post]) => [...pre.map(() => newObs()), bad, ...post.map(() => newObs())]);
    await property(
      'push',
      fc.oneof(
        batch.map((b) => json(b)),
        garbageBody,
        brokenObservation.map((o) => json([o])),
      ),
      (b) => ({
        method: 'POST',
        path: '/observation/observations',
        headers: { ...auth(writer), ...b.headers },
        body: b.body,
      }),
    );
  });

  it('push one: a broken observation, or something else than one object', T, async () => {
    await property(
      'pushOne',
      fc.oneof(
        brokenObservation.map((o) => json(o)),
        garbageBody,
      ),
      (b) => ({
        method: 'POST',
        path: '/observation',
        headers: { ...auth(writer), ...b.headers },
        body: b.body,
      }),
    );
  });

  it('update: the target observation with one field broken, a stale import, or garbage', T, async () => {
    const base = () => ({ ...newObs(), uuid: target.uuid, import: target.import });
    // The target observation (any valid uuid is turned into the target's) with one field broken.
    const onTarget = (o: Record<string, unknown>) => ({
      ...o,
      import: target.import,
      ...(typeof o.uuid === 'string' && UUID_PATTERN.test(o.uuid) ? { uuid: target.uuid } : {}),
    });
    const update = fc.oneof(
      brokenObservation.map(onTarget),
      fc
        .oneof(
          fc.integer().filter((n) => n !== target.import),
          fc.string(),
          fc.constant(null),
          fc.double(),
        )
        .map((imp) => ({ ...base(), import: imp })),
      fc
        .uuid()
        .filter((u) => !existingUuids.has(u.toLowerCase()))
        .map((uuid) => ({ ...base(), uuid })),
      fc
        .string({ maxLength: 50 })
        .filter((s) => s !== 'pluviometry')
        .map((indicator) => ({ ...base(), indicator })),
    );
    await property(
      'update',
      fc.oneof(
        update.map((u) => json(u)),
        garbageBody,
      ),
      (b) => ({
        method: 'PUT',
        path: '/observation/observations',
        headers: { ...auth(writer), ...b.headers },
        body: b.body,
      }),
    );
  });

  it('delete: unknown or malformed ids, malformed or stale base imports', T, async () => {
    const foreignId = fc
      .string({ minLength: 1, maxLength: 80 })
      .filter((s) => !(/^\d{1,15}$/.test(s) && existingIds.has(Number(s))) && !existingUuids.has(s.toLowerCase()));
    const badImport = fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !/^\d{1,15}$/.test(s) || Number(s) < 1),
      fc
        .integer({ min: 1, max: 2 ** 40 })
        .filter((n) => n !== target.import)
        .map(String),
    );
    const req = fc.oneof(
      fc.tuple(foreignId, fc.option(fc.string({ maxLength: 20 }), { nil: undefined })),
      fc.tuple(fc.constantFrom(String(target.id), target.uuid), badImport),
    );
    await property('delete', req, ([id, imp]) => ({
      method: 'DELETE',
      path: `/observation/${encodeURIComponent(id)}${imp === undefined ? '' : `?import=${encodeURIComponent(imp)}`}`,
      headers: auth(writer),
    }));
  });

  it('media upload: broken multipart, non-images, wrong fields, stale imports, readers', T, async () => {
    const body = fc.oneof(
      // random bytes under a multipart content type, with or without a boundary
      fc.tuple(fc.option(boundary, { nil: null }), fc.uint8Array({ maxLength: 2048 })).map(([b, bytes]) => ({
        type: b === null ? 'multipart/form-data' : `multipart/form-data; boundary=${b}`,
        bytes,
        import: null as number | null,
        as: 'writer',
      })),
      // well formed, but not an image
      fc.tuple(boundary, notImage).map(([b, bytes]) => ({
        type: `multipart/form-data; boundary=${b}`,
        bytes: multipart(b, 'mediaFile', bytes),
        import: null,
        as: 'writer',
      })),
      // an image in another field
      fc
        .tuple(
          boundary,
          fc.string({ minLength: 1, maxLength: 20 }).filter((f) => f !== 'mediaFile' && /^[A-Za-z0-9_-]+$/.test(f)),
        )
        .map(([b, field]) => ({
          type: `multipart/form-data; boundary=${b}`,
          bytes: multipart(b, field, PNG),
          import: null,
          as: 'writer',
        })),
      // a real image, cut short
      fc.tuple(boundary, fc.integer({ min: 0, max: 150 })).map(([b, cut]) => ({
        type: `multipart/form-data; boundary=${b}`,
        bytes: multipart(b, 'mediaFile', PNG).subarray(0, cut),
        import: null,
        as: 'writer',
      })),
      // a real image, based on a stale import, or sent by a reader
      fc
        .integer({ min: 1, max: 2 ** 40 })
        .filter((n) => n !== target.import)
        .map((imp) => ({
          type: 'multipart/form-data; boundary=XYZ',
          bytes: multipart('XYZ', 'mediaFile', PNG),
          import: imp,
          as: 'writer',
        })),
      fc.constant({
        type: 'multipart/form-data; boundary=XYZ',
        bytes: multipart('XYZ', 'mediaFile', PNG),
        import: null,
        as: 'reader',
      }),
      // not multipart at all
      fc
        .tuple(
          fc.constantFrom('application/json', 'image/png', 'application/octet-stream'),
          fc.uint8Array({ maxLength: 512 }),
        )
        .map(([type, bytes]) => ({
          type,
          bytes,
          import: null,
          as: 'writer',
        })),
    );
    await property('uploadMedia', body, (b) => ({
      method: 'POST',
      path: `/observation/${target.id}/uploadMedia${b.import === null ? '' : `?import=${b.import}`}`,
      headers: { ...auth(b.as === 'reader' ? reader : writer), 'content-type': b.type },
      body: b.bytes,
    }));
  });

  it('login: malformed bodies and query strings, wrong credentials (throttled soon)', T, async () => {
    const creds = fc
      .record({
        username: fc.oneof(fc.constantFrom('writer', 'reader', 'admin'), fc.string({ maxLength: 210 })),
        password: fc.string({ maxLength: 1100 }),
      })
      .filter((c) => c.password !== c.username);
    const req = fc.oneof(
      fc
        .oneof(
          creds.map((c) => json(c)),
          garbageBody,
          anyJson.map((v) => json({ username: v, password: v })),
        )
        .map((b) => ({ method: 'POST', ...b, query: '' })),
      fc
        .oneof(
          creds.map((c) => new URLSearchParams(c).toString()),
          fc.string({ maxLength: 200 }).map((s) => encodeURI(s)),
          fc
            .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }))
            .map((d) => new URLSearchParams(d).toString()),
        )
        .map((query) => ({ method: 'GET', headers: {}, body: undefined, query })),
    );
    await property(
      'login',
      req,
      (r) => ({
        method: r.method,
        path: `/user/login${r.query ? `?${r.query}` : ''}`,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
      }),
      [400, 413, 415, 429],
    );
  });

  it('pull acknowledgements: forged, malformed or foreign tokens and device ids', T, async () => {
    const forged = fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 120 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([p, s]) => `${Buffer.from(p).toString('base64url')}.${Buffer.from(s).toString('base64url')}`);
    const req = fc.record({
      kind: fc.constantFrom('observations', 'deletedObservations'),
      ack: fc.oneof(headerText, forged),
      device: fc.oneof(
        fc.uuid(),
        headerText.filter((s) => !UUID_PATTERN.test(s.trim())),
      ),
      limit: fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.integer().map(String)), { nil: undefined }),
    });
    await property('ack', req, (r) => ({
      method: 'GET',
      path: `/indicator/pluviometry/${r.kind}${r.limit === undefined ? '' : `?limit=${encodeURIComponent(r.limit)}`}`,
      headers: { authorization: `Bearer ${writer.token}`, deviceId: r.device, 'X-Gobs-Ack': r.ack },
    }));
  });
});
