/**
 * The shared observation rules between a desktop and the real server: an observation pushed with
 * the founding design's own example uuid (no RFC 4122 version) is readable and editable on the
 * desktop after a sync; a polygon entered on the desktop and the same polygon sent by another
 * client get the same x/y; an observation saved on the desktop is one the server accepts as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import { Client } from '../server/client';
import { OBSERVATION_1 } from '../server/fixtures';
import { serverRows, syncOk, valuesOf } from './support';

let srv: TestServer;
let other: Client;
let desktop: TestDesktop;
let adminToken: string;

const VALUES = [
  { name: 'rain', value: 1.5 },
  { name: 'gauge', value: 7 },
  { name: 'checked', value: true },
  { name: 'note', value: 'from another client' },
];
const L_SHAPE = 'POLYGON((3.8 43.6, 3.84 43.6, 3.84 43.61, 3.81 43.61, 3.81 43.63, 3.8 43.63, 3.8 43.6))';

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  adminToken = await srv.login('admin', 'admin');
  other = await new Client(srv.baseUrl, null, '9d10aaab-84f9-87ca-e564-515e746fb2ba').login('writer', 'writer');
  desktop = await createTestDesktop();
  await desktop.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
});
afterAll(async () => {
  await desktop?.close(true);
  await srv?.close();
});

describe('one set of rules on desktop and server', () => {
  it('the design’s example uuid is pulled, read in either case, edited and sent back', async () => {
    const pushed = await other.req<{ uuid: string }[]>('POST', '/observation/observations', {
      json: [
        {
          uuid: OBSERVATION_1.toUpperCase(),
          indicator: 'pluviometry',
          timestamp: '1999-01-01 00:00:00',
          x: 3.87,
          y: 43.61,
          values: VALUES,
        },
      ],
    });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body[0]!.uuid).toBe(OBSERVATION_1);
    await syncOk(desktop, 'p1');
    const got = await desktop.gobs.observations.get({ uuid: OBSERVATION_1 });
    expect([got.uuid, got.state, got.wkt]).toEqual([OBSERVATION_1, 'synced', 'POINT(3.87 43.61)']);
    expect((await desktop.gobs.observations.get({ uuid: OBSERVATION_1.toUpperCase() })).uuid).toBe(OBSERVATION_1);

    const edited = await desktop.gobs.observations.update({
      uuid: OBSERVATION_1.toUpperCase(),
      timestamp: got.timestamp,
      x: got.x,
      y: got.y,
      values: { ...got.values, note: 'edited on the desktop' },
    });
    expect(edited.state).toBe('modified');
    await syncOk(desktop, 'p1');
    expect((await desktop.gobs.observations.get({ uuid: OBSERVATION_1 })).state).toBe('synced');
    const onServer = (await serverRows(srv.baseUrl, adminToken, 'pluviometry')).find((o) => o.uuid === OBSERVATION_1);
    expect(valuesOf(onServer!).note).toBe('edited on the desktop');
  });

  it('a polygon gets the same x/y entered on the desktop and sent by another client', async () => {
    const mine = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-05-01 10',
      wkt: L_SHAPE,
      values: { rain: 1, gauge: 1, checked: false, note: 'desktop' },
    });
    const theirs = await other.req<{ x: number; y: number; wkt: string }[]>('POST', '/observation/observations', {
      json: [
        {
          uuid: crypto.randomUUID(),
          indicator: 'pluviometry',
          timestamp: '2024-05-01 10:00:00',
          wkt: L_SHAPE,
          values: VALUES,
        },
      ],
    });
    expect(theirs.status, theirs.text).toBe(200);
    expect([mine.x, mine.y, mine.wkt]).toEqual([theirs.body[0]!.x, theirs.body[0]!.y, theirs.body[0]!.wkt]);
    // Area-weighted, not the vertex mean (3.8183…, 43.6133…) earlier desktops stored.
    expect(mine.x).toBeCloseTo(3.815, 9);
    expect(mine.y).toBeCloseTo(43.61, 9);

    // Sent as it is, accepted as it is: the answer changes nothing on the desktop.
    await syncOk(desktop, 'p1');
    const synced = await desktop.gobs.observations.get({ uuid: mine.uuid });
    expect(synced.state).toBe('synced');
    expect([synced.x, synced.y, synced.wkt, synced.timestamp]).toEqual([mine.x, mine.y, mine.wkt, mine.timestamp]);
  });

  it('an observation saved with x/y only is stored with the POINT the server would derive', async () => {
    const o = await desktop.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-05-01 11',
      x: 3.5,
      y: 43.25,
      values: { rain: 1, gauge: 1, checked: false, note: '' },
    });
    expect(o.wkt).toBe('POINT(3.5 43.25)');
    await syncOk(desktop, 'p1');
    const onServer = (await serverRows(srv.baseUrl, adminToken, 'pluviometry')).find((s) => s.uuid === o.uuid) as
      { wkt: string } | undefined;
    expect(onServer?.wkt).toBe(o.wkt);
  });
});
