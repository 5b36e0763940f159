/**
 * The decision taken when the server refuses a write (sync/reconcile.ts): the server's version is
 * told apart as the device's own lost write, someone else's change on top of it, or a real conflict.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/shared/api';
import { reconcile, type LocalSide } from '../../../src/main/sync/reconcile';
import type { PendingWrite, WriteKind } from '../../../src/main/store/writes';

const W = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function server(writeId: string | null, imp = 9): Observation {
  return {
    id: 1,
    uuid: 'u',
    indicator: 'i',
    import: imp,
    timestamp: '2025-01-01 00:00:00',
    x: 0,
    y: 0,
    wkt: 'POINT(0 0)',
    values: [],
    media_url: null,
    author: 'me',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    write_id: writeId,
  };
}

let seq = 0;
function write(n: number, kind: WriteKind, localRev: number, mediaFile: string | null = null): PendingWrite {
  return { seq: ++seq, writeId: W(n), uuid: 'u', kind, localRev, baseImport: 1, mediaFile };
}

const local = (state: LocalSide['state'], localRev: number, same = false): LocalSide => ({
  state,
  localRev,
  sameContentAs: () => same,
});

/** A lookup of committed writes that records what it was asked. */
function committed(...ids: string[]) {
  const asked: string[][] = [];
  const lookup = async (writeIds: string[]) => {
    asked.push(writeIds);
    return new Set(ids.filter((i) => writeIds.includes(i)));
  };
  return { lookup, asked };
}

describe('reconcile: the server holds a version', () => {
  it("rebases on the device's own write when the user edited since (no conflict)", async () => {
    const mine = write(1, 'update', 3);
    const d = await reconcile(local('modified', 4), [mine], { observation: server(W(1)) }, committed().lookup);
    expect(d).toEqual({ kind: 'rebase', server: server(W(1)), mine });
  });

  it("adopts the device's own write when nothing was edited since it was sent", async () => {
    const mine = write(1, 'update', 3);
    const d = await reconcile(local('modified', 3), [mine], { observation: server(W(1)) }, committed().lookup);
    expect(d.kind).toBe('adopt');
  });

  it('rebases a local deletion on its own earlier edit, to delete that version', async () => {
    const d = await reconcile(
      local('deleted', 4),
      [write(1, 'update', 3)],
      { observation: server(W(1)) },
      committed().lookup,
    );
    expect(d.kind).toBe('rebase');
  });

  it('does not take a media write as carrying unsent content edits', async () => {
    const media = write(1, 'media', 3, 'p.jpg');
    expect(
      (await reconcile(local('modified', 3), [media], { observation: server(W(1)) }, committed().lookup)).kind,
    ).toBe('rebase');
    expect((await reconcile(local('synced', 3), [media], { observation: server(W(1)) }, committed().lookup)).kind).toBe(
      'adopt',
    );
  });

  it("is a conflict when someone else wrote and none of the device's writes reached the server", async () => {
    const c = committed();
    const d = await reconcile(local('modified', 3), [write(1, 'update', 3)], { observation: server(W(99)) }, c.lookup);
    expect(d).toEqual({ kind: 'conflict', server: server(W(99)) });
    expect(c.asked).toEqual([[W(1)]]);
  });

  it("adopts someone else's change made on top of the device's lost write when nothing was edited here since", async () => {
    const d = await reconcile(
      local('modified', 3),
      [write(1, 'update', 3)],
      { observation: server(W(99)) },
      committed(W(1)).lookup,
    );
    expect(d.kind).toBe('adopt');
  });

  it("is a conflict when someone else wrote on top of the device's write and the user edited again", async () => {
    const d = await reconcile(
      local('modified', 4),
      [write(1, 'update', 3), write(2, 'update', 4)],
      { observation: server(W(99)) },
      committed(W(1)).lookup,
    );
    expect(d.kind).toBe('conflict');
  });

  it('is a conflict for a local deletion when someone else changed the observation', async () => {
    const d = await reconcile(local('deleted', 5), [], { observation: server(W(99)) }, committed().lookup);
    expect(d.kind).toBe('conflict');
  });

  it('adopts a server version that already holds exactly the local content, whoever wrote it', async () => {
    const c = committed();
    const d = await reconcile(local('modified', 3, true), [], { observation: server(null) }, c.lookup);
    expect(d.kind).toBe('adopt');
    expect(c.asked).toEqual([]);
  });

  it('a synced row (only its photo was sent) takes any newer server version', async () => {
    const d = await reconcile(
      local('synced', 2),
      [write(1, 'media', 2, 'p.jpg')],
      { observation: server(W(99)) },
      committed().lookup,
    );
    expect(d.kind).toBe('adopt');
  });

  it("a creation whose uuid the server holds from a write that is not the device's is foreign", async () => {
    const d = await reconcile(
      local('local', 1),
      [write(1, 'create', 1)],
      { observation: server(W(99)) },
      committed().lookup,
    );
    expect(d.kind).toBe('foreign');
  });

  it('a creation recognised by its write id is sent as an update when edited since', async () => {
    const d = await reconcile(
      local('local', 2),
      [write(1, 'create', 1)],
      { observation: server(W(1)) },
      committed().lookup,
    );
    expect(d.kind).toBe('rebase');
  });
});

describe('reconcile: the server deleted the observation', () => {
  it('a local deletion is done, whoever deleted it', async () => {
    expect((await reconcile(local('deleted', 5), [], { deleted: { writeId: W(99) } }, committed().lookup)).kind).toBe(
      'gone',
    );
    expect((await reconcile(local('deleted', 5), [], { deleted: { writeId: null } }, committed().lookup)).kind).toBe(
      'gone',
    );
  });

  it("the device's own deletion, undone or edited since, comes back as a new observation", async () => {
    const d = await reconcile(
      local('modified', 6),
      [write(1, 'delete', 5)],
      { deleted: { writeId: W(1) } },
      committed().lookup,
    );
    expect(d.kind).toBe('recreate');
  });

  it("someone else's deletion of an observation edited here is a conflict", async () => {
    const d = await reconcile(
      local('modified', 4),
      [write(1, 'update', 4)],
      { deleted: { writeId: W(99) } },
      committed().lookup,
    );
    expect(d).toEqual({ kind: 'conflict', server: 'deleted' });
  });

  it("someone else's deletion after the device's edit reached the server: accepted, no conflict", async () => {
    const d = await reconcile(
      local('modified', 4),
      [write(1, 'update', 4)],
      { deleted: { writeId: W(99) } },
      committed(W(1)).lookup,
    );
    expect(d.kind).toBe('gone');
  });
});
