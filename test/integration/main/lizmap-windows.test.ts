/**
 * The pull windows and the media of a Lizmap G-Obs server, through the real main core: the window
 * is read on the server's clock (its Date header and its own times, never this device's clock),
 * reaches back over the previous one so a late commit is not missed, applies again without effect,
 * and moves only once its answer is stored; the global deletions list touches only what the device
 * holds. Photos go up as the module takes them (jpg/png/gif, a file always), and come back.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDir } from '../../../src/main/store/account';
import type { TestDesktop } from '../../helpers/desktop';
import { type FaultProxy, startFaultProxy } from '../../helpers/faultProxy';
import {
  FIXTURE_USERS,
  GIF,
  type LizmapStandin,
  lizmapStandinAvailable,
  OBSERVATIONS,
  png,
  SERIES,
  type StandinClient,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { rejection, syncOk } from './support';
import { KEYS, lizmapDevice, rowOf, rowsOf } from './lizmap-support';

const available = lizmapStandinAvailable();

/** The stored window cursors of a series, read from the account's SQLite file. */
function cursors(d: TestDesktop, baseUrl: string, key: string): { pull: string | null; deletions: string | null } {
  const dir = accountDir(d.dataDir, { serverUrl: baseUrl, username: FIXTURE_USERS.writer.login });
  const db = new Database(join(dir, 'store.sqlite'), { readonly: true });
  try {
    const row = db.prepare('SELECT pull_ack, deletions_ack FROM indicator WHERE code = ?').get(key) as {
      pull_ack: string | null;
      deletions_ack: string | null;
    };
    return { pull: row.pull_ack, deletions: row.deletions_ack };
  } finally {
    db.close();
  }
}

const wall = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

describe.skipIf(!available)('Lizmap G-Obs server: pull windows', () => {
  let lizmap: LizmapStandin;
  let proxy: FaultProxy;
  let d: TestDesktop;

  beforeAll(async () => {
    // A server whose clock and zone are far from this device's: only the server's times can work.
    lizmap = await startLizmapStandin({ timeZone: 'Pacific/Auckland' });
    proxy = await startFaultProxy(lizmap.baseUrl);
    lizmap.setPublicOrigin(new URL(proxy.baseUrl).origin);
    // Windows here span hours: the password is remembered, so an ended token is renewed silently.
    d = await lizmapDevice({ baseUrl: proxy.baseUrl }, 'writer', { rememberPassword: true });
    await syncOk(d);
  });
  afterAll(async () => {
    await d?.close(true);
    await proxy?.close();
    await lizmap?.close();
  });

  it('keeps a cursor on the server’s own clock, never ahead of it', async () => {
    const first = cursors(d, proxy.baseUrl, KEYS.hikers);
    expect(first.pull).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(first.deletions).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // Server-local wall time (Auckland, long before this device's date), never later than the server's now.
    expect(wall(first.pull!)).toBeLessThanOrEqual(wall(lizmap.clock.local()));
    expect(Math.abs(wall(first.pull!) - Date.now())).toBeGreaterThan(24 * 3_600_000);
    // A write teaches the device how far the server's clock is from the Date header: the cursor then
    // trails the server's now by the margin for a daylight-saving change, not more.
    await d.gobs.observations.create({
      indicatorCode: KEYS.hikers,
      timestamp: '2025-05-21 08:00:00',
      x: -3.71,
      y: 48.43,
      values: { altitude: 3 },
    });
    lizmap.clock.advance(5);
    await syncOk(d);
    const serverNow = wall(lizmap.clock.local());
    const next = wall(cursors(d, proxy.baseUrl, KEYS.hikers).pull!);
    expect(next).toBeLessThanOrEqual(serverNow);
    expect(serverNow - next).toBeLessThanOrEqual(62 * 60_000);
  });

  it('catches a change committed late (dated before the last window ended), and applies it once', async () => {
    await syncOk(d);
    const uuid = OBSERVATIONS.pluviometry(3, 31);
    // A transaction that began ten minutes ago commits now: its updated_at is already behind.
    lizmap.clock.advance(-600);
    expect(await lizmap.editObservationAsServerAdmin(uuid, { values: [42.5] })).toBe(true);
    lizmap.clock.advance(600);
    const first = await syncOk(d);
    expect(first.lastResult?.received).toBeGreaterThanOrEqual(1);
    expect(await rowOf(d, KEYS.pluviometry, uuid)).toMatchObject({ state: 'synced', values: { pluviometry: 42.5 } });
    // The next window overlaps this one and lists it again: nothing changes, nothing counted.
    const again = await syncOk(d);
    expect(again.lastResult).toMatchObject({ received: 0, deleted: 0 });
  });

  it('moves the cursor only once the answer is stored: a lost answer is asked again', async () => {
    await syncOk(d);
    const before = cursors(d, proxy.baseUrl, KEYS.pluviometry);
    const uuid = OBSERVATIONS.pluviometry(3, 32);
    lizmap.clock.advance(5);
    expect(await lizmap.editObservationAsServerAdmin(uuid, { values: [7.25] })).toBe(true);
    lizmap.clock.advance(3600 * 2);
    proxy.add({ method: 'GET', path: /\/series\/1\/observations$/, fault: { kind: 'drop-response' }, times: 2 });
    const lost = await d.gobs.sync.start({});
    expect(lost.lastError?.code).toBe('offline');
    expect(cursors(d, proxy.baseUrl, KEYS.pluviometry).pull).toBe(before.pull);
    expect((await rowOf(d, KEYS.pluviometry, uuid)).values).not.toEqual({ pluviometry: 7.25 });
    await syncOk(d);
    expect(await rowOf(d, KEYS.pluviometry, uuid)).toMatchObject({ values: { pluviometry: 7.25 } });
    expect(wall(cursors(d, proxy.baseUrl, KEYS.pluviometry).pull!)).toBeGreaterThan(wall(before.pull!));
  });

  it('applies from the database-wide deletions only what it holds, and keeps its own unsent work', async () => {
    const other = await lizmap.asUser('otherWriter');
    // Someone else's observation, never seen here, made and deleted between two syncs.
    const theirs = (
      await other.createObservation(SERIES.hikers, {
        series: SERIES.hikers,
        indicator: 'hiker_position',
        start_timestamp: '2025-05-21 07:00:00',
        wkt: 'POINT(-3.72 48.44)',
        values: [10],
      })
    ).body as { uuid: string };
    expect((await other.deleteObservation(SERIES.hikers, theirs.uuid)).status).toBe(200);
    // One the device holds, in another series than the one whose list names it.
    const gone = OBSERVATIONS.fauna(2);
    expect((await rowsOf(d, KEYS.fauna)).map((r) => r.uuid)).toContain(gone);
    expect(await lizmap.deleteObservationAsServerAdmin(gone)).toBe(true);
    const mine = await d.gobs.observations.create({
      indicatorCode: KEYS.hikers,
      timestamp: '2025-05-22 08:00:00',
      x: -3.73,
      y: 48.44,
      values: { altitude: 5 },
    });
    lizmap.clock.advance(5);
    const status = await syncOk(d);
    expect(status.lastResult?.deleted).toBe(1);
    expect((await rowsOf(d, KEYS.fauna)).map((r) => r.uuid)).not.toContain(gone);
    expect(await rowOf(d, KEYS.hikers, mine.uuid)).toMatchObject({ state: 'synced' });
    expect((await rowsOf(d, KEYS.hikers)).map((r) => r.uuid)).not.toContain(theirs.uuid);
  });
});

describe.skipIf(!available)('Lizmap G-Obs server: photos', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let proxy: FaultProxy;
  let d: TestDesktop;
  const uploads = () => proxy.log.filter((l) => l.method === 'POST' && /\/uploadMedia$/.test(l.path));

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    proxy = await startFaultProxy(lizmap.baseUrl);
    lizmap.setPublicOrigin(new URL(proxy.baseUrl).origin);
    writer = await lizmap.asUser('writer');
    d = await lizmapDevice({ baseUrl: proxy.baseUrl });
    await syncOk(d);
  });
  afterAll(async () => {
    await d?.close(true);
    await proxy?.close();
    await lizmap?.close();
  });

  it('sends a photo taken offline after its observation, and another device gets it', async () => {
    const o = await d.gobs.observations.create({
      indicatorCode: KEYS.hikers,
      timestamp: '2025-05-23 09:00:00',
      x: -3.74,
      y: 48.44,
      values: { altitude: 77 },
    });
    const image = png(8, 8);
    await d.gobs.media.attach({ uuid: o.uuid, fileName: 'summit.png', dataBase64: image.toString('base64') });
    await syncOk(d);
    const onServer = await writer.media(SERIES.hikers, o.uuid);
    expect(onServer.status).toBe(200);
    expect(Buffer.compare(onServer.body as Buffer, image)).toBe(0);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', hasMedia: true });
    expect(uploads()).toHaveLength(1);

    const e = await lizmapDevice({ baseUrl: proxy.baseUrl });
    try {
      await syncOk(e);
      expect(await e.gobs.media.get({ uuid: o.uuid })).toMatchObject({ mimeType: 'image/png' });
    } finally {
      await e.close(true);
    }

    // Replaced by a GIF, then removed: the server follows, and no upload ever leaves without a file.
    await d.gobs.media.attach({ uuid: o.uuid, fileName: 'summit.gif', dataBase64: GIF.toString('base64') });
    await syncOk(d);
    expect(Buffer.compare((await writer.media(SERIES.hikers, o.uuid)).body as Buffer, GIF)).toBe(0);
    await d.gobs.media.remove({ uuid: o.uuid });
    await syncOk(d);
    expect((await writer.media(SERIES.hikers, o.uuid)).status).toBe(404);
    expect(uploads().map((l) => l.status)).toEqual([200, 200]);
  });

  it('refuses in the form what this server cannot take (WebP), naming the field', async () => {
    const o = await d.gobs.observations.create({
      indicatorCode: KEYS.hikers,
      timestamp: '2025-05-23 10:00:00',
      x: -3.75,
      y: 48.44,
      values: { altitude: 78 },
    });
    const webp = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.from([30, 0, 0, 0]),
      Buffer.from('WEBPVP8 '),
      Buffer.alloc(18, 0),
    ]);
    const refused = await rejection(
      d.gobs.media.attach({ uuid: o.uuid, fileName: 'x.webp', dataBase64: webp.toString('base64') }),
    );
    expect(refused).toMatchObject({ code: 'invalid_argument', field: 'dataBase64' });
    expect(refused.message).toMatch(/only JPEG, PNG and GIF/);
    await syncOk(d);
    expect(await rowOf(d, KEYS.hikers, o.uuid)).toMatchObject({ state: 'synced', hasMedia: false });
    expect((await writer.media(SERIES.hikers, o.uuid)).status).toBe(404);
  });
});
