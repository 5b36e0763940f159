/** Small HTTP client for the server tests: real fetch against the real server. */
export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    public token: string | null = null,
    public deviceId: string | null = null,
  ) {}

  async req<T = unknown>(
    method: string,
    path: string,
    opts: {
      json?: unknown;
      body?: string | Uint8Array | FormData | Blob;
      headers?: Record<string, string>;
      auth?: boolean;
    } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.token && opts.auth !== false) headers.authorization = `Bearer ${this.token}`;
    if (this.deviceId && !('deviceId' in headers)) headers.deviceId = this.deviceId;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.req<T>('GET', path, headers ? { headers } : {});
  }

  async login(username: string, password: string): Promise<this> {
    const r = await this.req<{ token: string }>('POST', '/user/login', { json: { username, password }, auth: false });
    if (r.status !== 200) throw new Error(`login failed ${r.status} ${r.text}`);
    this.token = r.body.token;
    return this;
  }
}

export interface PullRes<T> {
  status: number;
  items: T;
  token: string | null;
  remaining: number | null;
  body: unknown;
}

/** One pull request of the sync protocol (observations or deletedObservations). */
export async function pull<T = unknown[]>(
  c: Client,
  code: string,
  opts: { ack?: string | null; limit?: number; kind?: 'observations' | 'deletedObservations' } = {},
): Promise<PullRes<T>> {
  const headers: Record<string, string> = {};
  if (opts.ack) headers['X-Gobs-Ack'] = opts.ack;
  const qs = opts.limit ? `?limit=${opts.limit}` : '';
  const r = await c.get<T>(`/indicator/${code}/${opts.kind ?? 'observations'}${qs}`, headers);
  const rem = r.headers.get('x-gobs-remaining');
  return {
    status: r.status,
    items: r.body,
    token: r.headers.get('x-gobs-sync-token'),
    remaining: rem === null ? null : Number(rem),
    body: r.body,
  };
}

/** Pulls and acknowledges until an empty batch; returns everything received. */
export async function syncAll<T = { uuid: string }>(
  c: Client,
  code: string,
  opts: { limit?: number; kind?: 'observations' | 'deletedObservations'; ack?: string | null } = {},
): Promise<{ items: T[]; token: string | null; requests: number }> {
  let ack = opts.ack ?? null;
  const out: T[] = [];
  for (let n = 1; n < 10_000; n++) {
    const r = await pull<T[]>(c, code, { ...opts, ack });
    if (r.status !== 200) throw new Error(`pull failed ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.items);
    ack = r.token;
    if (r.items.length === 0) return { items: out, token: ack, requests: n };
  }
  throw new Error('sync did not converge');
}
