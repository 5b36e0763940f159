/**
 * The sync window of the module: headers lastSyncDate / requestSyncDate in server-local time
 * without zone (missing or invalid: silently 1970-01-01 00:00:00 / now), observations with
 * updated_at > last AND <= request, deletions BETWEEN the two over the whole database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  COUNTS,
  DELETED_BEFORE,
  FIXTURE_NOW,
  type LizmapStandin,
  OBSERVATIONS,
  SERIES,
  type StandinClient,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { available, hikerPosition } from './support.js';

type Obs = Record<string, unknown> & { uuid: string; series: number; updated_at: string };

const uuids = (res: { body: unknown }) => (res.body as Obs[]).map((o) => o.uuid);
const ALL_PLUVIOMETRY = COUNTS[1] + COUNTS[6] + COUNTS[7];

describe.skipIf(!available)('Lizmap stand-in: sync window (server in Europe/Paris)', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;

  beforeAll(async () => {
    lizmap = await startLizmapStandin({ ticking: false }); // 2025-06-02 08:00:00Z = 10:00:00 in Paris
  });
  beforeEach(async () => {
    writer = await lizmap.asUser('writer');
  });
  afterAll(() => lizmap?.close());

  it('writes server-local times without zone, and compares the headers with them', async () => {
    lizmap.clock.set('2025-06-02T08:00:00Z');
    expect(lizmap.clock.local()).toBe('2025-06-02 10:00:00');
    const created = (await writer.createObservation(3, hikerPosition())).body as Obs;
    expect(created['created_at']).toBe('2025-06-02 10:00:00');
    const window = (last: string, request: string) =>
      writer.observations(SERIES.hikers, { lastSyncDate: last, requestSyncDate: request }).then(uuids);
    expect(await window('2025-06-02 09:59:59', '2025-06-02 10:00:00')).toEqual([created.uuid]);
    expect(await window('2025-06-02 10:00:00', '2025-06-02 10:00:05')).toEqual([]); // updated_at > last
    expect(await window('2025-06-02 09:59:00', '2025-06-02 09:59:59')).toEqual([]); // updated_at <= request
    // The same instant written in UTC, as a client reading the Date header might: a different window
    expect(await window('2025-06-02 07:59:59', '2025-06-02 08:00:00')).toEqual([]);
  });

  it('keeps microseconds: a write inside a second falls in the window that starts at that second', async () => {
    lizmap.clock.set('2025-06-02T08:10:05.500Z');
    const created = (await writer.createObservation(3, hikerPosition())).body as Obs;
    expect(created.updated_at).toBe('2025-06-02 10:10:06'); // rounded in the answer, 10:10:05.5 stored
    const window = (last: string, request: string) =>
      writer.observations(SERIES.hikers, { lastSyncDate: last, requestSyncDate: request }).then(uuids);
    expect(await window('2025-06-02 10:10:00', '2025-06-02 10:10:05')).toEqual([]);
    expect(await window('2025-06-02 10:10:05', '2025-06-02 10:10:06')).toEqual([created.uuid]);
    expect(await window('2025-06-02 10:10:06', '2025-06-02 10:11:00')).toEqual([]);
  });

  it('defaults a missing or invalid header silently: last = 1970-01-01 00:00:00, request = now (to the second)', async () => {
    lizmap.clock.set('2025-06-02T08:20:00Z');
    const all = await writer.observations(SERIES.pluviometry);
    expect(all.status).toBe(200);
    expect(all.body as Obs[]).toHaveLength(ALL_PLUVIOMETRY); // everything, in one array
    for (const bad of ['yesterday', '2025-06-02T10:20:00', '2025-06-02 10:20', '2025-02-30 10:00:00', '']) {
      const res = await writer.observations(SERIES.pluviometry, { lastSyncDate: bad });
      expect(res.body as Obs[], bad).toHaveLength(ALL_PLUVIOMETRY);
    }
    // An invalid request date is "now": a write half a second ago is after now truncated to the second
    lizmap.clock.set('2025-06-02T08:20:30.400Z');
    const fresh = (
      await writer.createObservation(6, { ...hikerPosition(), series: 6, indicator: 'pluviometry', values: [0.4] })
    ).body as Obs;
    lizmap.clock.set('2025-06-02T08:20:30.900Z');
    expect(uuids(await writer.observations(SERIES.pluviometry, { lastSyncDate: '2025-06-02 10:20:00' }))).toEqual([]);
    expect(
      uuids(
        await writer.observations(SERIES.pluviometry, {
          lastSyncDate: '2025-06-02 10:20:00',
          requestSyncDate: 'not a date',
        }),
      ),
    ).toEqual([]);
    lizmap.clock.advance(1);
    expect(uuids(await writer.observations(SERIES.pluviometry, { lastSyncDate: '2025-06-02 10:20:00' }))).toEqual([
      fresh.uuid,
    ]);
  });

  it('lists changes of every series of the indicator, and administrators’ edits', async () => {
    lizmap.clock.set('2025-06-02T08:30:00Z');
    const since = lizmap.clock.local();
    lizmap.clock.advance(10);
    const manual = (
      await writer.createObservation(6, { ...hikerPosition(), series: 6, indicator: 'pluviometry', values: [2.5] })
    ).body as Obs;
    expect(await lizmap.editObservationAsServerAdmin(OBSERVATIONS.pluviometry(3, 7), { values: [9.9] })).toBe(true);
    expect(await lizmap.editObservationAsServerAdmin(OBSERVATIONS.projectB(4, 0), { values: [0.1] })).toBe(true);
    const changed = (await writer.observations(SERIES.pluviometry, { lastSyncDate: since })).body as Obs[];
    expect(changed.map((o) => o.uuid).sort()).toEqual(
      [manual.uuid, OBSERVATIONS.pluviometry(3, 7), OBSERVATIONS.projectB(4, 0)].sort(),
    );
    expect(new Set(changed.map((o) => o.series))).toEqual(new Set([1, 6, 7]));
    const edited = changed.find((o) => o.uuid === OBSERVATIONS.pluviometry(3, 7))!;
    expect(edited['values']).toEqual([9.9]);
    expect(edited.updated_at).toBe('2025-06-02T10:30:10');
  });

  it('lists deletions of the whole database, bounds included, whatever the series asked', async () => {
    lizmap.clock.set('2025-06-02T08:40:00Z');
    const own = (await writer.createObservation(3, hikerPosition())).body as Obs;
    lizmap.clock.advance(60);
    const at = lizmap.clock.local();
    expect((await writer.deleteObservation(SERIES.hikers, own.uuid)).status).toBe(200);
    expect(await lizmap.deleteObservationAsServerAdmin(OBSERVATIONS.population(11, 2011))).toBe(true);

    for (const series of [SERIES.pluviometry, SERIES.population, SERIES.fauna]) {
      const deleted = (await writer.deletedObservations(series, { lastSyncDate: at, requestSyncDate: at })).body;
      expect((deleted as string[]).sort(), `series ${series}`).toEqual(
        [own.uuid, OBSERVATIONS.population(11, 2011)].sort(),
      );
    }
    const before = (
      await writer.deletedObservations(SERIES.fauna, {
        lastSyncDate: '2025-06-02 10:40:00',
        requestSyncDate: '2025-06-02 10:40:59',
      })
    ).body as string[];
    expect(before).toEqual([]);

    // Without headers: every deletion ever logged, including the ones of the fixtures
    const everything = (await writer.deletedObservations(SERIES.hikers)).body as string[];
    expect(everything).toEqual(
      expect.arrayContaining([...Object.values(DELETED_BEFORE), own.uuid, OBSERVATIONS.population(11, 2011)]),
    );
    // The filtered user gets them too: deletions are not filtered by area
    const filtered = await lizmap.asUser('filtered');
    expect((await filtered.deletedObservations(SERIES.hikers)).body as string[]).toEqual(
      expect.arrayContaining([OBSERVATIONS.population(11, 2011)]),
    );
    // The fixtures' own deletions sit at their times before FIXTURE_NOW
    const lastTwoDays = (
      await writer.deletedObservations(SERIES.hikers, {
        lastSyncDate: '2025-05-31 10:00:00',
        requestSyncDate: '2025-06-02 10:00:00',
      })
    ).body;
    expect(lastTwoDays).toEqual([DELETED_BEFORE.twentySixHoursAgo]);
  });

  it('moves every observation of a shared spatial object into the next window when the object moves', async () => {
    lizmap.clock.set('2025-06-02T08:50:00Z');
    const since = lizmap.clock.local();
    lizmap.clock.advance(1);
    const n = await lizmap.moveSpatialObjectAsServerAdmin(
      'brittany-cities',
      '29034',
      'MULTIPOLYGON(((-3.86 48.46,-3.78 48.46,-3.78 48.56,-3.86 48.56,-3.86 48.46)))',
    );
    expect(n).toBe(6);
    const changed = uuids(await writer.observations(SERIES.population, { lastSyncDate: since }));
    expect(changed.sort()).toEqual(
      [2011, 2012, 2013, 2014, 2015, 2016].map((y) => OBSERVATIONS.population(15, y)).sort(),
    );
  });
});

describe.skipIf(!available)('Lizmap stand-in: sync window (server in UTC)', () => {
  let lizmap: LizmapStandin;
  beforeAll(async () => {
    lizmap = await startLizmapStandin({ ticking: false, timeZone: 'UTC' });
  });
  afterAll(() => lizmap?.close());

  it('writes the same instant as UTC wall time, with fixtures at the same instants', async () => {
    const writer = await lizmap.asUser('writer');
    expect(lizmap.clock.now().toISOString()).toBe(new Date(FIXTURE_NOW).toISOString());
    expect(lizmap.clock.local()).toBe('2025-06-02 08:00:00');
    const created = (await writer.createObservation(3, hikerPosition())).body as Obs;
    expect(created['created_at']).toBe('2025-06-02 08:00:00');
    // Al's recent hike point 10 was written 2 days (and 10 s) before the fixture time, in this zone's wall time
    const hike = (await writer.getObservation(SERIES.hikers, OBSERVATIONS.alRecentHike(10))).body as Obs;
    expect(hike['created_at']).toBe('2025-05-31 08:00:10');
    expect(
      uuids(
        await writer.observations(SERIES.hikers, {
          lastSyncDate: '2025-06-02 07:59:59',
          requestSyncDate: '2025-06-02 08:00:00',
        }),
      ),
    ).toEqual([created.uuid]);
  });
});
