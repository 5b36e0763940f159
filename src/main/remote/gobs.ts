/**
 * The client of our own sync server (docs/PROTOCOL.md, docs/api/openapi.yaml): device-aware pulls
 * acknowledged by token, pushes idempotent by uuid, changes checked against their base import, and
 * write ids. Every answer is validated with the shared schemas before anything trusts it.
 */
import type { AxiosResponse } from 'axios';
import { z } from 'zod';
import {
  ACK_HEADER,
  ApiErrorResponse,
  ConflictResponse,
  DeletedObservations,
  Indicator,
  MediaResponse,
  NotFoundResponse,
  Observation,
  Project,
  PUSH_MAX_ITEMS,
  REMAINING_HEADER,
  SYNC_TOKEN_HEADER,
  WRITE_ID_HEADER,
  WriteStatusResponse,
} from '../../shared/api';
import type { Dimension } from '../../shared/ipc';
import { AppError } from '../errors';
import { type HttpClient, ServerError, TRANSFER_TIMEOUT_MS } from './http';
import type {
  CreateOutcome,
  Download,
  OutgoingObservation,
  PullPage,
  ServerClient,
  ServerSide,
  Target,
  WriteOutcome,
} from './types';

const TOKEN = SYNC_TOKEN_HEADER.toLowerCase();
const REMAINING = REMAINING_HEADER.toLowerCase();

/** The wire form of an observation to create or update: values typed by their dimension. */
export function toWire(o: OutgoingObservation, dims: readonly Dimension[]) {
  const byCode = new Map(dims.map((d) => [d.code, d.type]));
  return {
    uuid: o.uuid,
    indicator: o.indicator,
    timestamp: o.timestamp,
    x: o.x,
    y: o.y,
    ...(o.wkt ? { wkt: o.wkt } : {}),
    values: Object.entries(o.values).map(([name, value]) => ({ name, type: byCode.get(name) ?? typeof value, value })),
  };
}

function message(res: AxiosResponse, fallback: string): string {
  const body = ApiErrorResponse.safeParse(res.data);
  return body.success ? body.data.message : fallback;
}

export class GobsClient implements ServerClient {
  readonly kind = 'gobs-sync' as const;
  /** The server stores a batch in one transaction (all or nothing). */
  readonly createBatchSize = PUSH_MAX_ITEMS;

  constructor(private readonly http: HttpClient) {}

  get baseUrl(): string {
    return this.http.options.baseUrl;
  }

  async logout(): Promise<void> {
    await this.http.raw('get', '/user/logout', { accept: [401] });
  }

  async projects(signal?: AbortSignal, timeoutMs?: number) {
    const q = { schema: z.array(Project), ...(signal ? { signal } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    return (await this.http.request('get', '/user/projects', q)).data;
  }

  async project(key: string, signal?: AbortSignal) {
    return (await this.http.request('get', `/project/${encodeURIComponent(key)}`, { schema: Project, signal })).data;
  }

  async indicators(projectKey: string, signal?: AbortSignal) {
    const path = `/project/${encodeURIComponent(projectKey)}/indicators`;
    return (await this.http.request('get', path, { schema: z.array(Indicator), signal })).data;
  }

  async download(url: string, signal?: AbortSignal): Promise<Download> {
    const res = await this.http.raw('get', url, {
      responseType: 'arraybuffer',
      signal,
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
    return {
      bytes: Buffer.from(res.data as ArrayBuffer),
      contentType: res.headers['content-type'] as string | undefined,
    };
  }

  pullObservations(indicator: string, cursor: string | null, limit: number, signal?: AbortSignal) {
    return this.pull(
      `/indicator/${encodeURIComponent(indicator)}/observations`,
      z.array(Observation),
      cursor,
      limit,
      signal,
    );
  }

  pullDeletions(indicator: string, cursor: string | null, limit: number, signal?: AbortSignal) {
    return this.pull(
      `/indicator/${encodeURIComponent(indicator)}/deletedObservations`,
      DeletedObservations,
      cursor,
      limit,
      signal,
    );
  }

  /** One batch; the cursor is the previous batch's token, which this request acknowledges. */
  private async pull<T>(
    path: string,
    schema: z.ZodType<T[]>,
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
  ): Promise<PullPage<T>> {
    let ack = cursor;
    for (;;) {
      const res = await this.http.raw('get', path, {
        query: { limit },
        headers: ack ? { [ACK_HEADER]: ack } : {},
        accept: ack ? [400, 403] : [],
        signal,
      });
      if (res.status === 400 || res.status === 403) {
        // The server no longer knows our token (its data was reset, say): it resends what we lack.
        ack = null;
        continue;
      }
      const items = schema.safeParse(res.data);
      if (!items.success) throw new AppError('bad_server', `The server sent a malformed answer to GET ${path}.`);
      const token = (res.headers[TOKEN] as string | undefined) ?? null;
      const remaining = Number(res.headers[REMAINING] ?? NaN);
      return {
        items: items.data,
        cursor: items.data.length > 0 ? token : null,
        remaining: Number.isFinite(remaining) ? remaining : null,
        // A server without tokens sends everything at once.
        last: token === null,
      };
    }
  }

  async create(
    items: readonly OutgoingObservation[],
    dims: readonly Dimension[],
    writeId: string,
    signal?: AbortSignal,
  ): Promise<CreateOutcome> {
    const res = await this.http.raw('post', '/observation/observations', {
      body: items.map((o) => toWire(o, dims)),
      headers: { [WRITE_ID_HEADER]: writeId },
      accept: [400, 403, 409],
      signal,
    });
    if (res.status === 200 || res.status === 201) {
      const stored = z.array(Observation).safeParse(res.data);
      if (!stored.success) throw new AppError('bad_server', 'The server answered the push with an unexpected body.');
      return { kind: 'done', observations: stored.data };
    }
    const msg = message(res, `The server refused these observations (${res.status}).`);
    if (res.status === 409) {
      const body = ConflictResponse.safeParse(res.data);
      return { kind: 'exists', message: msg, uuid: body.success ? (body.data.uuid ?? null) : null };
    }
    const body = ApiErrorResponse.safeParse(res.data);
    const errors = body.success ? (body.data.errors ?? []) : [];
    return {
      kind: 'refused',
      message: msg,
      forbidden: res.status === 403,
      items: errors.map((e) => ({ uuid: e.uuid, index: e.index, field: e.field, message: e.message })),
    };
  }

  async update(
    item: OutgoingObservation,
    dims: readonly Dimension[],
    target: Target,
    writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome> {
    const res = await this.http.raw('put', '/observation/observations', {
      body: { ...toWire(item, dims), id: target.id, import: target.import },
      headers: { [WRITE_ID_HEADER]: writeId },
      accept: [400, 403, 404, 409],
      signal,
    });
    if (res.status === 200) {
      const stored = z.array(Observation).min(1).safeParse(res.data);
      if (!stored.success) throw new AppError('bad_server', 'The server answered the update with an unexpected body.');
      return { kind: 'done', observation: stored.data[0]! };
    }
    if (res.status === 409 || res.status === 404)
      return { kind: 'stale', server: await this.sideOf(target, res, signal) };
    const body = ApiErrorResponse.safeParse(res.data);
    const first = body.success ? body.data.errors?.[0] : undefined;
    return {
      kind: 'refused',
      message: first?.message ?? message(res, `Refused (${res.status}).`),
      field: first?.field ?? null,
    };
  }

  async delete(target: Target, writeId: string, signal?: AbortSignal): Promise<WriteOutcome> {
    const res = await this.http.raw('delete', `/observation/${target.id ?? target.uuid}`, {
      query: target.import !== null ? { import: target.import } : {},
      headers: { [WRITE_ID_HEADER]: writeId },
      accept: [403, 404, 409],
      signal,
    });
    if (res.status === 200 || res.status === 204) return { kind: 'done', observation: null };
    if (res.status === 409 || res.status === 404)
      return { kind: 'stale', server: await this.sideOf(target, res, signal) };
    return { kind: 'refused', message: message(res, 'You may not delete this observation.'), field: null };
  }

  uploadMedia(
    target: Target,
    file: { bytes: Buffer; name: string; mime: string },
    writeId: string,
    signal?: AbortSignal,
  ): Promise<WriteOutcome> {
    const form = new FormData();
    form.append('mediaFile', new Blob([file.bytes], { type: file.mime }), file.name);
    return this.mediaChange('post', `/observation/${target.id}/uploadMedia`, target, writeId, signal, form);
  }

  deleteMedia(target: Target, writeId: string, signal?: AbortSignal): Promise<WriteOutcome> {
    return this.mediaChange('delete', `/observation/${target.id}/deleteMedia`, target, writeId, signal);
  }

  private async mediaChange(
    method: 'post' | 'delete',
    path: string,
    target: Target,
    writeId: string,
    signal: AbortSignal | undefined,
    body?: FormData,
  ): Promise<WriteOutcome> {
    const res = await this.http.raw(method, path, {
      ...(body ? { body } : {}),
      query: target.import !== null ? { import: target.import } : {},
      headers: { [WRITE_ID_HEADER]: writeId },
      accept: [400, 403, 404, 409, 413, 415],
      signal,
      // Up to 10 MB from the field, possibly over a slow uplink.
      timeoutMs: TRANSFER_TIMEOUT_MS,
    });
    if (res.status === 200) {
      const answer = MediaResponse.safeParse(res.data);
      return { kind: 'done', observation: answer.success ? answer.data.observation : null };
    }
    const gone = res.status === 404 ? NotFoundResponse.safeParse(res.data) : null;
    // Removing a photo the server no longer has is done too.
    if (method === 'delete' && res.status === 404 && !(gone?.success && gone.data.deleted)) {
      return { kind: 'done', observation: null };
    }
    if (res.status === 409 || res.status === 404)
      return { kind: 'stale', server: await this.sideOf(target, res, signal) };
    return { kind: 'refused', message: message(res, `Refused (${res.status}).`), field: null };
  }

  /** The server's side of a refused change: from the answer when it carries it, else asked for. */
  private async sideOf(target: Target, res: AxiosResponse, signal?: AbortSignal): Promise<ServerSide> {
    if (res.status === 409) {
      const body = ConflictResponse.safeParse(res.data);
      if (body.success && body.data.observation) return { observation: body.data.observation };
    } else {
      const gone = NotFoundResponse.safeParse(res.data);
      if (gone.success && gone.data.deleted) return { deleted: { writeId: gone.data.deleted.write_id } };
    }
    return this.fetch(target, signal);
  }

  async fetch(target: Pick<Target, 'id' | 'uuid' | 'indicator'>, signal?: AbortSignal): Promise<ServerSide> {
    try {
      const { data } = await this.http.request('get', `/observation/${target.id ?? target.uuid}`, {
        schema: Observation,
        signal,
      });
      return { observation: data };
    } catch (err) {
      if (err instanceof ServerError && err.status === 404) {
        const gone = NotFoundResponse.safeParse(err.body);
        return { deleted: { writeId: gone.success && gone.data.deleted ? gone.data.deleted.write_id : null } };
      }
      throw err;
    }
  }

  async committedWrites(writeIds: readonly string[], signal?: AbortSignal): Promise<ReadonlySet<string>> {
    try {
      const { data } = await this.http.request('post', '/observation/writeStatus', {
        schema: WriteStatusResponse,
        body: { write_ids: writeIds },
        signal,
      });
      return new Set(data.committed.map((w) => w.toLowerCase()));
    } catch (err) {
      // A server without write ids cannot have recorded ours.
      if (err instanceof ServerError && err.status === 404) return new Set();
      throw err;
    }
  }
}
