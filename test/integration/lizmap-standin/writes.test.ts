/**
 * Writing observations: one object per POST, the lowercase-v4 uuid rule, duplicates, validation
 * messages, the area rule (401), PUT of the whole object by its author only (401) within the
 * protocol's editing window (403), last write wins, shared spatial objects, and deletion.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CITIES,
  type LizmapStandin,
  OBSERVATIONS,
  SERIES,
  type StandinClient,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { DETAIL_TIME, LOWER_V4, available, expectError, expectSuccess, hikerPosition } from './support.js';

type Obs = Record<string, unknown> & { uuid: string; wkt: string; updated_at: string; created_at: string };

const EDITING_WINDOW =
  'The given observation cannot be edited since it is older than the delay defined in its related series protocol';
const NOT_ALLOWED_CREATE = 'The authenticated user has not right to create this observation';
const NOT_ALLOWED_MODIFY = 'The authenticated user has not right to modify this observation';

describe.skipIf(!available)('Lizmap stand-in: writing', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let john: StandinClient;
  let filtered: StandinClient;

  beforeAll(async () => {
    lizmap = await startLizmapStandin({ ticking: false });
  });
  // Tests move the clock by hours: fresh tokens each time (a token lives 3,600 s)
  beforeEach(async () => {
    writer = await lizmap.asUser('writer');
    john = await lizmap.asUser('otherWriter');
    filtered = await lizmap.asUser('filtered');
  });
  afterAll(() => lizmap?.close());

  const create = async (client: StandinClient, body = hikerPosition()) => {
    const res = await client.createObservation(body.series, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Obs;
  };

  it('creates from a WKT point and answers the detail (full geometry, times to the second)', async () => {
    const uuid = '3f2a9c1e-7b4d-4e8a-9f01-23456789abcd';
    const input = hikerPosition({ uuid, wkt: 'POINT(-3.7012 48.4567)', start_timestamp: '2025-06-01 07:15:30' });
    const o = await create(writer, input);
    expect(o).toMatchObject({
      series: SERIES.hikers,
      indicator: 'hiker_position',
      uuid,
      start_timestamp: '2025-06-01 07:15:30',
      end_timestamp: null,
      coordinates: { x: -3.7012, y: 48.4567 },
      wkt: 'POINT(-3.7012 48.4567)',
      values: input.values,
      media_url: null,
      editable: true,
    });
    expect(o.created_at).toMatch(DETAIL_TIME);
    expect(o.created_at).toBe(lizmap.clock.local());
    expect(o.updated_at).toBe(o.created_at);
    expect((await writer.getObservation(SERIES.hikers, uuid)).body).toEqual(o);
  });

  it('keeps a lowercase v4 uuid and silently replaces any other by its own', async () => {
    for (const given of [
      '3F2A9C1E-7B4D-4E8A-9F01-23456789ABCE', // uppercase v4
      'a8098c1a-f86e-11da-bd1a-00112444be1e', // version 1
      '3f2a9c1e-7b4d-4e8a-cf01-23456789abcf', // v4 with a wrong variant
      'not-a-uuid',
      '',
      null,
    ]) {
      const o = await create(writer, hikerPosition({ uuid: given }));
      expect(o.uuid).toMatch(LOWER_V4);
      expect(o.uuid).not.toBe(given);
      expect(o.uuid).not.toBe(String(given).toLowerCase());
    }
    const fresh = await create(writer, hikerPosition({ uuid: undefined }));
    expect(fresh.uuid).toMatch(LOWER_V4);
  });

  it('refuses an existing uuid (400), whoever owns it and whatever its series', async () => {
    const mine = await create(writer);
    expectError(
      await writer.createObservation(SERIES.hikers, hikerPosition({ uuid: mine.uuid })),
      400,
      'Observation cannot be created: given UID already exists.',
    );
    expectError(
      await john.createObservation(SERIES.hikers, hikerPosition({ uuid: OBSERVATIONS.pluviometry(2, 5) })),
      400,
      'Observation cannot be created: given UID already exists.',
    );
  });

  it('refuses the same (series, spatial object, start time) twice', async () => {
    const onCity = {
      series: SERIES.population,
      indicator: 'population',
      start_timestamp: '2023-01-01 00:00:00',
      spatial_object: { layer_code: 'brittany-cities', unique_id: CITIES.berrien },
      values: [812],
    };
    await create(writer, onCity);
    expectError(
      await writer.createObservation(SERIES.population, { ...onCity, values: [813] }),
      400,
      'A database error occurred while creating the observation with the given spatial object',
    );
    // On a WKT, the point becomes a spatial object keyed by series, point, user and the start time
    // truncated to the indicator's resolution (an hour for pluviometry): two readings in one hour collide.
    const reading = {
      series: SERIES.manualPluviometry,
      indicator: 'pluviometry',
      start_timestamp: '2025-06-01 10:15:00',
      wkt: 'POINT(-3.70 48.50)',
      values: [1.5],
    };
    await create(writer, reading);
    expectError(
      await writer.createObservation(SERIES.manualPluviometry, { ...reading, start_timestamp: '2025-06-01 10:45:00' }),
      400,
      'The observation has not been created',
    );
    await create(writer, { ...reading, start_timestamp: '2025-06-01 11:15:00' });
    // Another user at the same point and hour is another spatial object
    await create(john, { ...reading, start_timestamp: '2025-06-01 10:20:00' });
  });

  it('validates the body with the module’s messages', async () => {
    const post = (body: unknown) =>
      writer.request('POST', `/project/test_project_a/series/${SERIES.hikers}/observation`, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const ok = hikerPosition();
    expectError(await post(''), 400, 'Observation JSON data is empty');
    expectError(await post('{"not json'), 400, 'Observation JSON data is empty');
    expectError(
      await post({ ...ok, indicator: 'pluviometry' }),
      400,
      'Observation JSON data must have a valid indicator',
    );
    expectError(await post({ ...ok, series: SERIES.fauna }), 400, 'Observation JSON data must have a valid series');
    const { series: _series, ...noSeries } = ok;
    expectError(await post(noSeries), 400, 'Observation JSON data must have a valid series');
    for (const start of ['2025-06-02T10:00:00Z', '2025-02-30 10:00:00', '02/06/2025 10:00', '2025-06-02 10:00']) {
      expectError(
        await post({ ...ok, start_timestamp: start }),
        400,
        'Observation JSON data must have a valid start_timestamp',
      );
    }
    expectError(
      await post({ ...ok, end_timestamp: 'tomorrow' }),
      400,
      'Observation JSON data must have a valid end_timestamp',
    );
    const noGeometry = 'Observation JSON data must have a valid wkt or a valid spatial object reference';
    for (const wkt of ['SRID=4326;POINT(-3.7 48.45)', 'POINT Z (-3.7 48.45 120)', 'somewhere', null]) {
      expectError(await post({ ...ok, wkt }), 400, noGeometry);
    }
    expectError(
      await post({ ...ok, wkt: null, spatial_object: { layer_code: 'brittany-cities', unique_id: '99999' } }),
      400,
      noGeometry,
    );
    // Times with an offset pass the check; the offset is dropped when stored
    const withOffset = await create(writer, hikerPosition({ start_timestamp: '2025-05-30T08:00:00+02:00' }));
    expect(withOffset['start_timestamp']).toBe('2025-05-30 08:00:00');
  });

  it('refuses a geometry outside the user’s area with 401', async () => {
    expectError(
      await writer.createObservation(SERIES.hikers, hikerPosition({ wkt: 'POINT(-3.785 48.15)' })),
      401,
      NOT_ALLOWED_CREATE,
    );
    expectError(
      await filtered.createObservation(SERIES.hikers, hikerPosition({ wkt: 'POINT(-3.9036 48.3988)' })),
      401,
      NOT_ALLOWED_CREATE,
    );
    const west = { layer_code: 'brittany-cities', unique_id: CITIES.brennilis };
    expectError(
      await filtered.createObservation(SERIES.population, {
        series: SERIES.population,
        indicator: 'population',
        start_timestamp: '2024-01-01 00:00:00',
        spatial_object: west,
        values: [1],
      }),
      401,
      NOT_ALLOWED_CREATE,
    );
    const east = await create(filtered, hikerPosition({ wkt: 'POINT(-3.70 48.46)' }));
    expect(east.editable).toBe(true);
  });

  it('updates the whole object for its author: new values and times, updated_at moves, created_at stays', async () => {
    const o = await create(writer);
    lizmap.clock.advance(90);
    const res = await writer.updateObservation(SERIES.hikers, {
      ...hikerPosition(),
      uuid: o.uuid,
      start_timestamp: '2025-05-20 06:00:00',
      end_timestamp: '2025-05-20 06:30:00',
      wkt: 'POINT(-3.69 48.47)',
      values: [999],
    });
    expect(res.status).toBe(200);
    const u = res.body as Obs;
    expect(u).toMatchObject({
      uuid: o.uuid,
      start_timestamp: '2025-05-20 06:00:00',
      end_timestamp: '2025-05-20 06:30:00',
      wkt: 'POINT(-3.69 48.47)',
      values: [999],
      created_at: o.created_at,
      editable: true,
    });
    expect(u.updated_at).toBe(lizmap.clock.local());
    expect(u.updated_at).not.toBe(o.updated_at);
  });

  it('has no version check: two edits from the same stale copy both succeed, the last wins', async () => {
    const o = await create(writer);
    const stale = { ...hikerPosition(), uuid: o.uuid, wkt: o.wkt, start_timestamp: String(o['start_timestamp']) };
    expect((await writer.updateObservation(SERIES.hikers, { ...stale, values: [1] })).status).toBe(200);
    lizmap.clock.advance(5);
    expect((await writer.updateObservation(SERIES.hikers, { ...stale, values: [2] })).status).toBe(200);
    expect(((await writer.getObservation(SERIES.hikers, o.uuid)).body as Obs)['values']).toEqual([2]);
  });

  it('lets only the author update (401) and only within the protocol’s editing window in days (403)', async () => {
    const alRecent = (await writer.getObservation(SERIES.hikers, OBSERVATIONS.alRecentHike())).body as Obs;
    const asInput = (o: Obs) => ({
      series: Number(o['series']),
      indicator: String(o['indicator']),
      uuid: o.uuid,
      start_timestamp: String(o['start_timestamp']),
      wkt: o.wkt,
      values: [1234],
    });
    expectError(await john.updateObservation(SERIES.hikers, asInput(alRecent)), 401, NOT_ALLOWED_MODIFY);
    expect((await writer.updateObservation(SERIES.hikers, asInput(alRecent))).status).toBe(200);

    const alOld = (await writer.getObservation(SERIES.hikers, OBSERVATIONS.alOldHike())).body as Obs;
    expectError(await writer.updateObservation(SERIES.hikers, asInput(alOld)), 403, EDITING_WINDOW);
    // John is not the author of Al's old one: authorship is checked first
    expectError(await john.updateObservation(SERIES.hikers, asInput(alOld)), 401, NOT_ALLOWED_MODIFY);

    // Manual pluviometry: a 2-day window
    const within = (await writer.getObservation(SERIES.manualPluviometry, OBSERVATIONS.manualPluviometry(1, 2)))
      .body as Obs;
    const past = (await writer.getObservation(SERIES.manualPluviometry, OBSERVATIONS.manualPluviometry(1, 3)))
      .body as Obs;
    expect((await writer.updateObservation(SERIES.manualPluviometry, asInput(within))).status).toBe(200);
    expectError(await writer.updateObservation(SERIES.manualPluviometry, asInput(past)), 403, EDITING_WINDOW);
    // The window counts from created_at: two more hours and the 46-hour-old reading is out too
    lizmap.clock.advance(2 * 3600 + 60);
    writer = await lizmap.asUser('writer'); // the old token died on the way
    expectError(await writer.updateObservation(SERIES.manualPluviometry, asInput(within)), 403, EDITING_WINDOW);
  });

  it('refuses an update of an unknown uuid or a move outside the area', async () => {
    expectError(
      await writer.updateObservation(SERIES.hikers, hikerPosition({ uuid: '0b1ac1b2-3d4e-4f5a-8b6c-7d8e9fa0b1c2' })),
      400,
      'Observation JSON data does not correspond to an existing observation',
    );
    const o = await create(filtered, hikerPosition({ wkt: 'POINT(-3.71 48.46)' }));
    expectError(
      await filtered.updateObservation(SERIES.hikers, hikerPosition({ uuid: o.uuid, wkt: 'POINT(-3.9 48.46)' })),
      401,
      NOT_ALLOWED_MODIFY,
    );
  });

  it('rewrites a shared spatial object from the WKT of an update, for every observation on it', async () => {
    const base = {
      series: SERIES.population,
      indicator: 'population',
      spatial_object: { layer_code: 'brittany-cities', unique_id: CITIES.plougonven },
      values: [3300],
    };
    const created = await create(writer, { ...base, start_timestamp: '2024-01-01 00:00:00' });
    expect(created.wkt).toMatch(/^MULTIPOLYGON/);

    // Without a WKT the module's update cannot write the geometry: a database error
    expectError(
      await writer.updateObservation(SERIES.population, {
        ...base,
        uuid: created.uuid,
        start_timestamp: '2024-01-01 00:00:00',
        values: [3301],
      }),
      400,
      'A database error occurred while modifying the observation',
    );

    // With the detail's own geometry nothing moves: only this observation changes
    lizmap.clock.advance(60);
    const before = lizmap.clock.local();
    lizmap.clock.advance(60);
    const same = await writer.updateObservation(SERIES.population, {
      ...base,
      uuid: created.uuid,
      start_timestamp: '2024-01-01 00:00:00',
      wkt: created.wkt,
      values: [3302],
    });
    expect(same.status).toBe(200);
    const changedSince = async (since: string) =>
      ((await writer.observations(SERIES.population, { lastSyncDate: since })).body as Obs[]).map((o) => o.uuid);
    expect(await changedSince(before)).toEqual([created.uuid]);

    // With the list's centroid, the city polygon becomes that point: its 6 other observations change too
    lizmap.clock.advance(60);
    const beforeMove = lizmap.clock.local();
    lizmap.clock.advance(60);
    const centroid = ((await writer.observations(SERIES.population)).body as Obs[]).find(
      (o) => o.uuid === created.uuid,
    )!;
    const moved = await writer.updateObservation(SERIES.population, {
      ...base,
      uuid: created.uuid,
      start_timestamp: '2024-01-01 00:00:00',
      wkt: centroid.wkt,
      values: [3303],
    });
    expect((moved.body as Obs).wkt).toMatch(/^POINT\(/);
    const touched = await changedSince(beforeMove);
    expect(touched).toHaveLength(7);
    expect(touched).toContain(OBSERVATIONS.population(16, 2011));
    const neighbour = (await writer.getObservation(SERIES.population, OBSERVATIONS.population(16, 2011))).body as Obs;
    expect(neighbour.wkt).toBe(centroid.wkt);
  });

  it('deletes for the author within the window, logs the uuid for everyone, and cleans up', async () => {
    const o = await create(writer);
    const [row] = await lizmap.query<{ so: number }>(
      `SELECT fk_id_spatial_object AS so FROM gobs.observation WHERE ob_uid = $1`,
      [o.uuid],
    );
    const so = row!.so;
    expectError(await john.deleteObservation(SERIES.hikers, o.uuid), 401, NOT_ALLOWED_MODIFY);
    expectSuccess(
      await writer.deleteObservation(SERIES.hikers, o.uuid),
      'The observation has been sucessfully deleted',
    );
    expectError(await writer.getObservation(SERIES.hikers, o.uuid), 404, 'The observation does not exists');
    expectError(await writer.deleteObservation(SERIES.hikers, o.uuid), 404, 'The observation does not exists');
    // Its own spatial object (made from its WKT) went with it
    expect(await lizmap.query(`SELECT id FROM gobs.spatial_object WHERE id = $1`, [so])).toHaveLength(0);
    const deleted = (await john.deletedObservations(SERIES.pluviometry)).body as string[];
    expect(deleted).toContain(o.uuid);

    expectError(await writer.deleteObservation(SERIES.hikers, OBSERVATIONS.alOldHike(3)), 403, EDITING_WINDOW);
    expectError(await writer.deleteObservation(SERIES.hikers, OBSERVATIONS.johnHike(3)), 401, NOT_ALLOWED_MODIFY);
  });

  it('deletes an observation on a shared object without deleting the object others still use', async () => {
    const o = await create(writer, {
      series: SERIES.population,
      indicator: 'population',
      start_timestamp: '2025-01-01 00:00:00',
      spatial_object: { layer_code: 'brittany-cities', unique_id: CITIES.scrignac },
      values: [777],
    });
    expect((await writer.deleteObservation(SERIES.population, o.uuid)).status).toBe(200);
    expect(
      await lizmap.query(`SELECT id FROM gobs.spatial_object WHERE so_unique_id = $1`, [CITIES.scrignac]),
    ).toHaveLength(1);
  });

  it('lets a deleted uuid be created again, but never deleted again (400)', async () => {
    const o = await create(writer);
    expect((await writer.deleteObservation(SERIES.hikers, o.uuid)).status).toBe(200);
    const again = await create(writer, hikerPosition({ uuid: o.uuid }));
    expect(again.uuid).toBe(o.uuid);
    expectError(
      await writer.deleteObservation(SERIES.hikers, o.uuid),
      400,
      'A database error occurred while deleting the observation',
    );
    expect((await writer.getObservation(SERIES.hikers, o.uuid)).status).toBe(200);
  });

  it('lets the user called reader in the module’s tests create, and modify only its own', async () => {
    const reader = await lizmap.asUser('reader');
    const mine = await create(reader);
    expect(mine.editable).toBe(true);
    expectError(await reader.deleteObservation(SERIES.hikers, OBSERVATIONS.alRecentHike(12)), 401, NOT_ALLOWED_MODIFY);
  });
});
