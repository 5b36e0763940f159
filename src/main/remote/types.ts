/**
 * The seam between the sync engine and a kind of server. The engine's steps (push creations →
 * updates → deletions → media → pull → pulled deletions) talk to the server only through this
 * interface and to the device only through the store, so a client of another API (Lizmap's G-Obs
 * module, say) is one more implementation, with no change to the steps. docs/ARCHITECTURE.md
 * ("A second kind of server") says what each operation promises.
 */
import type { Dimension, DimensionValue } from '../../shared/ipc';
import type { NotEditableReason, ServerKind } from '../../shared/constants';
import type { ServerObservation, ServerProject, ServerSeries } from '../../shared/model';

export type { ServerKind };

/** The content of an observation as the device sends it; server-owned fields are the server's. */
export interface OutgoingObservation {
  uuid: string;
  /** The key of its series on this device (our server: the indicator's code). */
  indicator: string;
  timestamp: string;
  endTimestamp: string | null;
  /** The shared spatial object it is placed on (a series on such objects), instead of its own geometry. */
  objectId: string | null;
  x: number;
  y: number;
  wkt: string | null;
  values: Record<string, DimensionValue>;
}

/** Which version of an observation a change is based on. */
export interface Target {
  id: number | null;
  uuid: string;
  /** The key of its series on this device: a server whose URLs name the series needs it. */
  indicator: string;
  /** The server version (import) the change started from; null when the device never learnt it. */
  import: number | null;
}

/** What the server holds of an observation: a version, or a deletion (with its write id when known). */
export type ServerSide = { observation: ServerObservation } | { deleted: { writeId: string | null } };

/** The outcome of a change to one observation (update, deletion, media change). */
export type WriteOutcome =
  /** Done; the observation at its new version when the server says (never for a deletion). */
  | { kind: 'done'; observation: ServerObservation | null }
  /** Refused because the server's version is not the one the change was based on (or it is gone). */
  | { kind: 'stale'; server: ServerSide }
  /**
   * Refused for good as sent (invalid, not allowed): the server's message and the field it names;
   * `notEditable` when the refusal says this user may no longer change the observation at all.
   */
  | { kind: 'refused'; message: string; field: string | null; notEditable?: NotEditableReason };

export interface ItemRefusal {
  uuid: string | null;
  /** Position in the request when the server names it that way. */
  index: number | null;
  field: string | null;
  message: string;
}

/** The outcome of a batch of creations (all or nothing on the server). */
export type CreateOutcome =
  | { kind: 'done'; observations: ServerObservation[] }
  /** Nothing stored. `items` names the culprits when the server does; `forbidden`: true of the whole batch. */
  | { kind: 'refused'; message: string; forbidden: boolean; items: ItemRefusal[] }
  /** Nothing stored: a uuid of the batch exists on the server with other content. */
  | { kind: 'exists'; message: string; uuid: string | null };

/**
 * One page of a pull. `cursor` is stored by the device in the same transaction as the page and given
 * back to the next call: for a protocol that acknowledges, that next call acknowledges this page;
 * for one with time windows, it is where the next window starts. An empty page ends the pull.
 */
export interface PullPage<T> {
  items: T[];
  cursor: string | null;
  /** How many more the server says wait (null: it does not say). */
  remaining: number | null;
  /** The server sends no more pages for now, even if this one is not empty. */
  last: boolean;
}

export interface Download {
  bytes: Buffer;
  /** The type the server declared (never trusted alone: documents and media are sniffed). */
  contentType: string | undefined;
}

export interface ServerClient {
  readonly kind: ServerKind;
  readonly baseUrl: string;
  /**
   * Most observations one `create` call sends. Our server stores a batch in one transaction; a
   * Lizmap server takes one observation per request, so its client creates one at a time and
   * each outcome is exact.
   */
  readonly createBatchSize: number;
  logout(): Promise<void>;
  projects(signal?: AbortSignal, timeoutMs?: number): Promise<ServerProject[]>;
  project(key: string, signal?: AbortSignal): Promise<ServerProject>;
  /** The project's series (our server: its indicators), each with its dimensions and documents. */
  indicators(projectKey: string, signal?: AbortSignal): Promise<ServerSeries[]>;
  /** A document's or a photo's bytes (an absolute URL the server gave, or a path on it). */
  download(url: string, signal?: AbortSignal): Promise<Download>;
  pullObservations(
    indicator: string,
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
  ): Promise<PullPage<ServerObservation>>;
  /** Uuids of observations deleted on the server that the device may hold. */
  pullDeletions(
    indicator: string,
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
  ): Promise<PullPage<string>>;
  create(
    items: readonly OutgoingObservation[],
    dims: readonly Dimension[],
    writeId: string,
    signal?: AbortSignal,
  ): Promise<CreateOutcome>;
  update(
    item: OutgoingObservation,
    dims: readonly Dimension[],
    target: Target,
    writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome>;
  delete(target: Target, writeId: string, signal?: AbortSignal): Promise<WriteOutcome>;
  uploadMedia(
    target: Target,
    file: { bytes: Buffer; name: string; mime: string },
    writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome>;
  deleteMedia(target: Target, writeId: string, signal?: AbortSignal): Promise<WriteOutcome>;
  /** The server's current side of one observation. */
  fetch(target: Pick<Target, 'id' | 'uuid' | 'indicator'>, signal?: AbortSignal): Promise<ServerSide>;
  /** Which of these write ids (the device's own) the server committed; empty when it keeps none. */
  committedWrites(writeIds: readonly string[], signal?: AbortSignal): Promise<ReadonlySet<string>>;
}
