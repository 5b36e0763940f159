/**
 * The client of a Lizmap G-Obs server (lizmap-gobsapi-module 0.9, docs/LIZMAP.md): the same
 * promises as our own client (remote/types.ts) on an API that has no device tracking, no version
 * numbers and no write ids.
 *
 * - Session: a Bearer token that lives one hour from login and is never renewed. A refused token
 *   is renewed by logging in again when the user let the OS keep the password, and the request
 *   sent once more (remote/http.ts); otherwise the session is over and nothing is lost. A 401 also
 *   means "not the author" or "outside your area": only "Access token is missing or invalid" is
 *   about the session.
 * - Pull: per series, a time window on the server's own clock (headers lastSyncDate /
 *   requestSyncDate, server-local wall times). The cursor is a wall time the server had certainly
 *   passed when it answered (time/ServerClock), and each window starts that much before it by an
 *   overlap; applying is idempotent by uuid and version. Deletions come for the whole database.
 * - Versions: an observation's `updated_at` to the second stands for our `import`. A change is
 *   based on the version the device holds: read before writing, refused as stale when the server's
 *   differs (best effort: the module itself checks nothing and the last write wins).
 * - Writes: one observation per request, with the uuid minted on the device (lowercase v4, or the
 *   module would silently give it another). A create whose answer was lost is found by its uuid
 *   when sent again ("already exists") and adopted.
 */
import type { AxiosResponse, Method } from 'axios';
import { z } from 'zod';
import { LIZMAP_MEDIA_TYPES } from '../../../shared/constants';
import type { Dimension } from '../../../shared/ipc';
import type { ServerObservation, ServerProject, ServerSeries } from '../../../shared/model';
import { formatWkt, wktGeometryType } from '../../../shared/wkt';
import { AppError } from '../../errors';
import { type HttpClient, type RequestOptions, TRANSFER_TIMEOUT_MS } from '../http';
import type {
  CreateOutcome,
  Download,
  ItemRefusal,
  OutgoingObservation,
  PullPage,
  ServerClient,
  ServerSide,
  Target,
  WriteOutcome,
} from '../types';
import { type SeriesEntry, entryOf, mapObservation, mapProject, mapSeries } from './map';
import { ServerClock, laterOf, passed, wallMs, windowStart } from './time';
import { LizmapApiResponse, LizmapDeleted, LizmapObservation, LizmapProject, LizmapSeries } from './wire';

/** The module's uuid rule: anything else is silently replaced by one of its own. */
export const LOWER_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The upload form's limit (the module's 10 "Mo"). */
export const LIZMAP_MEDIA_MAX_BYTES = 10_000_000;

const TOKEN_REFUSED = 'Access token is missing or invalid';
const ALREADY_EXISTS = /already exists/i;
const NOT_ALLOWED_TO_ACCESS = /not right to access/i;
const NOT_IN_SERIES = 'does not correspond to an existing observation';
const DELETE_FAILED = /database error occurred while deleting/i;
const NOT_CREATED = /has not been created/i;

export interface LizmapClientOptions {
  /** The user's login: the module marks as editable only the observations this user wrote. */
  login: string;
  /** The series the device knows (from the store), so a request about one needs no listing first. */
  seriesInfo?: (key: string) => SeriesEntry | null;
  /** The series of an observation the device holds as the server's (sent or received), or null. */
  heldIn?: (uuid: string) => string | null;
}

type Send = Omit<RequestOptions<z.ZodType>, 'schema'>;

function apiMessage(res: AxiosResponse): string | null {
  let body: unknown = res.data;
  if (Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
  }
  const parsed = LizmapApiResponse.safeParse(body);
  return parsed.success ? parsed.data.message : null;
}

/**
 * A 401 about the session itself (not "not the author", not "outside your area"): the HttpClient
 * renews the session on it, or reports it over (remote/http.ts).
 */
export function lizmapSessionRefused(res: AxiosResponse): boolean {
  if (res.status !== 401) return false;
  const message = apiMessage(res);
  return message === null || message === TOKEN_REFUSED;
}

function dateHeader(res: AxiosResponse): string | undefined {
  const d = res.headers['date'];
  return typeof d === 'string' ? d : undefined;
}

/** The field of the desktop's form a refusal of the module is about, from its message. */
function fieldOf(message: string): string | null {
  if (/start_timestamp/.test(message)) return 'timestamp';
  if (/end_timestamp/.test(message)) return 'endTimestamp';
  if (/spatial object/.test(message)) return 'objectId';
  if (/wkt/i.test(message)) return 'wkt';
  if (/given UID/i.test(message)) return 'uuid';
  return null;
}

/** A valid `requestSyncDate` (the module falls back to now for an invalid one) later than any change. */
const OPEN_WINDOW_END = '9999-12-31 23:59:59';

export class LizmapClient implements ServerClient {
  readonly kind = 'lizmap-gobs' as const;
  /** The module takes one observation per request. */
  readonly createBatchSize = 1;
  private readonly series = new Map<string, SeriesEntry>();
  private readonly clock = new ServerClock();
  /**
   * Per series, where a first deletions window starts: where the device's copy of its observations
   * began (the previous observations cursor), or this session's first read when there was none.
   */
  private readonly deletionsFrom = new Map<string, string>();
  /** Per series, the cursor of its last observations read: a server time passed before any later request. */
  private readonly observed = new Map<string, string>();

  constructor(
    private readonly http: HttpClient,
    private readonly options: LizmapClientOptions,
  ) {}

  get baseUrl(): string {
    return this.http.options.baseUrl;
  }

  // ---- requests ------------------------------------------------------------------------------

  /**
   * One request. A refused session is renewed (or reported over) by the HttpClient, so what comes
   * back is about the request: statuses in `accept`, and 401s that are not about the session.
   */
  private async send(method: Method, path: string, opts: Send = {}): Promise<AxiosResponse> {
    const res = await this.http.raw(method, path, opts);
    if (lizmapSessionRefused(res)) throw new AppError('unauthorized', 'Your session has expired: please log in again.');
    return res;
  }

  private async json<S extends z.ZodType>(method: Method, path: string, schema: S, opts: Send = {}) {
    const res = await this.send(method, path, opts);
    return { data: this.parse(schema, res.data, `${method.toUpperCase()} ${path}`), res };
  }

  private parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'bad_server',
        `The server sent an unexpected answer to ${what} (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}).`,
      );
    }
    return parsed.data;
  }

  // ---- series ----------------------------------------------------------------------------------

  private async entry(key: string): Promise<SeriesEntry> {
    const known = this.series.get(key) ?? this.options.seriesInfo?.(key) ?? null;
    if (known) return known;
    // Not seen yet in this session and not stored: list what the user may see.
    for (const p of await this.projects()) await this.indicators(p.key);
    const found = this.series.get(key);
    if (!found) throw new AppError('not_found', `The series "${key}" is no longer on the server.`, 'indicatorCode');
    return found;
  }

  private observationPath(e: SeriesEntry, rest = ''): string {
    return `/project/${encodeURIComponent(e.projectKey)}/series/${encodeURIComponent(e.id)}/observation${rest}`;
  }

  private seriesPath(e: SeriesEntry, rest: string): string {
    return `/project/${encodeURIComponent(e.projectKey)}/series/${encodeURIComponent(e.id)}${rest}`;
  }

  // ---- session, projects, series -----------------------------------------------------------------

  async logout(): Promise<void> {
    await this.http.raw('get', '/user/logout', { accept: [401] });
  }

  async projects(signal?: AbortSignal, timeoutMs?: number): Promise<ServerProject[]> {
    const { data } = await this.json('get', '/user/projects', z.array(LizmapProject), {
      ...(signal ? { signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    return data.map(mapProject);
  }

  async project(key: string, signal?: AbortSignal): Promise<ServerProject> {
    const { data } = await this.json('get', `/project/${encodeURIComponent(key)}`, LizmapProject, { signal });
    return mapProject(data);
  }

  async indicators(projectKey: string, signal?: AbortSignal): Promise<ServerSeries[]> {
    const path = `/project/${encodeURIComponent(projectKey)}/series`;
    const { data } = await this.json('get', path, z.array(LizmapSeries.nullable()), { signal });
    const list = data.filter((s): s is LizmapSeries => s !== null).map((s) => mapSeries(s, projectKey, this.baseUrl));
    for (const s of list) this.series.set(s.code, entryOf(s));
    return list;
  }

  async download(url: string, signal?: AbortSignal): Promise<Download> {
    // The token goes only to the server's own origin (HttpClient): a document may live elsewhere.
    const res = await this.send('get', url, { responseType: 'arraybuffer', signal, timeoutMs: TRANSFER_TIMEOUT_MS });
    return {
      bytes: Buffer.from(res.data as ArrayBuffer),
      contentType: res.headers['content-type'] as string | undefined,
    };
  }

  // ---- pull --------------------------------------------------------------------------------------

  /**
   * One window: everything the server changed since shortly before the cursor, up to its own now
   * (requestSyncDate is left to the server, so no clock of this device is involved). The module
   * lists every series of the indicator: only this series' observations are kept.
   */
  async pullObservations(
    key: string,
    cursor: string | null,
    _limit: number,
    signal?: AbortSignal,
  ): Promise<PullPage<ServerObservation>> {
    const e = await this.entry(key);
    const { data, res } = await this.json('get', this.seriesPath(e, '/observations'), z.array(LizmapObservation), {
      headers: this.windowHeaders(cursor),
      signal,
    });
    const date = dateHeader(res);
    let newest: string | null = null;
    for (const o of data) {
      // Every listed change happened before the answer: a bound of the server's clock.
      this.clock.learn(o.updated_at, date);
      const at = wallMs(o.updated_at);
      if (at !== null && (newest === null || at > (wallMs(newest) ?? 0))) newest = o.updated_at.replace('T', ' ');
    }
    const items = data.filter((o) => o.series === e.id).map((o) => mapObservation(o, e, this.options.login, 'list'));
    const next = laterOf(laterOf(cursor, passed(newest)), this.clock.nowAtLeast(date));
    const from = cursor ?? next;
    if (from && !this.deletionsFrom.has(key)) this.deletionsFrom.set(key, from);
    if (next) this.observed.set(key, next);
    return { items, cursor: next, remaining: null, last: true };
  }

  /**
   * Deletions of the whole database in a window (uuids only): the device applies those it holds.
   * A first window starts where this series' observations were read, not at the beginning of time.
   */
  async pullDeletions(
    key: string,
    cursor: string | null,
    _limit: number,
    signal?: AbortSignal,
  ): Promise<PullPage<string>> {
    const e = await this.entry(key);
    // Without a cursor (and without a read in this session) every deletion ever logged comes.
    const from = cursor ?? this.deletionsFrom.get(key) ?? null;
    const { data, res } = await this.json('get', this.seriesPath(e, '/deletedObservations'), LizmapDeleted, {
      headers: this.windowHeaders(from),
      signal,
    });
    const next = laterOf(laterOf(from, this.observed.get(key) ?? null), this.clock.nowAtLeast(dateHeader(res)));
    return { items: await this.stillDeleted(data, signal), cursor: next, remaining: null, last: true };
  }

  /**
   * The module logs a deletion by uuid without saying when, and a deleted uuid may be created
   * again: an overlapping window can name an observation that exists again. Before the device
   * drops one it holds, the server is asked; the many it does not hold pass as they are.
   */
  private async stillDeleted(uuids: string[], signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for (const uuid of uuids) {
      const held = this.options.heldIn?.(uuid) ?? null;
      if (held !== null) {
        const e = await this.entry(held).catch(() => null);
        const d = e ? await this.detail(e, uuid, signal) : null;
        if (d !== null && !('refused' in d)) continue;
      }
      out.push(uuid);
    }
    return out;
  }

  private windowHeaders(cursor: string | null): Record<string, string> {
    const start = cursor ? windowStart(cursor) : null;
    // Left out, the window would end at the server's now *to the second*, and a change made in that
    // very second (microseconds later) would wait for the next sync. The end asked for is open: the
    // cursor never comes from it (pullObservations), so nothing beyond it can be skipped.
    return start ? { lastSyncDate: start, requestSyncDate: OPEN_WINDOW_END } : { requestSyncDate: OPEN_WINDOW_END };
  }

  // ---- one observation ---------------------------------------------------------------------------

  /** The detail (full geometry, editability with the window); null when the server has no such observation. */
  private async detail(
    e: SeriesEntry,
    uuid: string,
    signal?: AbortSignal,
  ): Promise<{ raw: LizmapObservationT; observation: ServerObservation } | { refused: string } | null> {
    const res = await this.send('get', this.observationPath(e, `/${encodeURIComponent(uuid)}`), {
      accept: [400, 401, 404],
      signal,
    });
    if (res.status === 404) return null;
    if (res.status === 401 || res.status === 400) return { refused: apiMessage(res) ?? `Refused (${res.status}).` };
    const raw = this.parse(LizmapObservation, res.data, 'GET observation');
    this.clock.learn(raw.updated_at, dateHeader(res));
    return { raw, observation: mapObservation(raw, e, this.options.login, 'detail') };
  }

  async fetch(target: Pick<Target, 'id' | 'uuid' | 'indicator'>, signal?: AbortSignal): Promise<ServerSide> {
    const e = await this.entry(target.indicator);
    const d = await this.detail(e, target.uuid, signal);
    if (d === null) return { deleted: { writeId: null } };
    if ('refused' in d) throw new AppError('forbidden', d.refused);
    return { observation: d.observation };
  }

  /** The module keeps no write ids: nothing can be looked up. */
  async committedWrites(): Promise<ReadonlySet<string>> {
    return new Set();
  }

  private body(e: SeriesEntry, o: OutgoingObservation, dims: readonly Dimension[]) {
    return {
      series: Number.isFinite(Number(e.id)) ? Number(e.id) : e.id,
      indicator: e.indicatorCode,
      uuid: o.uuid,
      // 'YYYY-MM-DD HH:MM:SS' is what the module reads (Y-m-d H:i:s); finer parts are not accepted.
      start_timestamp: o.timestamp.slice(0, 19),
      end_timestamp: o.endTimestamp ? o.endTimestamp.slice(0, 19) : null,
      values: dims.map((d) => o.values[d.code] ?? null),
    };
  }

  private async write(
    method: 'post' | 'put',
    e: SeriesEntry,
    body: object,
    signal?: AbortSignal,
  ): Promise<{ ok: ServerObservation } | { status: number; message: string }> {
    const res = await this.send(method, this.observationPath(e), {
      body,
      headers: { 'Content-Type': 'application/json' },
      accept: [400, 401, 403, 404],
      signal,
    });
    if (res.status !== 200) return { status: res.status, message: apiMessage(res) ?? `Refused (${res.status}).` };
    const raw = this.parse(LizmapObservation, res.data, `${method.toUpperCase()} observation`);
    // Written now: the best bound of the server's clock there is.
    this.clock.learn(raw.updated_at, dateHeader(res));
    return { ok: mapObservation(raw, e, this.options.login, 'detail') };
  }

  async create(
    items: readonly OutgoingObservation[],
    dims: readonly Dimension[],
    _writeId: string,
    signal?: AbortSignal,
  ): Promise<CreateOutcome> {
    const done: ServerObservation[] = [];
    for (const [index, item] of items.entries()) {
      const outcome = await this.createOne(item, dims, signal);
      if ('refusal' in outcome) {
        // One at a time (createBatchSize): nothing after a refused one was sent.
        return {
          kind: 'refused',
          message: outcome.refusal.message,
          forbidden: false,
          items: [{ ...outcome.refusal, index }],
        };
      }
      done.push(outcome.ok);
    }
    return { kind: 'done', observations: done };
  }

  private async createOne(
    item: OutgoingObservation,
    dims: readonly Dimension[],
    signal?: AbortSignal,
  ): Promise<{ ok: ServerObservation } | { refusal: ItemRefusal }> {
    const refuse = (message: string, field: string | null): { refusal: ItemRefusal } => ({
      refusal: { uuid: item.uuid, index: null, field, message },
    });
    if (!LOWER_V4.test(item.uuid)) {
      return refuse(
        'This observation has an identifier this server would replace (it must be a lowercase version 4 UUID).',
        'uuid',
      );
    }
    const e = await this.entry(item.indicator);
    const body = {
      ...this.body(e, item, dims),
      ...(item.objectId
        ? { spatial_object: { layer_code: e.layerCode, unique_id: item.objectId } }
        : {
            wkt:
              item.wkt && wktGeometryType(item.wkt) === 'Point'
                ? item.wkt
                : formatWkt({ type: 'Point', coordinates: [item.x, item.y] }),
          }),
    };
    const sent = await this.write('post', e, body, signal);
    if ('ok' in sent) {
      if (sent.ok.uuid !== item.uuid) {
        throw new AppError(
          'bad_server',
          `The server stored observation ${item.uuid} under another identifier (${sent.ok.uuid}).`,
        );
      }
      return sent;
    }
    if (sent.status === 400 && ALREADY_EXISTS.test(sent.message))
      return this.adoptExisting(e, item, dims, body, signal);
    if (sent.status === 400 && NOT_CREATED.test(sent.message) && !item.objectId) {
      // The module places a point as a spatial object keyed by series, point, user and the start
      // time cut to the indicator's precision: a second one there and then is not created.
      return refuse(
        `${sent.message}: you already have an observation of this series at this place within the same ${e.dateFormat} (the server keeps one). Change the time or the place.`,
        'timestamp',
      );
    }
    return refuse(sent.message, sent.status === 401 ? (item.objectId ? 'objectId' : 'wkt') : fieldOf(sent.message));
  }

  /**
   * The uuid is taken: minted on this device, it is this device's own earlier create whose answer
   * was lost. Adopt the server's copy when it holds what is being sent; if the observation was
   * edited here since, the server's copy is older: send the newer content as its update.
   */
  private async adoptExisting(
    e: SeriesEntry,
    item: OutgoingObservation,
    dims: readonly Dimension[],
    body: object,
    signal?: AbortSignal,
  ): Promise<{ ok: ServerObservation } | { refusal: ItemRefusal }> {
    const d = await this.detail(e, item.uuid, signal);
    if (d === null || 'refused' in d) {
      return {
        refusal: {
          uuid: item.uuid,
          index: null,
          field: 'uuid',
          message: 'This identifier is already used on the server by an observation of another series.',
        },
      };
    }
    if (sameAsSent(d.observation, item, dims)) return { ok: d.observation };
    const { spatial_object: _object, ...rest } = body as { spatial_object?: unknown };
    const updated = await this.write('put', e, { ...rest, wkt: d.raw.wkt }, signal);
    if ('ok' in updated) return updated;
    return { refusal: { uuid: item.uuid, index: null, field: fieldOf(updated.message), message: updated.message } };
  }

  async update(
    item: OutgoingObservation,
    dims: readonly Dimension[],
    target: Target,
    _writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome> {
    const e = await this.entry(item.indicator);
    const current = await this.detail(e, item.uuid, signal);
    if (current === null) return { kind: 'stale', server: { deleted: { writeId: null } } };
    if ('refused' in current) return { kind: 'refused', message: current.refused, field: null, notEditable: 'area' };
    if (target.import === null || current.observation.import !== target.import) {
      return { kind: 'stale', server: { observation: current.observation } };
    }
    // The module rewrites the observation's spatial object from this WKT (shared by other
    // observations for a station or a city): always the server's own geometry, never a new one.
    const sent = await this.write('put', e, { ...this.body(e, item, dims), wkt: current.raw.wkt }, signal);
    if ('ok' in sent) return { kind: 'done', observation: sent.ok };
    if (sent.status === 400 && sent.message.includes(NOT_IN_SERIES)) {
      return { kind: 'stale', server: { deleted: { writeId: null } } };
    }
    return this.refusal(sent.status, sent.message);
  }

  private refusal(status: number, message: string): WriteOutcome {
    if (status === 403) return { kind: 'refused', message, field: null, notEditable: 'window' };
    if (status === 401)
      return {
        kind: 'refused',
        message,
        field: null,
        notEditable: NOT_ALLOWED_TO_ACCESS.test(message) ? 'area' : 'author',
      };
    return { kind: 'refused', message, field: fieldOf(message) };
  }

  async delete(target: Target, _writeId: string, signal?: AbortSignal): Promise<WriteOutcome> {
    const e = await this.entry(target.indicator);
    const current = await this.detail(e, target.uuid, signal);
    if (current === null) return { kind: 'stale', server: { deleted: { writeId: null } } };
    if ('refused' in current) return { kind: 'refused', message: current.refused, field: null, notEditable: 'area' };
    if (target.import === null || current.observation.import !== target.import) {
      return { kind: 'stale', server: { observation: current.observation } };
    }
    const res = await this.send('delete', this.observationPath(e, `/${encodeURIComponent(target.uuid)}`), {
      accept: [400, 403, 404],
      signal,
    });
    if (res.status === 200) return { kind: 'done', observation: null };
    if (res.status === 404) return { kind: 'stale', server: { deleted: { writeId: null } } };
    const message = apiMessage(res) ?? `Refused (${res.status}).`;
    if (res.status === 400 && DELETE_FAILED.test(message)) {
      // The module logs each deleted uuid once: one deleted before and created again cannot be deleted again.
      return {
        kind: 'refused',
        message:
          'The server cannot delete this observation: it was deleted once before and created again with the same ' +
          `identifier, and the server records a deletion only once. Ask an administrator to delete it. (Server: "${message}")`,
        field: null,
      };
    }
    return this.refusal(res.status, message);
  }

  async uploadMedia(
    target: Target,
    file: { bytes: Buffer; name: string; mime: string },
    _writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome> {
    // The module deletes the current media before it looks at the upload: never send an empty form.
    if (file.bytes.length === 0) return { kind: 'refused', message: 'The photo file is empty.', field: null };
    if (!(LIZMAP_MEDIA_TYPES as readonly string[]).includes(file.mime)) {
      return { kind: 'refused', message: 'This server accepts only JPEG, PNG and GIF photos.', field: null };
    }
    if (file.bytes.length > LIZMAP_MEDIA_MAX_BYTES) {
      return { kind: 'refused', message: 'This server accepts photos of at most 10,000,000 bytes.', field: null };
    }
    const e = await this.entry(target.indicator);
    const ext = file.mime === 'image/png' ? 'png' : file.mime === 'image/gif' ? 'gif' : 'jpg';
    const form = new FormData();
    // The module names the stored file after the uuid and the extension of the name sent.
    form.append('mediaFile', new Blob([new Uint8Array(file.bytes)], { type: file.mime }), `${target.uuid}.${ext}`);
    return this.mediaChange('post', e, target, '/uploadMedia', signal, form);
  }

  async deleteMedia(target: Target, _writeId: string, signal?: AbortSignal): Promise<WriteOutcome> {
    const e = await this.entry(target.indicator);
    return this.mediaChange('delete', e, target, '/deleteMedia', signal);
  }

  private async mediaChange(
    method: 'post' | 'delete',
    e: SeriesEntry,
    target: Target,
    action: string,
    signal: AbortSignal | undefined,
    form?: FormData,
  ): Promise<WriteOutcome> {
    const res = await this.send(method, this.observationPath(e, `/${encodeURIComponent(target.uuid)}${action}`), {
      ...(form ? { body: form } : {}),
      accept: [400, 403, 404],
      signal,
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
    if (res.status === 404) return { kind: 'stale', server: await this.fetch(target, signal) };
    if (res.status !== 200) return this.refusal(res.status, apiMessage(res) ?? `Refused (${res.status}).`);
    // The answer says nothing of the observation, whose version does not change: read its media URL.
    const after = await this.detail(e, target.uuid, signal);
    return { kind: 'done', observation: after && !('refused' in after) ? after.observation : null };
  }
}

type LizmapObservationT = z.infer<typeof LizmapObservation>;

/** The server's copy holds what the device sends (times to the second, values, the point). */
function sameAsSent(server: ServerObservation, item: OutgoingObservation, dims: readonly Dimension[]): boolean {
  if (server.timestamp !== item.timestamp.slice(0, 19)) return false;
  if ((server.end_timestamp ?? null) !== (item.endTimestamp ? item.endTimestamp.slice(0, 19) : null)) return false;
  const theirs = new Map(server.values.map((v) => [v.name, v.value]));
  if (!dims.every((d) => sameValue(theirs.get(d.code) ?? null, item.values[d.code] ?? null))) return false;
  // On a shared object the geometry is the object's; a point is the one sent.
  return item.objectId !== null || (Math.abs(server.x - item.x) < 1e-9 && Math.abs(server.y - item.y) < 1e-9);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a));
  return a === b;
}
