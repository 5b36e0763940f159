/**
 * The design's flow end to end with two and three devices (each its own store and device
 * UUID), against the real server over HTTP. Conflicts both ways, deletions, rejected observations,
 * offline work, photos.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import {
  deviceRows,
  expectConverged,
  GIF,
  NEW_VALUES,
  PNG,
  phaseDone,
  rejection,
  seedRows,
  serverRows,
  syncOk,
  valuesOf,
} from './support';

let srv: TestServer;
let adminToken: string;
const desktops: TestDesktop[] = [];

async function device(username = 'writer'): Promise<TestDesktop> {
  const d = await createTestDesktop();
  desktops.push(d);
  await d.gobs.auth.login({ serverUrl: srv.baseUrl, username, password: username });
  return d;
}

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  // Authored by the devices' user, so the devices may edit and delete them.
  await srv.seed.observations({ indicator: 'pluviometry', author: 'writer', observations: seedRows(1200) });
  adminToken = await srv.login('admin', 'admin');
});
afterAll(async () => {
  await srv?.close();
});
afterEach(async () => {
  if (!srv.app.server.listening) await srv.restart();
  for (const d of desktops.splice(0)) await d.close(true);
});

describe('the design flow', () => {
  it('first sync pulls everything in batches, then offline create/edit/delete arrive once', async () => {
    const a = await device();
    const first = await syncOk(a, 'p1');
    expect(first.lastSyncAt).not.toBeNull();
    expect(first.lastResult).toEqual({ sent: 0, received: 1200, deleted: 0 });
    expect(phaseDone(a, 'pull')).toBe(1200);
    const total = a.events.filter(
      (e) => e.event === 'sync.progress' && (e.payload as { phase: string }).phase === 'pull',
    );
    expect(total.some((e) => (e.payload as { total: number | null }).total === 1200)).toBe(true);
    await expectConverged(a, srv.baseUrl, adminToken, 'pluviometry');
    const inds = await a.gobs.indicators.list({ projectKey: 'p1' });
    expect(inds.map((i) => [i.code, i.observationCount, i.pendingCount])).toEqual([['pluviometry', 1200, 0]]);
    expect((await a.gobs.projects.list())[0]).toMatchObject({ key: 'p1', pendingChanges: 0 });
    expect((await a.gobs.projects.list())[0]?.lastSyncAt).not.toBeNull();

    await srv.stop();
    const created1 = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-06-01 08',
      x: 3.1,
      y: 43.2,
      values: NEW_VALUES,
    });
    const created2 = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-06-01 09',
      x: 3.2,
      y: 43.3,
      values: { ...NEW_VALUES, note: 'second' },
    });
    const rows = await deviceRows(a, 'pluviometry');
    const [toEdit, toDelete] = [rows[0]!, rows[1]!];
    await a.gobs.observations.update({
      uuid: toEdit.uuid,
      timestamp: toEdit.timestamp,
      x: toEdit.x,
      y: toEdit.y,
      values: { ...toEdit.values, note: 'edited offline' },
    });
    await a.gobs.observations.delete({ uuid: toDelete.uuid });
    await a.gobs.observations.update({
      uuid: created2.uuid,
      timestamp: '2024-06-01 10',
      x: 3.2,
      y: 43.3,
      values: { ...NEW_VALUES, note: 'second, edited' },
    });
    const offline = await a.gobs.sync.start({ projectKey: 'p1' });
    expect(offline.state).toBe('offline');
    expect(offline.pendingChanges).toBe(4);

    await srv.restart();
    const after = await syncOk(a, 'p1');
    expect(after.pendingChanges).toBe(0);
    expect(after.lastResult).toEqual({ sent: 4, received: 0, deleted: 0 });
    const server = await serverRows(srv.baseUrl, adminToken, 'pluviometry');
    expect(server).toHaveLength(1201);
    expect(server.filter((o) => o.uuid === created1.uuid || o.uuid === created2.uuid)).toHaveLength(2);
    expect(valuesOf(server.find((o) => o.uuid === created2.uuid)!).note).toBe('second, edited');
    expect(valuesOf(server.find((o) => o.uuid === toEdit.uuid)!).note).toBe('edited offline');
    expect(server.some((o) => o.uuid === toDelete.uuid)).toBe(false);
    await expectConverged(a, srv.baseUrl, adminToken, 'pluviometry');

    // Log out, time goes by, log in again, sync: nothing new comes down (no echo of our own writes).
    await a.gobs.auth.logout();
    await a.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    const mark = a.events.length;
    expect((await syncOk(a, 'p1')).lastResult).toEqual({ sent: 0, received: 0, deleted: 0 });
    expect(phaseDone(a, 'pull', mark)).toBe(0);
    expect(phaseDone(a, 'pull-deletions', mark)).toBe(0);

    // A second device gets everything, including A's work, exactly once.
    const b = await device();
    await syncOk(b);
    await expectConverged(b, srv.baseUrl, adminToken, 'pluviometry');
    expect((await b.gobs.observations.get({ uuid: created1.uuid })).values).toEqual(NEW_VALUES);
  });

  it("the design's A/B/C example, produced through real writes", async () => {
    const [a, b, c] = [await device(), await device(), await device()];
    await syncOk(a);
    await syncOk(b);
    const obs = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '1999-01-01 00',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    await syncOk(a); // A holds it at the import its push created
    let mark = b.events.length;
    await syncOk(b); // B now holds it too, at the same import
    expect(phaseDone(b, 'pull', mark)).toBe(1);
    const held = await b.gobs.observations.get({ uuid: obs.uuid });
    await b.gobs.observations.update({
      uuid: obs.uuid,
      timestamp: held.timestamp,
      x: held.x,
      y: held.y,
      values: { ...held.values, rain: 9 },
    });
    await syncOk(b); // a new import; B holds it, A still holds the old one, C has never synced
    const current = (await b.gobs.observations.get({ uuid: obs.uuid })).import;
    expect(current).toBeGreaterThan(held.import!);

    mark = a.events.length;
    await syncOk(a);
    expect(phaseDone(a, 'pull', mark)).toBe(1); // A's version differs from the import: A gets it
    expect(await a.gobs.observations.get({ uuid: obs.uuid })).toMatchObject({
      import: current,
      values: { rain: 9 },
      state: 'synced',
    });
    mark = b.events.length;
    await syncOk(b);
    expect(phaseDone(b, 'pull', mark)).toBe(0); // B already holds that import: nothing
    await syncOk(c);
    expect(await c.gobs.observations.get({ uuid: obs.uuid })).toMatchObject({ import: current, values: { rain: 9 } }); // C never had it
    for (const d of [a, b, c]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });
});

describe('conflicts, deletions, refusals', () => {
  async function twoDevicesHolding() {
    const [a, b] = [await device(), await device()];
    await syncOk(a);
    const obs = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-02-02 02',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    await syncOk(a);
    await syncOk(b);
    return { a, b, uuid: obs.uuid };
  }

  async function edit(d: TestDesktop, uuid: string, note: string) {
    const o = await d.gobs.observations.get({ uuid });
    return d.gobs.observations.update({ uuid, timestamp: o.timestamp, x: o.x, y: o.y, values: { ...o.values, note } });
  }

  it('keep mine: my version wins on the server and reaches the other device', async () => {
    const { a, b, uuid } = await twoDevicesHolding();
    await edit(b, uuid, 'B was here');
    await syncOk(b);
    await edit(a, uuid, 'A was here');
    await syncOk(a);
    const [conflict] = await a.gobs.conflicts.list({ projectKey: 'p1' });
    expect(conflict).toMatchObject({
      uuid,
      state: 'conflict',
      values: { note: 'A was here' },
      serverVersion: { values: { note: 'B was here' } },
    });
    expect((await a.gobs.projects.list())[0]?.pendingChanges).toBeGreaterThan(0);
    const resolved = await a.gobs.conflicts.resolve({ uuid, keep: 'mine' });
    expect(resolved?.state).toBe('modified');
    await syncOk(a);
    expect(await a.gobs.conflicts.list({})).toEqual([]);
    await syncOk(b);
    expect((await b.gobs.observations.get({ uuid })).values.note).toBe('A was here');
    for (const d of [a, b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });

  it("take theirs: the server's version replaces mine", async () => {
    const { a, b, uuid } = await twoDevicesHolding();
    await edit(b, uuid, 'B wins');
    await syncOk(b);
    await edit(a, uuid, 'A loses');
    await syncOk(a);
    expect((await a.gobs.observations.get({ uuid })).state).toBe('conflict');
    expect(await a.gobs.conflicts.resolve({ uuid, keep: 'theirs' })).toMatchObject({
      state: 'synced',
      values: { note: 'B wins' },
    });
    await syncOk(a);
    for (const d of [a, b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });

  it('a deletion on one device reaches the other; an edit against a deletion becomes a conflict', async () => {
    const { a, b, uuid } = await twoDevicesHolding();
    await a.gobs.observations.delete({ uuid });
    await syncOk(a);
    expect((await rejection(a.gobs.observations.get({ uuid }))).code).toBe('not_found');
    expect((await syncOk(b)).lastResult).toMatchObject({ deleted: 1 });
    expect((await rejection(b.gobs.observations.get({ uuid }))).code).toBe('not_found');
    for (const d of [a, b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');

    const second = await twoDevicesHolding();
    await second.a.gobs.observations.delete({ uuid: second.uuid });
    await syncOk(second.a);
    await edit(second.b, second.uuid, 'edited while deleted elsewhere');
    await syncOk(second.b);
    expect(await second.b.gobs.observations.get({ uuid: second.uuid })).toMatchObject({
      state: 'conflict',
      serverDeleted: true,
    });
    const kept = await second.b.gobs.conflicts.resolve({ uuid: second.uuid, keep: 'mine' });
    expect(kept).toMatchObject({ state: 'local', values: { note: 'edited while deleted elsewhere' } });
    await syncOk(second.b);
    await syncOk(second.a);
    for (const d of [second.a, second.b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });

  it('my deletion against their edit is a conflict that their later deletion settles', async () => {
    const { a, b, uuid } = await twoDevicesHolding();
    await edit(b, uuid, 'B edits');
    await syncOk(b);
    await a.gobs.observations.delete({ uuid });
    await syncOk(a);
    expect((await a.gobs.conflicts.list({})).map((c) => c.uuid)).toEqual([uuid]);
    // Now they delete it too: both sides want it gone, nothing is left to decide.
    await b.gobs.observations.delete({ uuid });
    await syncOk(b);
    await syncOk(a);
    expect(await a.gobs.conflicts.list({})).toEqual([]);
    expect((await rejection(a.gobs.observations.get({ uuid }))).code).toBe('not_found');
    for (const d of [a, b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });

  it('an edit kept against their edit, then their deletion, comes back as a new observation once', async () => {
    const { a, b, uuid } = await twoDevicesHolding();
    await edit(a, uuid, 'A first');
    await edit(b, uuid, 'B edits');
    await syncOk(b);
    await syncOk(a);
    expect((await a.gobs.observations.get({ uuid })).state).toBe('conflict');
    await b.gobs.observations.delete({ uuid });
    await syncOk(b);
    await edit(a, uuid, 'A again'); // the conflict is edited before anything is decided
    await syncOk(a);
    expect(await a.gobs.observations.get({ uuid })).toMatchObject({ state: 'conflict', serverDeleted: true });
    await a.gobs.conflicts.resolve({ uuid, keep: 'mine' });
    await syncOk(a);
    await syncOk(a);
    const notes = (await serverRows(srv.baseUrl, adminToken, 'pluviometry')).map((o) => valuesOf(o).note);
    expect(notes.filter((n) => n === 'A again')).toHaveLength(1);
    await syncOk(b);
    for (const d of [a, b]) await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry');
  });

  it('undoing a deletion before the sync keeps the observation', async () => {
    const { a, uuid } = await twoDevicesHolding();
    await a.gobs.observations.delete({ uuid });
    expect((await a.gobs.observations.restore({ uuid })).state).toBe('synced');
    await syncOk(a);
    expect((await serverRows(srv.baseUrl, adminToken, 'pluviometry')).some((o) => o.uuid === uuid)).toBe(true);
  });

  it("a refused observation keeps the server's message, is fixed and re-sent", async () => {
    const a = await device();
    await syncOk(a);
    const obs = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-03-03 03',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    const ok = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-03-03 04',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    // The server's indicator gains a required dimension the device did not know when it saved.
    await srv.db.query(
      `INSERT INTO dimension (indicator_id, position, code, name, type, unit)
       SELECT id, 10, 'wind', 'Wind', 'integer', 'km/h' FROM indicator WHERE code = 'pluviometry'`,
    );
    try {
      const status = await a.gobs.sync.start({});
      expect(status.problems).toContainEqual(
        expect.objectContaining({
          kind: 'refused',
          action: 'create',
          uuid: obs.uuid,
          reason: expect.stringMatching(/wind/i),
        }),
      );
      const refused = await a.gobs.observations.get({ uuid: obs.uuid });
      expect(refused.state).toBe('rejected');
      expect(refused.errorField).toBe('values.wind');
      expect(refused.error).toBeTruthy();
      expect((await a.gobs.observations.get({ uuid: ok.uuid })).state).toBe('rejected');
      const page = await a.gobs.observations.list({ indicatorCode: 'pluviometry', filter: { states: ['rejected'] } });
      expect(page.rows.map((r) => r.uuid).sort()).toEqual([obs.uuid, ok.uuid].sort());
      // The form now asks for the new dimension (the sync refreshed the indicator): fix both, re-send.
      expect(
        (
          await rejection(
            a.gobs.observations.update({ uuid: obs.uuid, timestamp: '2024-03-03 03', x: 3, y: 43, values: NEW_VALUES }),
          )
        ).field,
      ).toBe('values.wind');
      for (const u of [obs.uuid, ok.uuid]) {
        const fixed = await a.gobs.observations.update({
          uuid: u,
          timestamp: '2024-03-03 03',
          x: 3,
          y: 43,
          values: { ...NEW_VALUES, wind: 12 },
        });
        expect(fixed.state).toBe('local');
      }
      await syncOk(a);
      const server = await serverRows(srv.baseUrl, adminToken, 'pluviometry');
      expect(server.filter((o) => o.uuid === obs.uuid || o.uuid === ok.uuid).map((o) => valuesOf(o).wind)).toEqual([
        12, 12,
      ]);
    } finally {
      await srv.db.query(`DELETE FROM dimension WHERE code = 'wind'`);
    }
  });

  it("editing another author's observation is refused; discarding the change brings the server's version back", async () => {
    const [{ uuids }] = [
      await srv.seed.observations({
        indicator: 'pluviometry',
        author: 'admin',
        observations: seedRows(1, Date.UTC(2031, 0, 1)),
      }),
    ];
    const a = await device();
    await syncOk(a);
    const theirs = await a.gobs.observations.get({ uuid: uuids[0]! });
    await a.gobs.observations.update({
      uuid: theirs.uuid,
      timestamp: theirs.timestamp,
      x: theirs.x,
      y: theirs.y,
      values: { ...theirs.values, note: 'not mine to change' },
    });
    const status = await a.gobs.sync.start({});
    expect(status.pendingChanges).toBe(1);
    const refused = await a.gobs.observations.get({ uuid: theirs.uuid });
    expect(refused).toMatchObject({ state: 'rejected', values: { note: 'not mine to change' } });
    expect(refused.error).toMatch(/author|admin/i);
    expect(await a.gobs.observations.discard({ uuid: theirs.uuid })).toMatchObject({
      state: 'synced',
      values: theirs.values,
      import: theirs.import,
    });
    expect((await a.gobs.sync.status()).pendingChanges).toBe(0);
    const local = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-03-03 03',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    expect(await a.gobs.observations.discard({ uuid: local.uuid })).toBeNull();
    await expectConverged(a, srv.baseUrl, adminToken, 'pluviometry');
  });

  it('a reader cannot push: the refusal is kept, nothing is lost', async () => {
    const r = await device('reader');
    await syncOk(r);
    const obs = await r.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-03-03 03',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    await r.gobs.sync.start({});
    expect(await r.gobs.observations.get({ uuid: obs.uuid })).toMatchObject({ state: 'rejected' });
    expect((await r.gobs.observations.get({ uuid: obs.uuid })).error).toBeTruthy();
  });
});

describe('photos', () => {
  it('attached offline, uploaded after the observation, downloaded on demand elsewhere, then removed', async () => {
    const [a, b] = [await device(), await device()];
    await syncOk(a);
    await srv.stop();
    const obs = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-04-04 04',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    await a.gobs.media.attach({ uuid: obs.uuid, fileName: 'photo.png', dataBase64: PNG.toString('base64') });
    await srv.restart();
    await syncOk(a);
    const local = await a.gobs.observations.get({ uuid: obs.uuid });
    expect(local).toMatchObject({ state: 'synced', hasMedia: true, mediaPending: null });
    const onServer = (await serverRows(srv.baseUrl, adminToken, 'pluviometry')).find((o) => o.uuid === obs.uuid)!;
    expect(onServer.media_url).toBeTruthy();
    expect(onServer.import).toBe(local.import); // the media change's import was learnt, no echo needed

    await syncOk(b);
    expect((await b.gobs.observations.get({ uuid: obs.uuid })).hasMedia).toBe(true);
    const media = await b.gobs.media.get({ uuid: obs.uuid });
    expect(media).toMatchObject({
      mimeType: 'image/png',
      local: false,
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
    await srv.stop();
    expect(await b.gobs.media.get({ uuid: obs.uuid })).toMatchObject({ mimeType: 'image/png' }); // cached: works offline
    await srv.restart();

    // Replaced: the new photo goes up and the other device downloads it instead of its cached copy.
    await a.gobs.media.attach({ uuid: obs.uuid, fileName: 'photo.gif', dataBase64: GIF.toString('base64') });
    await syncOk(a);
    await syncOk(b);
    expect(await b.gobs.media.get({ uuid: obs.uuid })).toMatchObject({
      mimeType: 'image/gif',
      dataUrl: `data:image/gif;base64,${GIF.toString('base64')}`,
    });

    await a.gobs.media.remove({ uuid: obs.uuid });
    await syncOk(a);
    expect(
      (await serverRows(srv.baseUrl, adminToken, 'pluviometry')).find((o) => o.uuid === obs.uuid)?.media_url,
    ).toBeNull();
    await syncOk(b);
    expect((await b.gobs.observations.get({ uuid: obs.uuid })).hasMedia).toBe(false);
    expect(await b.gobs.media.get({ uuid: obs.uuid })).toBeNull();
    // An edit after the media change is not a conflict: the device knew the media's import.
    const cur = await a.gobs.observations.get({ uuid: obs.uuid });
    await a.gobs.observations.update({
      uuid: obs.uuid,
      timestamp: cur.timestamp,
      x: cur.x,
      y: cur.y,
      values: { ...cur.values, rain: 4 },
    });
    await syncOk(a);
    expect((await a.gobs.observations.get({ uuid: obs.uuid })).state).toBe('synced');
  });
});

describe('documents', () => {
  it('are cached at sync, open offline from the cache, and are downloaded again only when changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gobs-doc-'));
    const pdf = join(dir, 'guide.pdf');
    writeFileSync(pdf, '%PDF-1.4\n% a field guide\n');
    const { uuid } = await srv.seed.document({
      indicator: 'pluviometry',
      file: pdf,
      label: 'Field guide',
      type: 'document',
    });
    const a = await device();
    await syncOk(a);
    const [doc] = (await a.gobs.documents.list({ indicatorCode: 'pluviometry' })).filter((x) => x.uuid === uuid);
    expect(doc).toMatchObject({ label: 'Field guide', cached: true });
    await srv.stop();
    await a.gobs.documents.open({ uuid });
    const opened = a.openedPaths.at(-1)!;
    expect(opened.startsWith(a.dataDir)).toBe(true);
    expect(opened.endsWith('.pdf')).toBe(true);
    expect(readFileSync(opened, 'utf8')).toContain('a field guide');
    await srv.restart();
    const before = statSync(opened).mtimeMs;
    await syncOk(a);
    expect(statSync(opened).mtimeMs).toBe(before); // unchanged on the server: not downloaded again
    // A new version on the server (same file name there, new content and updated_at): downloaded again.
    await srv.files.replace(`${uuid}.pdf`, '%PDF-1.4\n% second edition\n');
    await srv.db.query("UPDATE document SET updated_at = now() + interval '1 second' WHERE uuid = $1", [uuid]);
    await syncOk(a);
    await a.gobs.documents.open({ uuid });
    expect(readFileSync(a.openedPaths.at(-1)!, 'utf8')).toContain('second edition');
    expect((await rejection(a.gobs.documents.open({ uuid: 'no-such-document' }))).code).toBe('not_found');
  });
});

describe('accounts', () => {
  it('forgetting the account refuses with unsynced changes unless forced', async () => {
    const a = await device();
    await syncOk(a);
    await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-04-04 04',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    expect((await rejection(a.gobs.account.forget({ force: false }))).code).toBe('conflict');
    expect((await a.gobs.projects.list()).length).toBe(1);
    const status = await a.gobs.account.forget({ force: true });
    expect(status).toMatchObject({ loggedIn: false, serverUrl: null, username: null });
    expect(await a.gobs.projects.list()).toEqual([]);
  });

  it('keeps one store per user: another login on the same app sees only its own data', async () => {
    const a = await device();
    await syncOk(a);
    const mine = await a.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: '2024-04-04 04',
      x: 3,
      y: 43,
      values: NEW_VALUES,
    });
    await a.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'reader', password: 'reader' });
    expect((await rejection(a.gobs.observations.get({ uuid: mine.uuid }))).code).toBe('not_found');
    await a.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    expect((await a.gobs.observations.get({ uuid: mine.uuid })).state).toBe('local');
  });
});
