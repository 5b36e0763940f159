/**
 * What the server stores per device: cursor + exceptions (docs/PROTOCOL.md). The design's map must
 * stay exact while the rows the cursor implies are compacted away, and every guarantee of the
 * protocol (nothing held until acknowledged, late commits, lost answers) must hold at each point
 * where rows are written or compacted: an acknowledgement inside a round, a completed round, a write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation } from '../../../src/shared/api.js';
import { observationDevices, deviceReport } from '../../../src/server/admin/devices.js';
import { loadMigrations, migrate, splitStatements } from '../../../src/server/db/migrate.js';
import { openMemoryPglite } from '../../../src/server/db/pglite.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { type Db } from '../../../src/server/db/types.js';
import {
  createIndicator,
  createProject,
  createUser,
  grantRole,
  insertObservations,
  linkIndicator,
  registerDevice,
} from '../../../src/server/admin/seed.js';
import { createTestDatabase, postgresUrl } from '../../helpers/postgres.js';
import { PLUVIOMETRY, startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, pull, syncAll } from './client.js';
import { DEVICE_A, DEVICE_B, DEVICE_C, OBSERVATION_1, newObs, seedRows } from './fixtures.js';

type Obs = Observation;

describe.each(testEngines())('holdings as cursor + exceptions (%s)', (engine) => {
  let srv: TestServer;
  let n = 0;
  async function indicator(): Promise<string> {
    const code = `hold_${++n}`;
    await srv.seed.indicator({
      code,
      label: 'Pluviometry',
      date_format: 'hour',
      values: [
        { code: 'rain', name: 'Rainfall', type: 'real', unit: 'mm' },
        { code: 'gauge', name: 'Gauge', type: 'integer', unit: null },
        { code: 'checked', name: 'Checked', type: 'boolean', unit: null },
        { code: 'note', name: 'Note', type: 'string', unit: null },
      ],
    });
    await srv.seed.link('p1', code);
    return code;
  }
  const as = async (login: string, device: string | null) => {
    const c = await new Client(srv.baseUrl).login(login, login);
    c.deviceId = device;
    return c;
  };
  /** Exception rows kept for a device UUID (all its accounts) on an indicator. */
  const rows = async (device: string, code: string) =>
    (
      await srv.db.query<{ n: number }>(
        `SELECT count(*)::int8 AS n FROM device_observation h JOIN device d ON d.id = h.device_id
          JOIN indicator i ON i.id = h.indicator_id WHERE d.uuid = $1 AND i.code = $2`,
        [device, code],
      )
    )[0]!.n;
  /** The design's map of one observation as `devices --observation` prints it: uuid → import. */
  const map = async (id: number) =>
    Object.fromEntries(
      (await observationDevices(srv.db, String(id)))
        .map((l) => /^ {4}'([0-9a-f-]{36})': (\d+)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, Number(m[2])]),
    );
  /** A new import changing the observation, as a CSV import or an edit elsewhere would. */
  const change = async (id: number) => {
    const imp = (await srv.seed.observations({ indicator: 'pluviometry', observations: [] })).importId;
    await srv.db.query('UPDATE observation SET import_id = $2 WHERE id = $1', [id, imp]);
    return imp;
  };
  const report = async (code: string) =>
    Object.fromEntries(
      (await deviceReport(srv.db, code)).slice(1).map((l) => {
        const f = l.split(/\s+/);
        return [f[0]!, { current: Number(f[5]), outdated: Number(f[6]), missing: Number(f[7]) }];
      }),
    );

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
  });
  afterAll(() => srv?.close());

  it("the design's example through real syncs: exact map, pulls as the design says, one exception row in all", async () => {
    const code = await indicator();
    const seeded = await srv.seed.observations({
      indicator: code,
      author: 'writer',
      observations: [{ uuid: OBSERVATION_1, ...seedRows(1)[0]! }, ...seedRows(40, 1)],
    });
    const id = seeded.ids[0]!;
    const a = await as('reader', DEVICE_A);
    const b = await as('reader', DEVICE_B);
    const c = await as('reader', DEVICE_C);
    expect((await syncAll(a, code, { limit: 7 })).items).toHaveLength(41);
    const i2 = await change(id);
    expect((await syncAll<Obs>(a, code)).items.map((o) => [o.uuid, o.import])).toEqual([[OBSERVATION_1, i2]]);
    const i3 = await change(id);
    expect((await syncAll(b, code, { limit: 7 })).items).toHaveLength(41);
    // A holds import 2 and B import 3 of observation 1 at import 3; C never synced.
    expect(await map(id)).toEqual({ [DEVICE_A]: i2, [DEVICE_B]: i3 });
    // What is stored: B's cursor implies all it holds; A keeps one row, the older import it still holds.
    expect(await rows(DEVICE_B, code)).toBe(0);
    expect(await rows(DEVICE_A, code)).toBe(1);
    expect(await report(code)).toEqual({
      [DEVICE_A]: { current: 40, outdated: 1, missing: 0 },
      [DEVICE_B]: { current: 41, outdated: 0, missing: 0 },
    });
    const got = async (d: Client) => (await pull<Obs[]>(d, code)).items.map((o) => o.uuid);
    expect(await got(a)).toEqual([OBSERVATION_1]);
    expect(await got(b)).toEqual([]);
    expect((await got(c)).sort()).toContain(OBSERVATION_1);
    // A acknowledges and completes its round: its exception is compacted away.
    await syncAll(a, code);
    expect(await map(id)).toEqual({ [DEVICE_A]: i3, [DEVICE_B]: i3 });
    expect(await rows(DEVICE_A, code)).toBe(0);
  });

  it('nothing is held until acknowledged; an acknowledgement inside a round writes no row; a completed round leaves none', async () => {
    const code = await indicator();
    const seeded = await srv.seed.observations({ indicator: code, observations: seedRows(25) });
    const c = await as('reader', DEVICE_C);
    const first = await pull<Obs[]>(c, code, { limit: 10 });
    expect(first.items).toHaveLength(10);
    // Sent, not acknowledged: not held.
    expect(await map(seeded.ids[0]!)).toEqual({});
    const second = await pull<Obs[]>(c, code, { limit: 10, ack: first.token });
    expect(await map(seeded.ids[0]!)).toEqual({ [DEVICE_C]: seeded.importId });
    expect(await map(seeded.ids[10]!)).toEqual({});
    expect(await rows(DEVICE_C, code)).toBe(0);
    // The answer to the acknowledgement that completes the round is lost: the same request again.
    const third = await pull<Obs[]>(c, code, { limit: 10, ack: second.token });
    const done = await pull<Obs[]>(c, code, { limit: 10, ack: third.token });
    expect(done.items).toEqual([]);
    const again = await pull<Obs[]>(c, code, { limit: 10, ack: third.token });
    expect(again.items).toEqual([]);
    for (const id of seeded.ids) expect(await map(id)).toEqual({ [DEVICE_C]: seeded.importId });
    expect(await rows(DEVICE_C, code)).toBe(0);
  });

  it("a device's own writes are exceptions until its next round; lost answers are still recognised by write id", async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(5) });
    const w = await as('writer', DEVICE_A);
    const other = await as('reader', DEVICE_B);
    await syncAll(w, code);
    await syncAll(other, code);
    const items = [newObs({ indicator: code }), newObs({ indicator: code })];
    const pushId = '0a1b2c3d-0000-4000-8000-000000000001';
    const pushed = await w.req<Obs[]>('POST', '/observation/observations', {
      json: items,
      headers: { 'X-Gobs-Write-Id': pushId },
    });
    expect(pushed.status).toBe(200);
    expect(await rows(DEVICE_A, code)).toBe(2);
    // The update's answer is "lost": the device does not learn the new import.
    const editId = '0a1b2c3d-0000-4000-8000-000000000002';
    const base = pushed.body[0]!;
    const edit = { ...items[0]!, import: base.import, values: items[0]!.values.map((v) => ({ ...v })) };
    edit.values[0]!.value = 8.5;
    expect(
      (await w.req('PUT', '/observation/observations', { json: edit, headers: { 'X-Gobs-Write-Id': editId } })).status,
    ).toBe(200);
    // Its round completes (compaction point): no echo, and its exceptions are gone.
    expect((await syncAll(w, code)).items).toEqual([]);
    expect(await rows(DEVICE_A, code)).toBe(0);
    // Lost answers are judged by write id after compaction as before.
    const status = await w.req<{ committed: string[] }>('POST', '/observation/writeStatus', {
      json: { write_ids: [pushId, editId] },
    });
    expect(status.status).toBe(200);
    expect([...status.body.committed].sort()).toEqual([pushId, editId]);
    const retry = await w.req<{ observation: Obs & { write_id?: string } }>('PUT', '/observation/observations', {
      json: edit,
      headers: { 'X-Gobs-Write-Id': '0a1b2c3d-0000-4000-8000-000000000003' },
    });
    expect(retry.status).toBe(409);
    expect(retry.body.observation.write_id).toBe(editId);
    // The other device gets both new observations, the edited one at its edit.
    const got = await syncAll<Obs>(other, code);
    expect(got.items.map((o) => o.uuid).sort()).toEqual(items.map((i) => i.uuid).sort());
    expect(await map(base.id)).toEqual({ [DEVICE_A]: base.import + 1, [DEVICE_B]: base.import + 1 });
  });

  it('a deletion reaches devices whose cursor implies the observation, and those that hold an older import', async () => {
    const code = await indicator();
    const seeded = await srv.seed.observations({ indicator: code, author: 'writer', observations: seedRows(3) });
    const a = await as('reader', DEVICE_A);
    const b = await as('reader', DEVICE_B);
    await syncAll(a, code);
    await syncAll(b, code);
    await change(seeded.ids[0]!);
    await syncAll(b, code); // B holds the new import; A the old one (an exception released by the change)
    const w = await as('writer', DEVICE_C);
    for (const id of seeded.ids.slice(0, 2)) expect((await w.req('DELETE', `/observation/${id}`)).status).toBe(200);
    for (const d of [a, b]) {
      const dels = await syncAll<string>(d, code, { kind: 'deletedObservations' });
      expect(dels.items).toHaveLength(2);
    }
    expect(await rows(DEVICE_A, code)).toBe(0);
    expect((await syncAll(w, code, { kind: 'deletedObservations' })).items).toEqual([]);
  });

  it('a change of an observation while a device acknowledges it, or while its round completes, is not lost', async () => {
    const code = await indicator();
    const seeded = await srv.seed.observations({ indicator: code, observations: seedRows(6) });
    const c = await as('reader', DEVICE_C);
    // Acknowledgement point: the device stored the batch; the row changes before the ack commits.
    const first = await pull<Obs[]>(c, code, { limit: 3 });
    const target = first.items[1]!;
    const changed = srv.db.tx(async (q) => {
      const imp = await q.query<{ id: number }>(
        `INSERT INTO import (source, tool) VALUES ('seed', 'test') RETURNING id`,
      );
      await q.query('UPDATE observation SET import_id = $2 WHERE id = $1', [target.id, imp[0]!.id]);
      if (engine === 'postgres') {
        // The acknowledgement waits for this transaction (it locks the rows it records).
        const acked = pull<Obs[]>(c, code, { limit: 3, ack: first.token });
        await new Promise((r) => setTimeout(r, 300));
        return { imp: imp[0]!.id, acked };
      }
      return { imp: imp[0]!.id, acked: null };
    });
    const r = await changed;
    const second = r.acked ? await r.acked : await pull<Obs[]>(c, code, { limit: 3, ack: first.token });
    expect(second.status).toBe(200);
    expect(await map(target.id)).toEqual({ [DEVICE_C]: target.import });
    // Round-completion point: a change held open while the round completes.
    const rest = await syncAll<Obs>(c, code, { limit: 3, ack: second.token });
    expect(rest.items.map((o) => [o.uuid, o.import])).toContainEqual([target.uuid, r.imp]);
    expect(await map(target.id)).toEqual({ [DEVICE_C]: r.imp });
    const victim = seeded.ids[4]!;
    const w = await as('writer', DEVICE_A);
    const held = srv.db.tx(async (q) => {
      const imp = await q.query<{ id: number }>(
        `INSERT INTO import (source, tool) VALUES ('seed', 'test') RETURNING id`,
      );
      await q.query('UPDATE observation SET import_id = $2 WHERE id = $1', [victim, imp[0]!.id]);
      if (engine === 'postgres') {
        // Something else changed, so the device's next pull runs and completes a round (and compacts)
        // while this change is still open.
        expect((await w.req('POST', '/observation/observations', { json: [newObs({ indicator: code })] })).status).toBe(
          200,
        );
        expect((await syncAll<Obs>(c, code)).items).toHaveLength(1);
      }
      return imp[0]!.id;
    });
    const newImport = await held;
    // The device still holds the version it had, until it pulls the new one.
    expect(await map(victim)).toEqual({ [DEVICE_C]: seeded.importId });
    expect(await rows(DEVICE_C, code)).toBe(1);
    const last = await syncAll<Obs>(c, code);
    expect(last.items.map((o) => [o.id, o.import])).toContainEqual([victim, newImport]);
    expect(await map(victim)).toEqual({ [DEVICE_C]: newImport });
    expect(await rows(DEVICE_C, code)).toBe(0);
    expect((await syncAll(c, code)).items).toEqual([]);
  });

  it('holds open an insert across a completed round: the late commit is pulled, then compacted', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(4) });
    const c = await as('reader', DEVICE_B);
    await syncAll(c, code);
    const lateUuid = newObs().uuid;
    const late = srv.db.tx(async (q) => {
      const imp = await q.query<{ id: number }>(
        `INSERT INTO import (source, tool) VALUES ('seed', 'test') RETURNING id`,
      );
      await q.query(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals)
         SELECT $1, id, $2, '2024-01-01 00:00:00', 1, 1, 'POINT(1 1)', '{"rain":1,"gauge":1,"checked":true,"note":"late"}' FROM indicator WHERE code = $3`,
        [lateUuid, imp[0]!.id, code],
      );
      if (engine === 'postgres') {
        const w = await as('writer', DEVICE_A);
        expect((await w.req('POST', '/observation/observations', { json: [newObs({ indicator: code })] })).status).toBe(
          200,
        );
        // The device completes a round (and compacts) while the insert is still open.
        expect((await syncAll<Obs>(c, code)).items).toHaveLength(1);
        expect(await rows(DEVICE_B, code)).toBe(0);
      }
    });
    const pulled = engine === 'pglite' ? syncAll<Obs>(c, code) : null;
    await late;
    const after = pulled ? await pulled : await syncAll<Obs>(c, code);
    expect(after.items.map((o) => o.uuid)).toContain(lateUuid);
    expect((await syncAll(c, code)).items).toEqual([]);
    expect(await rows(DEVICE_B, code)).toBe(0);
  });
});

describe('migration 010 keeps what every device holds', () => {
  const engines: { name: string; open(): Promise<{ db: Db; close(): Promise<void> }> }[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openMemoryPglite();
        return { db, close: () => db.close() };
      },
    },
  ];
  if (postgresUrl()) {
    engines.push({
      name: 'postgres',
      async open() {
        const t = await createTestDatabase();
        const db = await openPostgres(t.url);
        return {
          db,
          async close() {
            await db.close();
            await t.drop();
          },
        };
      },
    });
  }

  it.each(engines.map((e) => [e.name, e] as const))('%s', async (_name, engine) => {
    const { db, close } = await engine.open();
    try {
      // The schema as it was before: migrations up to 009.
      for (const m of loadMigrations().filter((x) => x.version < 10)) {
        await db.tx(async (q) => {
          await q.query(`CREATE TABLE IF NOT EXISTS schema_version (
            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
          for (const st of splitStatements(m.sql)) await q.query(st);
          await q.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
        });
      }
      await createProject(db, { key: 'p1', label: 'P', description: null });
      const ann = await createUser(db, 'ann', 'ann-password-1');
      await grantRole(db, 'ann', 'p1', 'writer');
      await createIndicator(db, PLUVIOMETRY);
      await linkIndicator(db, 'p1', 'pluviometry');
      const seeded = await insertObservations(db, { indicator: 'pluviometry', observations: seedRows(8) });
      const ind = (await db.query<{ id: number }>(`SELECT id FROM indicator WHERE code = 'pluviometry'`))[0]!.id;
      // The one-row-per-observation model as syncs left it: A completed a round holding all 8, then
      // observation 1 changed; A is half-way through its next round (nothing acknowledged yet).
      // B pushed observation 2 and never pulled. C is half-way through its first round: 3 acknowledged.
      const [a, b, c] = [
        await registerDevice(db, DEVICE_A, ann.id),
        await registerDevice(db, DEVICE_B, ann.id),
        await registerDevice(db, DEVICE_C, ann.id),
      ];
      const holdAll = (dev: number, ids: number[]) =>
        db.query(
          `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
           SELECT $1, id, indicator_id, import_id FROM observation WHERE id = ANY($2::bigint[])`,
          [dev, ids],
        );
      await holdAll(a, seeded.ids);
      await db.query(
        `INSERT INTO sync_cursor (device_id, indicator_id, base_snapshot) VALUES ($1, $2, pg_current_snapshot())`,
        [a, ind],
      );
      const next = await insertObservations(db, { indicator: 'pluviometry', observations: [] });
      await db.query('UPDATE observation SET import_id = $2 WHERE id = $1', [seeded.ids[0], next.importId]);
      await db.query(
        `UPDATE sync_cursor SET round_snapshot = pg_current_snapshot(), round_after_id = 0 WHERE device_id = $1`,
        [a],
      );
      await holdAll(b, [seeded.ids[1]!]);
      await holdAll(c, seeded.ids.slice(0, 3));
      await db.query(
        `INSERT INTO sync_cursor (device_id, indicator_id, round_snapshot, round_after_id) VALUES ($1, $2, pg_current_snapshot(), $3)`,
        [c, ind, seeded.ids[2]],
      );
      const before = await db.query<{ uuid: string; observation_id: number; import_id: number }>(
        `SELECT d.uuid::text AS uuid, h.observation_id, h.import_id FROM device_observation h JOIN device d ON d.id = h.device_id`,
      );
      const expected = new Map<number, Record<string, number>>();
      for (const r of before)
        expected.set(r.observation_id, { ...expected.get(r.observation_id), [r.uuid]: r.import_id });

      expect(await migrate(db)).toEqual(
        loadMigrations()
          .filter((x) => x.version >= 10)
          .map((x) => x.version),
      );
      const mapOf = async (id: number) =>
        Object.fromEntries(
          (await observationDevices(db, String(id)))
            .map((l) => /^ {4}'([0-9a-f-]{36})': (\d+)/.exec(l))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1]!, Number(m[2])]),
        );
      for (const id of seeded.ids) expect(await mapOf(id)).toEqual(expected.get(id) ?? {});
      const left = await db.query<{ uuid: string; n: number }>(
        `SELECT d.uuid::text AS uuid, count(*)::int8 AS n FROM device_observation h JOIN device d ON d.id = h.device_id GROUP BY 1 ORDER BY 1`,
      );
      // A keeps the older import of observation 1; B its push; C's acknowledged rows are implied by its round.
      expect(Object.fromEntries(left.map((r) => [r.uuid, r.n]))).toEqual({ [DEVICE_A]: 1, [DEVICE_B]: 1 });
    } finally {
      await close();
    }
  });
});
