/**
 * The IPC contract: every channel between renderer and main, in one place.
 *
 * Each channel has a zod schema for its single argument (validated in main, since the
 * renderer is untrusted) and a phantom result type. Main must supply a handler for every
 * channel (see `Handlers`), preload builds `window.gobs` from this object (see bridge.ts),
 * and the renderer gets the types through `GobsApi`. Adding a channel = adding an entry here;
 * the compiler then points at the missing handler.
 */
import { z } from 'zod';

interface Channel<A extends z.ZodType, R> {
  readonly args: A;
  /** Phantom: never read at run time, only carries the result type. */
  readonly result?: R;
}

function channel<R>() {
  return <A extends z.ZodType>(args: A): Channel<A, R> => ({ args });
}

const none = z.undefined();

// ---- payload schemas and result types -------------------------------------------------

export const LoginArgs = z.object({
  serverUrl: z
    .string()
    .trim()
    .min(1, 'Server URL is required')
    .max(2048)
    .refine((s) => /^https?:\/\/[^\s/]+/i.test(s), 'Server URL must start with http:// or https://'),
  username: z.string().trim().min(1, 'Username is required').max(200),
  password: z.string().min(1, 'Password is required').max(1024),
});
export type LoginArgs = z.infer<typeof LoginArgs>;

export interface AuthStatus {
  /** API base URL of the account in use, or null before the first login. */
  serverUrl: string | null;
  username: string | null;
  deviceId: string;
  loggedIn: boolean;
  online: boolean;
  /** False when the OS offers no secret store: the session then lives only in memory. */
  sessionPersisted: boolean;
}

export interface ProjectSummary {
  key: string;
  label: string;
  description: string | null;
  mediaUrl: string | null;
  /** ISO time of the last successful refresh/sync from the server, or null. */
  refreshedAt: string | null;
}

export interface ProjectsRefreshResult {
  projects: ProjectSummary[];
  online: boolean;
}

// ---- the contract -------------------------------------------------------------------

export const ipcContract = {
  auth: {
    login: channel<AuthStatus>()(LoginArgs),
    logout: channel<AuthStatus>()(none),
    status: channel<AuthStatus>()(none),
  },
  projects: {
    list: channel<ProjectSummary[]>()(none),
    refresh: channel<ProjectsRefreshResult>()(none),
  },
} as const;

/** Events pushed from main to the renderer (no request). */
export interface IpcEvents {
  'auth.changed': AuthStatus;
}
export const IPC_EVENTS = ['auth.changed'] as const satisfies readonly (keyof IpcEvents)[];

// ---- derived types ---------------------------------------------------------------------

export type Contract = typeof ipcContract;
export type Namespace = keyof Contract;
export type ArgsOf<C> = C extends Channel<infer A, unknown> ? z.infer<A> : never;
export type InputOf<C> = C extends Channel<infer A, unknown> ? z.input<A> : never;
export type ResultOf<C> = C extends Channel<z.ZodType, infer R> ? R : never;

/** What main implements: one handler per channel, receiving the validated argument. */
export type Handlers = {
  [N in Namespace]: {
    [M in keyof Contract[N]]: (args: ArgsOf<Contract[N][M]>) => Promise<ResultOf<Contract[N][M]>>;
  };
};

type Method<C> = undefined extends InputOf<C>
  ? (args?: InputOf<C>) => Promise<ResultOf<C>>
  : (args: InputOf<C>) => Promise<ResultOf<C>>;

/** What the renderer sees as `window.gobs`. Methods reject with a `GobsError`. */
export type GobsApi = {
  [N in Namespace]: { [M in keyof Contract[N]]: Method<Contract[N][M]> };
} & {
  /** Subscribe to an event from main; returns the unsubscribe function. */
  on<E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
};

/** `auth.login` etc.: the wire name of every channel, derived from the contract. */
export function channelNames(): string[] {
  return Object.entries(ipcContract).flatMap(([ns, methods]) =>
    Object.keys(methods).map((m) => `${ns}.${m}`),
  );
}

export function channelSchema(name: string): z.ZodType | undefined {
  const [ns, m] = name.split('.');
  const methods = (ipcContract as Record<string, Record<string, Channel<z.ZodType, unknown>>>)[ns ?? ''];
  return methods?.[m ?? '']?.args;
}

export const IPC_PREFIX = 'gobs:';
