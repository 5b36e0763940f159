/**
 * Talking to the sync server directly over HTTP, as another device or an administrator would:
 * what the e2e tests use to check what the server holds and to make changes behind the app's back.
 */
import { randomUUID } from 'node:crypto';

export interface ServerObservation {
  id: number;
  uuid: string;
  indicator: string;
  import: number;
  timestamp: string;
  x: number;
  y: number;
  wkt: string | null;
  values: { name: string; type?: string; value: number | boolean | string | null }[];
  author: string | null;
}

export class ApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
    /** Each client is its own device. */
    readonly deviceId: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const res = await fetch(`${baseUrl}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    return new ApiClient(baseUrl, token, randomUUID());
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    withDevice = true,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(withDevice ? { deviceId: this.deviceId } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  }

  /** Every observation of an indicator as the server holds it (no deviceId: nothing is recorded). */
  async allObservations(indicator: string): Promise<ServerObservation[]> {
    const res = await this.request<ServerObservation[]>(
      'GET',
      `/indicator/${encodeURIComponent(indicator)}/observations`,
      undefined,
      false,
    );
    if (res.status !== 200) throw new Error(`observations of ${indicator}: HTTP ${res.status}`);
    return res.body;
  }

  async observation(uuid: string): Promise<ServerObservation> {
    const res = await this.request<ServerObservation>('GET', `/observation/${uuid}`);
    if (res.status !== 200) throw new Error(`observation ${uuid}: HTTP ${res.status}`);
    return res.body;
  }

  /** Edits an observation as another device would (based on the import it read). */
  async update(
    o: ServerObservation,
    values: Record<string, number | boolean | string | null>,
  ): Promise<ServerObservation> {
    const res = await this.request<ServerObservation[]>('PUT', '/observation/observations', {
      uuid: o.uuid,
      import: o.import,
      indicator: o.indicator,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      wkt: o.wkt,
      values: o.values.map((v) => ({ ...v, value: v.name in values ? values[v.name] : v.value })),
    });
    if (res.status !== 200) throw new Error(`update ${o.uuid}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body[0]!;
  }
}
