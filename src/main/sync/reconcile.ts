/**
 * What to do when the server refuses a write because its version is not the one the device's change
 * was based on (409) or because the observation is gone (404). The server's version may be the
 * device's own earlier write whose answer was lost; that is told apart from someone else's change by
 * the write ids the device keeps until it knows each write's outcome (docs/DESKTOP-SYNC.md).
 *
 * Every write the device sends is based on a version it knows (updates, deletions and media changes
 * carry their base import and are refused when it is stale), so after the device's base the server's
 * history is some of the device's own writes, then possibly other people's. Hence:
 * - the current version is the device's own write → nobody else changed it: rebase on it and send
 *   the newer content (or adopt it, if nothing was edited since that write);
 * - someone else wrote it → if one of the device's writes reached the server before and nothing was
 *   edited here since, the device has nothing newer: adopt the server's version; otherwise the same
 *   observation was changed on both sides: a conflict.
 */
import type { ServerObservation as Observation } from '../../shared/model';
import type { SyncState } from '../../shared/ipc';
import type { PendingWrite } from '../store/writes';

/** The row as the device holds it now. */
export interface LocalSide {
  state: SyncState;
  localRev: number;
  /** The server's version has exactly the content this row holds. */
  sameContentAs(o: Observation): boolean;
}

export type ServerSide =
  | { observation: Observation }
  /** Deleted on the server; `writeId` of the deletion, when the server knows it. */
  | { deleted: { writeId: string | null } };

export type Decision =
  /** Only this device wrote since its base: move the base to the server's version and send the change again. */
  | { kind: 'rebase'; server: Observation; mine: PendingWrite }
  /** The server already holds everything this device changed: take the server's version. */
  | { kind: 'adopt'; server: Observation; mine?: PendingWrite }
  /** Changed on both sides since the device's base. */
  | { kind: 'conflict'; server: Observation | 'deleted' }
  /** Deleted on the server and nothing newer here (or deleted here too): drop the row. */
  | { kind: 'gone' }
  /** This device's own deletion reached the server, then the user undid or edited it: create it again. */
  | { kind: 'recreate' }
  /** The uuid is taken on the server by an observation this device never wrote. */
  | { kind: 'foreign' };

/** Asked when the server's version is someone else's: which of the device's writes were committed. */
export type CommittedLookup = (writeIds: string[]) => Promise<ReadonlySet<string>>;

export async function reconcile(
  local: LocalSide,
  pending: readonly PendingWrite[],
  server: ServerSide,
  committed: CommittedLookup,
): Promise<Decision> {
  const byId = new Map(pending.map((w) => [w.writeId, w]));
  const serverWriteId = 'observation' in server ? (server.observation.write_id ?? null) : server.deleted.writeId;
  const mine = serverWriteId ? byId.get(serverWriteId) : undefined;

  if ('deleted' in server) {
    if (local.state === 'deleted') return { kind: 'gone' };
    if (mine) return { kind: 'recreate' };
    return (await nothingNewerHere(local, pending, committed))
      ? { kind: 'gone' }
      : { kind: 'conflict', server: 'deleted' };
  }

  const o = server.observation;
  if (mine) {
    // A deletion here always bumped the revision, so it is never "on the server" as an observation.
    // A media write carries no content: it holds ours only if ours is the base's (a synced row).
    const holdsOurs =
      mine.localRev === local.localRev &&
      local.state !== 'deleted' &&
      (carriesContent(mine) || local.state === 'synced');
    return holdsOurs ? { kind: 'adopt', server: o, mine } : { kind: 'rebase', server: o, mine };
  }
  if (local.state !== 'deleted' && local.sameContentAs(o)) return { kind: 'adopt', server: o };
  if (await nothingNewerHere(local, pending, committed)) return { kind: 'adopt', server: o };
  if (local.state === 'local' && !(await anyCommitted(pending, committed))) return { kind: 'foreign' };
  return { kind: 'conflict', server: o };
}

/** One of the device's writes reached the server carrying the content the device holds now. */
async function nothingNewerHere(
  local: LocalSide,
  pending: readonly PendingWrite[],
  committed: CommittedLookup,
): Promise<boolean> {
  if (local.state === 'deleted') return false;
  if (local.state === 'synced') return true;
  const candidates = pending.filter((w) => w.localRev === local.localRev && carriesContent(w));
  if (candidates.length === 0) return false;
  const done = await committed(candidates.map((w) => w.writeId));
  return candidates.some((w) => done.has(w.writeId));
}

function carriesContent(w: PendingWrite): boolean {
  return w.kind === 'create' || w.kind === 'update';
}

async function anyCommitted(pending: readonly PendingWrite[], committed: CommittedLookup): Promise<boolean> {
  if (pending.length === 0) return false;
  const done = await committed(pending.map((w) => w.writeId));
  return pending.some((w) => done.has(w.writeId));
}
