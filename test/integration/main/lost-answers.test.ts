/**
 * A lost answer to an update, a deletion or a media upload, then more edits before the next sync:
 * the device recognises its own write on the server (by its write id) instead of taking it for
 * someone else's change. No false conflict, no lost deletion, every device converges; a change by
 * someone else in between is still a conflict.
 */
import { describe, expect, it } from 'vitest';
import type { ObservationRow } from '../../../src/shared/ipc';
import type { TestDesktop } from '../../helpers/desktop';
import { deviceRows, expectConverged, PNG, serverRows, syncOk, unsettled, useProxiedServer, valuesOf } from './support';

const IND = 'pluviometry';
const env = useProxiedServer({ indicator: IND, rows: 300 });
const PUT = /\/observation\/observations/;
const DELETE = /\/observation\/\d+(\?|$)/;
const UPLOAD = /\/uploadMedia/;

async function device(via: 'proxy' | 'direct' = 'proxy'): Promise<TestDesktop> {
  const d = await env.device({ direct: via === 'direct' });
  await syncOk(d);
  return d;
}

async function edit(d: TestDesktop, uuid: string, note: string): Promise<void> {
  const o = await d.gobs.observations.get({ uuid });
  await d.gobs.observations.update({ uuid, timestamp: o.timestamp, x: o.x, y: o.y, values: { ...o.values, note } });
}

/** The answer to the next write of this kind is lost after the server committed it (twice: the client retries a dropped reused connection once). */
function loseAnswer(method: string, path: RegExp): void {
  env.proxy.add({ method, path, fault: { kind: 'drop-response' }, times: 2 });
}

async function syncLosingAnswer(d: TestDesktop): Promise<void> {
  const status = await d.gobs.sync.start({});
  expect(status.state).toBe('offline');
  expect(env.proxy.pending()).toHaveLength(0);
}

async function onServer(uuid: string) {
  return (await serverRows(env.srv.baseUrl, env.adminToken, IND)).find((o) => o.uuid === uuid);
}

let next = 0;
/** A different seeded observation for each test (all authored by `writer`). */
async function pick(d: TestDesktop): Promise<ObservationRow> {
  const rows = await deviceRows(d, IND);
  return rows[next++ * 7]!;
}

async function converged(...ds: TestDesktop[]): Promise<void> {
  for (const d of ds) {
    await syncOk(d);
    expect(await unsettled(d, IND)).toEqual([]);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, IND);
  }
}

describe('a lost answer, then more edits before the next sync', () => {
  it('update: edited twice more, no conflict, the server holds the last edit', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await edit(a, x.uuid, 'edit 1');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    expect(valuesOf((await onServer(x.uuid))!).note).toBe('edit 1'); // committed, answer never seen
    await edit(a, x.uuid, 'edit 2');
    await edit(a, x.uuid, 'edit 3');
    const status = await syncOk(a);
    expect(status.problems).toEqual([]);
    expect(await a.gobs.observations.get({ uuid: x.uuid })).toMatchObject({
      state: 'synced',
      values: { note: 'edit 3' },
    });
    expect(valuesOf((await onServer(x.uuid))!).note).toBe('edit 3');
    await converged(a, b);
    expect((await b.gobs.observations.get({ uuid: x.uuid })).values.note).toBe('edit 3');
  });

  it('update lost twice in a row (two syncs), then edited again: still no conflict', async () => {
    const a = await device();
    const x = await pick(a);
    await edit(a, x.uuid, 'first');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    await edit(a, x.uuid, 'second');
    // The second update is refused (409: the server holds the first), rebased and sent again: lose that answer too.
    env.proxy.add({ method: 'PUT', path: PUT, fault: { kind: 'drop-response' }, skip: 1, times: 2 });
    await syncLosingAnswer(a);
    expect(valuesOf((await onServer(x.uuid))!).note).toBe('second');
    await edit(a, x.uuid, 'third');
    await converged(a);
    expect(valuesOf((await onServer(x.uuid))!).note).toBe('third');
  });

  it('update lost, nothing edited since: the device adopts its own write', async () => {
    const a = await device();
    const x = await pick(a);
    await edit(a, x.uuid, 'only edit');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    const before = (await onServer(x.uuid))!.import;
    await converged(a);
    expect((await onServer(x.uuid))!.import).toBe(before); // nothing sent again
  });

  it('update lost, then deleted: the deletion reaches the server, no conflict', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await edit(a, x.uuid, 'edited before deletion');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    await a.gobs.observations.delete({ uuid: x.uuid });
    await converged(a, b);
    expect(await onServer(x.uuid)).toBeUndefined();
    expect((await deviceRows(b, IND)).some((r) => r.uuid === x.uuid)).toBe(false);
  });

  it('deletion lost: the next sync finishes it', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await a.gobs.observations.delete({ uuid: x.uuid });
    loseAnswer('DELETE', DELETE);
    await syncLosingAnswer(a);
    expect(await onServer(x.uuid)).toBeUndefined();
    await converged(a, b);
    expect((await deviceRows(a, IND)).some((r) => r.uuid === x.uuid)).toBe(false);
  });

  it('deletion lost, then undone and edited: it comes back as a new observation, no conflict', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await a.gobs.observations.delete({ uuid: x.uuid });
    loseAnswer('DELETE', DELETE);
    await syncLosingAnswer(a);
    await a.gobs.observations.restore({ uuid: x.uuid });
    await edit(a, x.uuid, 'wanted back');
    await syncOk(a);
    const rows = await deviceRows(a, IND);
    expect(rows.some((r) => r.uuid === x.uuid)).toBe(false);
    const back = rows.filter((r) => r.values.note === 'wanted back');
    expect(back).toHaveLength(1);
    expect(await onServer(x.uuid)).toBeUndefined();
    expect(valuesOf((await onServer(back[0]!.uuid))!).note).toBe('wanted back');
    await converged(a, b);
  });

  it('media upload lost, then edited twice: no conflict, the server holds the photo and the last edit', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await a.gobs.media.attach({ uuid: x.uuid, fileName: 'p.png', dataBase64: PNG.toString('base64') });
    loseAnswer('POST', UPLOAD);
    await syncLosingAnswer(a);
    expect((await onServer(x.uuid))!.media_url).toBeTruthy();
    await edit(a, x.uuid, 'after the photo 1');
    await edit(a, x.uuid, 'after the photo 2');
    const mark = env.proxy.log.length;
    await converged(a, b);
    // The photo was recognised as already there: not uploaded a third time.
    expect(env.proxy.log.slice(mark).filter((l) => UPLOAD.test(l.path))).toEqual([]);
    expect(await a.gobs.observations.get({ uuid: x.uuid })).toMatchObject({
      state: 'synced',
      hasMedia: true,
      mediaPending: null,
      values: { note: 'after the photo 2' },
    });
    const s = (await onServer(x.uuid))!;
    expect(valuesOf(s).note).toBe('after the photo 2');
    expect(await b.gobs.media.get({ uuid: x.uuid })).toMatchObject({ mimeType: 'image/png' });
  });
});

describe('someone else changes the observation in between', () => {
  it('after the lost write, with nothing edited here since: their version is taken, no conflict', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await edit(a, x.uuid, 'mine');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    await syncOk(b);
    await edit(b, x.uuid, 'theirs, on top of mine');
    await syncOk(b);
    await converged(a, b);
    expect((await a.gobs.observations.get({ uuid: x.uuid })).values.note).toBe('theirs, on top of mine');
  });

  it('after the lost write, and edited here again: a conflict, as it should be', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await edit(a, x.uuid, 'mine 1');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    await syncOk(b);
    await edit(b, x.uuid, 'theirs');
    await syncOk(b);
    await edit(a, x.uuid, 'mine 2');
    await syncOk(a);
    const mine = await a.gobs.observations.get({ uuid: x.uuid });
    expect(mine.state).toBe('conflict');
    expect(mine.values.note).toBe('mine 2');
    expect(mine.serverVersion?.values.note).toBe('theirs');
  });

  it('a deletion by someone else of an observation edited here after its lost write: a conflict', async () => {
    const [a, b] = [await device(), await device('direct')];
    const x = await pick(a);
    await edit(a, x.uuid, 'mine 1');
    loseAnswer('PUT', PUT);
    await syncLosingAnswer(a);
    await syncOk(b);
    await b.gobs.observations.delete({ uuid: x.uuid });
    await syncOk(b);
    await edit(a, x.uuid, 'mine 2');
    await syncOk(a);
    expect(await a.gobs.observations.get({ uuid: x.uuid })).toMatchObject({ state: 'conflict', serverDeleted: true });
  });
});
