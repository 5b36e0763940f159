/**
 * The test controls the desktop's tests use: the clock, the administrator's actions, a lost answer
 * through the fault proxy (the retry meets "already exists"; the server's copy is there to adopt),
 * the server going away and coming back, and the origin written in URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../helpers/faultProxy.js';
import {
  type LizmapStandin,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
  StandinClient,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { available, expectError, hikerPosition } from './support.js';

type Obs = Record<string, unknown> & { uuid: string; updated_at: string; created_at: string };

describe.skipIf(!available)('Lizmap stand-in: test controls', () => {
  let lizmap: LizmapStandin;
  let proxy: FaultProxy;

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    proxy = await startFaultProxy(lizmap.baseUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    await lizmap?.close();
  });

  it('runs the clock from the fixture time; set, advance, freeze and resume move what the server writes', async () => {
    expect(lizmap.clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse(lizmap.fixtures.now));
    lizmap.clock.freeze();
    lizmap.clock.set('2025-07-14T10:00:00+02:00');
    const writer = await lizmap.asUser('writer');
    const a = (await writer.createObservation(3, hikerPosition())).body as Obs;
    expect(a.created_at).toBe('2025-07-14 10:00:00');
    lizmap.clock.advance(3600 * 24);
    const fresh = await lizmap.asUser('writer');
    const b = (await fresh.createObservation(3, hikerPosition())).body as Obs;
    expect(b.created_at).toBe('2025-07-15 10:00:00');
    const res = await fetch(`${lizmap.baseUrl}/lizmap/metadata`);
    expect(res.headers.get('date')).toBe('Tue, 15 Jul 2025 08:00:00 GMT');
    lizmap.clock.resume();
    await new Promise((r) => setTimeout(r, 1100));
    expect(lizmap.clock.now().getTime()).toBeGreaterThan(Date.parse('2025-07-15T08:00:01Z'));
    expect(() => lizmap.clock.set('2025-07-15 10:00:00')).toThrow(/zone/);
    lizmap.clock.set(lizmap.fixtures.now);
  });

  it('lets the retry of a create whose answer was lost find the server’s copy', async () => {
    const token = await lizmap.login('writer');
    const viaProxy = new StandinClient(proxy.baseUrl, token);
    const observation = hikerPosition({ uuid: 'c0ffee00-1234-4abc-8def-0123456789ab' });
    proxy.add({ method: 'POST', path: /\/series\/3\/observation$/, fault: { kind: 'drop-response' } });
    await expect(viaProxy.createObservation(3, observation)).rejects.toThrow();
    expect(proxy.log.at(-1)).toMatchObject({ method: 'POST', status: 'dropped' });

    const retry = await viaProxy.createObservation(3, observation);
    expectError(retry, 400, 'Observation cannot be created: given UID already exists.');
    const copy = await viaProxy.getObservation(3, observation.uuid!);
    expect(copy.status).toBe(200);
    // The same observation, though not byte for byte: the WKT comes back as PostGIS writes it
    expect(copy.body).toMatchObject({ uuid: observation.uuid, values: observation.values });
    expect((copy.body as { wkt: string }).wkt).not.toBe(observation.wkt);
    const [x, y] = /POINT\((\S+) (\S+)\)/.exec(observation.wkt!)!.slice(1).map(Number);
    expect((copy.body as { coordinates: unknown }).coordinates).toEqual({ x, y });
  });

  it('writes URLs with the origin of the request, or the one set (e.g. a proxy’s)', async () => {
    const token = await lizmap.login('writer');
    const direct = (await lizmap.client(token).project()).body as { geopackage_url: string };
    expect(direct.geopackage_url).toBe(`${lizmap.baseUrl}/project/${PROJECTS.a}/geopackage`);
    const proxied = new StandinClient(proxy.baseUrl, token);
    lizmap.setPublicOrigin(new URL(proxy.baseUrl).origin);
    try {
      const viaProxy = (await proxied.project()).body as { geopackage_url: string; media_url: string };
      expect(viaProxy.geopackage_url).toBe(`${proxy.baseUrl}/project/${PROJECTS.a}/geopackage`);
      expect((await fetch(viaProxy.media_url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      lizmap.setPublicOrigin(null);
    }
  });

  it('deletes and edits as an administrator: no author or window rule, seen by every client', async () => {
    const writer = await lizmap.asUser('writer');
    const since = lizmap.clock.local();
    lizmap.clock.advance(2);
    // CIRAD's 2019 reading: no Lizmap user may touch it, the administrator may
    expect(await lizmap.editObservationAsServerAdmin(OBSERVATIONS.pluviometry(2, 10), { values: [4.2] })).toBe(true);
    const edited = (await writer.getObservation(SERIES.pluviometry, OBSERVATIONS.pluviometry(2, 10))).body as Obs;
    expect(edited['values']).toEqual([4.2]);
    expect(edited.created_at).toBe('2022-10-05 16:03:24');
    expect(edited.updated_at > since.replace('T', ' ')).toBe(true);

    expect(await lizmap.deleteObservationAsServerAdmin(OBSERVATIONS.alOldHike(4))).toBe(true);
    expect(await lizmap.deleteObservationAsServerAdmin(OBSERVATIONS.alOldHike(4))).toBe(false);
    expectError(
      await writer.getObservation(SERIES.hikers, OBSERVATIONS.alOldHike(4)),
      404,
      'The observation does not exists',
    );
    // The default requestSyncDate is now to the second: a deletion in the current second is not in yet
    lizmap.clock.advance(1);
    expect((await writer.deletedObservations(SERIES.fauna, { lastSyncDate: since })).body).toEqual([
      OBSERVATIONS.alOldHike(4),
    ]);
  });

  it('adds accounts whose groups decide what they see', async () => {
    await lizmap.addUser({
      login: 'east_only',
      password: 'pw-east',
      email: 'east@example.org',
      groups: ['gobsapi_filtered_group'],
    });
    const east = await lizmap.asUser('east_only', 'pw-east');
    const keys = ((await east.projects()).body as { key: string }[]).map((p) => p.key);
    expect(keys).toEqual([PROJECTS.a]);
    expectError(
      await lizmap.client().request('GET', '/user/login?username=east_only&password=wrong'),
      400,
      'Invalid username/password supplied',
    );
  });

  it('stops answering and comes back on the same port with the same data', async () => {
    const writer = await lizmap.asUser('writer');
    const kept = (await writer.createObservation(3, hikerPosition())).body as Obs;
    await lizmap.stop();
    await expect(fetch(`${lizmap.baseUrl}/lizmap/metadata`)).rejects.toThrow();
    await lizmap.restart();
    expect((await writer.getObservation(3, kept.uuid)).status).toBe(200); // tokens survive: they are in the database
  });
});
