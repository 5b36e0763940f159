/**
 * A tiny client of the G-Obs module API, for tests that act as another person on the stand-in
 * (or check it). It speaks the API as documented in README.md: Bearer token, one observation per
 * POST, multipart field mediaFile.
 */
import { PROJECTS } from './fixtures.js';

export interface StandinResponse<T = unknown> {
  status: number;
  /** Parsed JSON when the answer is JSON, else the raw bytes. */
  body: T;
  headers: Headers;
}

export interface SyncDates {
  lastSyncDate?: string;
  requestSyncDate?: string;
}

/** The observation a client sends (POST: without uuid or with a lowercase v4 one; PUT: with its uuid). */
export interface ObservationInput {
  series: number;
  indicator: string;
  start_timestamp: string;
  end_timestamp?: string | null;
  wkt?: string | null;
  spatial_object?: { layer_code: string; unique_id: string } | null;
  values: unknown[];
  uuid?: string | null;
  [extra: string]: unknown;
}

export class StandinClient {
  constructor(
    /** …/gobsapi.php */
    readonly baseUrl: string,
    public token: string | null,
    /** Project key used when a call does not name one. */
    readonly projectKey: string = PROJECTS.a,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    opts: { json?: unknown; body?: FormData | string | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<StandinResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('application/json') ? (JSON.parse(bytes.toString('utf8')) as T) : (bytes as T);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  private series(seriesId: number, projectKey?: string) {
    return `/project/${projectKey ?? this.projectKey}/series/${seriesId}`;
  }

  private syncHeaders(dates: SyncDates = {}): Record<string, string> {
    const h: Record<string, string> = {};
    if (dates.lastSyncDate !== undefined) h['lastSyncDate'] = dates.lastSyncDate;
    if (dates.requestSyncDate !== undefined) h['requestSyncDate'] = dates.requestSyncDate;
    return h;
  }

  projects() {
    return this.request('GET', '/user/projects');
  }

  project(projectKey?: string) {
    return this.request('GET', `/project/${projectKey ?? this.projectKey}`);
  }

  projectSeries(projectKey?: string) {
    return this.request('GET', `/project/${projectKey ?? this.projectKey}/series`);
  }

  getSeries(seriesId: number, projectKey?: string) {
    return this.request('GET', this.series(seriesId, projectKey));
  }

  observations(seriesId: number, dates?: SyncDates, projectKey?: string) {
    return this.request<Record<string, unknown>[]>('GET', `${this.series(seriesId, projectKey)}/observations`, {
      headers: this.syncHeaders(dates),
    });
  }

  deletedObservations(seriesId: number, dates?: SyncDates, projectKey?: string) {
    return this.request<string[]>('GET', `${this.series(seriesId, projectKey)}/deletedObservations`, {
      headers: this.syncHeaders(dates),
    });
  }

  getObservation(seriesId: number, uuid: string, projectKey?: string) {
    return this.request<Record<string, unknown>>('GET', `${this.series(seriesId, projectKey)}/observation/${uuid}`);
  }

  createObservation(seriesId: number, observation: ObservationInput, projectKey?: string) {
    return this.request<Record<string, unknown>>('POST', `${this.series(seriesId, projectKey)}/observation`, {
      json: observation,
    });
  }

  updateObservation(seriesId: number, observation: ObservationInput, projectKey?: string) {
    return this.request<Record<string, unknown>>('PUT', `${this.series(seriesId, projectKey)}/observation`, {
      json: observation,
    });
  }

  deleteObservation(seriesId: number, uuid: string, projectKey?: string) {
    return this.request('DELETE', `${this.series(seriesId, projectKey)}/observation/${uuid}`);
  }

  /** Multipart field mediaFile; pass `null` bytes to send a form without a file. */
  uploadMedia(seriesId: number, uuid: string, bytes: Buffer | null, filename = 'photo.jpg', projectKey?: string) {
    const form = new FormData();
    if (bytes) form.append('mediaFile', new Blob([new Uint8Array(bytes)]), filename);
    else form.append('mediaDate', '2025-06-02 10:00:00');
    return this.request('POST', `${this.series(seriesId, projectKey)}/observation/${uuid}/uploadMedia`, { body: form });
  }

  media(seriesId: number, uuid: string, projectKey?: string) {
    return this.request<Buffer>('GET', `${this.series(seriesId, projectKey)}/observation/${uuid}/media`);
  }

  deleteMedia(seriesId: number, uuid: string, projectKey?: string) {
    return this.request('DELETE', `${this.series(seriesId, projectKey)}/observation/${uuid}/deleteMedia`);
  }

  logout() {
    return this.request('GET', '/user/logout');
  }
}
