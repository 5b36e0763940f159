/**
 * Working on a Lizmap G-Obs server the way one works on ours: observations made offline are sent
 * at the next sync (one request each, uuids minted here), edits go back to the server, refusals
 * keep the server's reason, a change made elsewhere meanwhile is a conflict, deletions come both
 * ways, and a create whose answer was lost is adopted, never duplicated. Real main core, real
 * stand-in (PostgreSQL + PostGIS), real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOWER_V4 } from '../../../src/main/remote/lizmap/client';
import type { TestDesktop } from '../../helpers/desktop';
import { type FaultProxy, startFaultProxy } from '../../helpers/faultProxy';
import {
  CITIES,
  FIXTURE_USERS,
  type LizmapStandin,
  lizmapStandinAvailable,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
  type StandinClient,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { rejection, syncOk, unsettled } from './support';
import { KEYS, lizmapDevice, rowOf, rowsOf } from './lizmap-support';

const available = lizmapStandinAvailable();

type ServerObs = {
  uuid: string;
  series: number;
  values: unknown[];
  updated_at: string;
  wkt: string;
  coordinates: { x: number; y: number };
  editable: boolean;
};

let minute = 0;
/** A hiker's point in project a, at a start time no other test uses. */
function hike(altitude: number) {
  minute++;
  const start = new Date(Date.UTC(2025, 4, 10, 6, 0, 0) + minute * 3_600_000);
  return {
    indicatorCode: KEYS.hikers,
    timestamp: start.toISOString().slice(0, 19).replace('T', ' '),
    x: -3.7 + minute * 0.001,
    y: 48.45,
    values: { altitude },
  };
}

describe.skipIf(!available)('Lizmap G-Obs server: the sync', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let d: TestDesktop;
  const desktops: TestDesktop[] = [];

  const serverObs = async (series: number, uuid: string) => {
    const res = await writer.getObservation(series, uuid);
    return { status: res.status, body: res.body as ServerObs };
  };

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    writer = await lizmap.asUser('writer');
    d = await lizmapDevice(lizmap);
    desktops.push(d);
    await syncOk(d);
  });
  afterAll(async () => {
    for (const x of desktops) await x.close(true);
    await lizmap?.close();
  });

  it('sends observations made offline, one request each, under the uuid minted here', async () => {
    const a = await d.gobs.observations.create(hike(310));
    const b = await d.gobs.observations.create(hike(320));
    for (const o of [a, b]) {
      expect(o.uuid).toMatch(LOWER_V4);
      expect(o.state).toBe('local');
    }
    const status = await syncOk(d);
    expect(status.lastResult?.sent).toBe(2);
    for (const o of [a, b]) {
      const server = await serverObs(SERIES.hikers, o.uuid);
      expect(server.status).toBe(200);
      expect(server.body.values).toEqual([o.values['altitude']]);
      expect(server.body.coordinates).toEqual({ x: o.x, y: o.y });
      const row = await rowOf(d, KEYS.hikers, o.uuid);
      expect(row).toMatchObject({ state: 'synced', editable: true, author: FIXTURE_USERS.writer.login });
      expect(row.id).not.toBeNull();
    }
  });

  it('sends an edit back and takes the server’s new version', async () => {
    const o = await d.gobs.observations.create(hike(400));
    await syncOk(d);
    const before = (await serverObs(SERIES.hikers, o.uuid)).body;
    lizmap.clock.advance(5);
    await d.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 401 },
    });
    expect((await rowOf(d, KEYS.hikers, o.uuid)).state).toBe('modified');
    await syncOk(d);
    const after = (await serverObs(SERIES.hikers, o.uuid)).body;
    expect(after.values).toEqual([401]);
    expect(after.updated_at).not.toBe(before.updated_at);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', values: { altitude: 401 } });
    // Nothing more to do: another sync sends nothing and brings nothing new.
    const again = await syncOk(d);
    expect(again.lastResult).toMatchObject({ sent: 0, received: 0 });
  });

  it('keeps the place of an observation once sent (the server would rewrite its spatial object)', async () => {
    const o = await d.gobs.observations.create(hike(500));
    await syncOk(d);
    const moved = await rejection(
      d.gobs.observations.update({
        uuid: o.uuid,
        timestamp: o.timestamp,
        x: o.x + 0.01,
        y: o.y,
        values: { altitude: 500 },
      }),
    );
    expect(moved).toMatchObject({ code: 'invalid_argument', field: 'x' });
  });

  it('keeps the server’s reason when it refuses an edit past the editing window, and shows it read only', async () => {
    // 70 hours old on a 2-day protocol: the list calls it editable (it is Al's), the server refuses.
    const uuid = OBSERVATIONS.manualPluviometry(1, 3);
    const row = await rowOf(d, KEYS.manualPluviometry, uuid);
    expect(row.editable).toBe(true);
    await d.gobs.observations.update({
      uuid,
      timestamp: row.timestamp,
      x: row.x,
      y: row.y,
      values: { pluviometry: 9.5 },
    });
    const status = await syncOk(d);
    expect(JSON.stringify(status.problems)).toMatch(/older than the delay defined in its related series protocol/);
    expect(await rowOf(d, KEYS.manualPluviometry, uuid)).toMatchObject({
      state: 'rejected',
      error:
        'The given observation cannot be edited since it is older than the delay defined in its related series protocol',
      editable: false,
      notEditable: 'window',
    });
    // The next sync does not send it again, nor does a re-read of the list make it editable again.
    const again = await syncOk(d);
    expect(again.lastResult?.sent).toBe(0);
    expect(await rowOf(d, KEYS.manualPluviometry, uuid)).toMatchObject({ editable: false, notEditable: 'window' });
    // Discarding the change takes the server's version back, still read only.
    await d.gobs.observations.discard({ uuid });
    expect(await rowOf(d, KEYS.manualPluviometry, uuid)).toMatchObject({ state: 'synced', editable: false });
    expect((await rejection(d.gobs.observations.delete({ uuid }))).code).toBe('forbidden');
  });

  it('learns before an edit that the editing window has passed (the detail says it, the list does not)', async () => {
    const uuid = OBSERVATIONS.manualPluviometry(2, 4);
    expect((await rowOf(d, KEYS.manualPluviometry, uuid)).editable).toBe(true);
    const fresh = await d.gobs.observations.refresh({ uuid });
    expect(fresh).toMatchObject({ editable: false, notEditable: 'window', state: 'synced' });
    const refused = await rejection(
      d.gobs.observations.update({
        uuid,
        timestamp: fresh.timestamp,
        x: fresh.x,
        y: fresh.y,
        values: { pluviometry: 1 },
      }),
    );
    expect(refused).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/time allowed/) });
    // Someone else's observation: read only from the list already.
    const johns = await rowOf(d, KEYS.hikers, OBSERVATIONS.johnHike(2));
    expect(johns).toMatchObject({ editable: false, notEditable: 'author' });
    expect(
      (
        await rejection(
          d.gobs.observations.update({ uuid: johns.uuid, timestamp: johns.timestamp, values: { altitude: 1 } }),
        )
      ).message,
    ).toMatch(/only its author/);
  });

  it('shows a conflict when the observation changed on the server meanwhile, and keeps both versions', async () => {
    const o = await d.gobs.observations.create(hike(600));
    await syncOk(d);
    // Al on another computer edits the same observation first.
    const other = await lizmapDevice(lizmap);
    desktops.push(other);
    await syncOk(other);
    lizmap.clock.advance(3);
    await other.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 611 },
    });
    await syncOk(other);
    lizmap.clock.advance(3);
    await d.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 622 },
    });
    await syncOk(d);
    const [conflict] = await d.gobs.conflicts.list({ indicatorCode: KEYS.hikers });
    expect(conflict).toMatchObject({
      uuid: o.uuid,
      values: { altitude: 622 },
      serverVersion: { values: { altitude: 611 } },
    });
    expect((await serverObs(SERIES.hikers, o.uuid)).body.values).toEqual([611]);
    // Keep mine: sent on the server's version at the next sync.
    lizmap.clock.advance(3);
    await d.gobs.conflicts.resolve({ uuid: o.uuid, keep: 'mine' });
    await syncOk(d);
    expect((await serverObs(SERIES.hikers, o.uuid)).body.values).toEqual([622]);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', values: { altitude: 622 } });
  });

  it('shows an administrator’s edit as a conflict too, and takes theirs when asked', async () => {
    const o = await d.gobs.observations.create(hike(700));
    await syncOk(d);
    lizmap.clock.advance(2);
    expect(await lizmap.editObservationAsServerAdmin(o.uuid, { values: [777] })).toBe(true);
    lizmap.clock.advance(2);
    await d.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 701 },
    });
    await syncOk(d);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'conflict' });
    await d.gobs.conflicts.resolve({ uuid: o.uuid, keep: 'theirs' });
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', values: { altitude: 777 } });
    expect((await serverObs(SERIES.hikers, o.uuid)).body.values).toEqual([777]);
  });

  it('brings an edit made elsewhere to an observation not changed here, without a conflict', async () => {
    const uuid = OBSERVATIONS.pluviometry(3, 30);
    lizmap.clock.advance(2);
    expect(await lizmap.editObservationAsServerAdmin(uuid, { values: [12.5] })).toBe(true);
    lizmap.clock.advance(2);
    const status = await syncOk(d);
    expect(status.lastResult?.received).toBeGreaterThanOrEqual(1);
    expect(await rowOf(d, KEYS.pluviometry, uuid)).toMatchObject({ state: 'synced', values: { pluviometry: 12.5 } });
  });

  it('applies deletions made on the server, and deletes on the server what is deleted here', async () => {
    const mine = await d.gobs.observations.create(hike(800));
    await syncOk(d);
    // An administrator deletes one of CIRAD's readings; the device deletes its own observation.
    const gone = OBSERVATIONS.pluviometry(4, 10);
    lizmap.clock.advance(2);
    expect(await lizmap.deleteObservationAsServerAdmin(gone)).toBe(true);
    await d.gobs.observations.delete({ uuid: mine.uuid });
    lizmap.clock.advance(2);
    const status = await syncOk(d);
    expect(status.lastResult?.deleted).toBeGreaterThanOrEqual(1);
    expect((await rowsOf(d, KEYS.pluviometry)).map((r) => r.uuid)).not.toContain(gone);
    expect((await rowsOf(d, KEYS.hikers)).map((r) => r.uuid)).not.toContain(mine.uuid);
    expect((await serverObs(SERIES.hikers, mine.uuid)).status).toBe(404);
  });

  it('keeps an observation edited here that the server deleted meanwhile, as a conflict', async () => {
    const o = await d.gobs.observations.create(hike(900));
    await syncOk(d);
    lizmap.clock.advance(2);
    expect(await lizmap.deleteObservationAsServerAdmin(o.uuid)).toBe(true);
    await d.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 901 },
    });
    lizmap.clock.advance(2);
    await syncOk(d);
    const [c] = (await d.gobs.conflicts.list({ indicatorCode: KEYS.hikers })).filter((x) => x.uuid === o.uuid);
    expect(c).toMatchObject({ serverDeleted: true, values: { altitude: 901 } });
    // Keep mine: it comes back as a new observation (a new uuid: the server logged this one's deletion).
    const kept = (await d.gobs.conflicts.resolve({ uuid: o.uuid, keep: 'mine' }))!;
    expect(kept.uuid).not.toBe(o.uuid);
    expect(kept.uuid).toMatch(LOWER_V4);
    // The administrator removed the observation, not its point: the module keeps one observation of
    // Al's per point and second, so it refuses the same one again, and says why.
    const refused = await syncOk(d);
    expect(JSON.stringify(refused.problems)).toMatch(/has not been created: you already have an observation/);
    expect(await rowOf(d, KEYS.hikers, kept.uuid)).toMatchObject({ state: 'rejected', errorField: 'timestamp' });
    const later = `${kept.timestamp.slice(0, 17)}${String(Number(kept.timestamp.slice(17)) + 1).padStart(2, '0')}`;
    await d.gobs.observations.update({
      uuid: kept.uuid,
      timestamp: later,
      x: kept.x,
      y: kept.y,
      values: { altitude: 901 },
    });
    await syncOk(d);
    expect((await serverObs(SERIES.hikers, kept.uuid)).body.values).toEqual([901]);
  });

  it('surfaces a uuid the server cannot delete again (deleted once, created again), and does not loop', async () => {
    // Made and deleted elsewhere, then created again under the same uuid: the module allows that.
    const input = {
      series: SERIES.hikers,
      indicator: 'hiker_position',
      start_timestamp: '2025-05-20 07:00:00',
      wkt: 'POINT(-3.71 48.44)',
      values: [1234],
    };
    const first = (await writer.createObservation(SERIES.hikers, input)).body as ServerObs;
    expect((await writer.deleteObservation(SERIES.hikers, first.uuid)).status).toBe(200);
    expect((await writer.createObservation(SERIES.hikers, { ...input, uuid: first.uuid })).status).toBe(200);
    lizmap.clock.advance(2);
    await syncOk(d);
    await d.gobs.observations.delete({ uuid: first.uuid });
    const status = await syncOk(d);
    expect(JSON.stringify(status.problems)).toMatch(/deleted once before and created again/);
    expect(await rowOf(d, KEYS.hikers, first.uuid)).toMatchObject({ error: expect.stringMatching(/administrator/) });
    expect(await rowOf(d, KEYS.hikers, first.uuid)).toMatchObject({ state: 'rejected' });
    const again = await syncOk(d);
    expect(again.lastResult?.sent).toBe(0);
    expect((await serverObs(SERIES.hikers, first.uuid)).status).toBe(200);
    // Undoing the deletion brings the observation back as it was.
    await d.gobs.observations.restore({ uuid: first.uuid });
    expect(await rowOf(d, KEYS.hikers, first.uuid)).toMatchObject({ state: 'synced' });
  });

  it('places an observation on a city picked from the project’s layer, and never sends a new WKT for it', async () => {
    const created = await d.gobs.observations.create({
      indicatorCode: KEYS.population,
      timestamp: '2024',
      objectId: CITIES.berrien,
      values: { population: 950 },
    });
    expect(created).toMatchObject({ objectId: CITIES.berrien, wkt: null });
    const placeless = await rejection(
      d.gobs.observations.create({
        indicatorCode: KEYS.population,
        timestamp: '2024',
        x: -3.7,
        y: 48.4,
        values: { population: 1 },
      }),
    );
    expect(placeless).toMatchObject({ code: 'invalid_argument', field: 'objectId' });
    await syncOk(d);
    const server = (await serverObs(SERIES.population, created.uuid)).body;
    expect(server.wkt).toMatch(/^MULTIPOLYGON/);
    const neighbours = OBSERVATIONS.population(15, 2011);
    const neighbourBefore = (await serverObs(SERIES.population, neighbours)).body;
    // An edit of the value: the city's polygon goes back as it is; nothing else on it changes.
    const row = await rowOf(d, KEYS.population, created.uuid);
    lizmap.clock.advance(2);
    await d.gobs.observations.update({
      uuid: row.uuid,
      timestamp: row.timestamp,
      objectId: row.objectId,
      values: { population: 951 },
    });
    await syncOk(d);
    const edited = (await serverObs(SERIES.population, created.uuid)).body;
    expect(edited.values).toEqual([951]);
    expect(edited.wkt).toBe(server.wkt);
    expect((await serverObs(SERIES.population, neighbours)).body.updated_at).toBe(neighbourBefore.updated_at);
    // The same on an observation pulled from the list, whose place the device knows only as a centroid.
    const elsewhere = (
      await writer.createObservation(SERIES.population, {
        series: SERIES.population,
        indicator: 'population',
        start_timestamp: '2023-01-01 00:00:00',
        spatial_object: { layer_code: 'brittany-cities', unique_id: CITIES.plougonven },
        values: [3300],
      })
    ).body as ServerObs;
    lizmap.clock.advance(2);
    await syncOk(d);
    const pulled = await rowOf(d, KEYS.population, elsewhere.uuid);
    expect(pulled.wkt).toMatch(/^POINT\(/);
    lizmap.clock.advance(2);
    await d.gobs.observations.update({ uuid: pulled.uuid, timestamp: pulled.timestamp, values: { population: 3301 } });
    await syncOk(d);
    const after = (await serverObs(SERIES.population, pulled.uuid)).body;
    expect(after.values).toEqual([3301]);
    expect(after.wkt).toBe(elsewhere.wkt);
    // DREAL's census figures are not Al's: read only.
    const dreal = await rowOf(d, KEYS.population, OBSERVATIONS.population(13, 2012));
    expect(dreal).toMatchObject({ editable: false, notEditable: 'author' });
  });
});

describe.skipIf(!available)('Lizmap G-Obs server: answers lost and sessions ended', () => {
  let lizmap: LizmapStandin;
  let proxy: FaultProxy;
  const desktops: TestDesktop[] = [];

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    proxy = await startFaultProxy(lizmap.baseUrl);
    lizmap.setPublicOrigin(new URL(proxy.baseUrl).origin);
  });
  afterAll(async () => {
    for (const x of desktops) await x.close(true);
    await proxy?.close();
    await lizmap?.close();
  });

  it('adopts the server’s copy when the answer to a create was lost: no duplicate, nothing lost', async () => {
    const d = await lizmapDevice({ baseUrl: proxy.baseUrl });
    desktops.push(d);
    await syncOk(d);
    const o = await d.gobs.observations.create(hike(1000));
    const posts = () =>
      proxy.log.filter((l) => l.method === 'POST' && /\/series\/3\/observation$/.test(l.path)).map((l) => l.status);
    // Lost twice: once on a kept-alive connection (sent again at once on a fresh one), then again.
    proxy.add({ method: 'POST', path: /\/series\/3\/observation$/, fault: { kind: 'drop-response' }, times: 2 });
    const lost = await d.gobs.sync.start({});
    expect(lost.lastError?.code).toBe('offline');
    expect(posts().filter((p) => p === 'dropped').length).toBeGreaterThanOrEqual(1);
    expect((await rowOf(d, KEYS.hikers, o.uuid)).state).toBe('local');

    await syncOk(d);
    // Sent again under the same uuid: "already exists", read back, adopted.
    expect(posts().at(-1)).toBe(400);
    const writer = await lizmap.asUser('writer');
    // The list ends at the server's now to the second: let the second of the write pass.
    lizmap.clock.advance(1);
    const all = (await writer.observations(SERIES.hikers)).body as ServerObs[];
    expect(all.filter((x) => x.uuid === o.uuid)).toHaveLength(1);
    expect(all.filter((x) => x.values[0] === 1000)).toHaveLength(1);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', values: { altitude: 1000 } });
    expect(await unsettled(d, KEYS.hikers)).toEqual([]);
  });

  it('sends the newer content when the create was lost and the observation edited here since', async () => {
    const d = await lizmapDevice({ baseUrl: proxy.baseUrl });
    desktops.push(d);
    await syncOk(d);
    const o = await d.gobs.observations.create(hike(1100));
    proxy.add({ method: 'POST', path: /\/series\/3\/observation$/, fault: { kind: 'drop-response' }, times: 2 });
    expect((await d.gobs.sync.start({})).lastError?.code).toBe('offline');
    await d.gobs.observations.update({
      uuid: o.uuid,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { altitude: 1101 },
    });
    await syncOk(d);
    const writer = await lizmap.asUser('writer');
    expect(((await writer.getObservation(SERIES.hikers, o.uuid)).body as ServerObs).values).toEqual([1101]);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', values: { altitude: 1101 } });
  });

  it('logs in again by itself when the token expires mid-sync, if the password is remembered', async () => {
    let expired = false;
    const d = await lizmapDevice({ baseUrl: proxy.baseUrl }, 'writer', {
      rememberPassword: true,
      syncHooks: {
        beforeWrite: () => {
          // The hour is over just as the first write leaves: every token issued before is dead.
          if (!expired) lizmap.clock.advance(3601);
          expired = true;
        },
      },
    });
    desktops.push(d);
    expect((await d.gobs.auth.status()).passwordRemembered).toBe(true);
    await syncOk(d);
    const o = await d.gobs.observations.create(hike(1200));
    const status = await syncOk(d);
    expect(expired).toBe(true);
    expect(status.lastResult?.sent).toBe(1);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced' });
    expect(await d.gobs.auth.status()).toMatchObject({ loggedIn: true, sessionExpired: false });
    // An hour later every token is dead: the next sync logs in again too.
    lizmap.clock.advance(3601);
    await syncOk(d);
    // Logging out forgets the password.
    await d.gobs.auth.logout();
    expect((await d.gobs.auth.status()).passwordRemembered).toBe(false);
  });

  it('without a remembered password, ends the session and keeps every change for after the login', async () => {
    const d = await lizmapDevice({ baseUrl: proxy.baseUrl });
    desktops.push(d);
    await syncOk(d);
    const o = await d.gobs.observations.create(hike(1300));
    lizmap.clock.advance(3601);
    const status = await d.gobs.sync.start({});
    expect(status.state).toBe('unauthorized');
    expect(await d.gobs.auth.status()).toMatchObject({
      loggedIn: false,
      sessionExpired: true,
      serverKind: 'lizmap-gobs',
    });
    expect((await rowOf(d, KEYS.hikers, o.uuid)).state).toBe('local');
    const { login, password } = FIXTURE_USERS.writer;
    await d.gobs.auth.login({ serverUrl: proxy.baseUrl, username: login, password });
    await syncOk(d);
    expect((await rowOf(d, KEYS.hikers, o.uuid)).state).toBe('synced');
  });
});

describe.skipIf(!available)('Lizmap G-Obs server: someone else’s area', () => {
  let lizmap: LizmapStandin;
  let d: TestDesktop;

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    d = await lizmapDevice(lizmap, 'filtered');
    await syncOk(d);
  });
  afterAll(async () => {
    await d?.close(true);
    await lizmap?.close();
  });

  it('sees only its area, and keeps the server’s refusal of a point outside it', async () => {
    expect((await d.gobs.projects.list()).map((p) => p.key)).toEqual([PROJECTS.a]);
    const cities = await rowsOf(d, KEYS.population);
    expect(cities).toHaveLength(18);
    const west = await d.gobs.observations.create({ ...hike(1), x: -3.9, y: 48.45 });
    const status = await syncOk(d);
    expect(JSON.stringify(status.problems)).toMatch(/not right to create this observation/);
    expect(await rowOf(d, KEYS.hikers, west.uuid)).toMatchObject({ state: 'rejected', errorField: 'wkt' });
  });
});
