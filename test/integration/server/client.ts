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
    opts: { json?: unknown; body?: string | Uint8Array | FormData | Blob; headers?: Record<string, string>; auth?: boolean } = {},
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
