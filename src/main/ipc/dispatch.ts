/**
 * Validates and routes one IPC call to its handler. Pure Node: the Electron wiring
 * (register.ts) and the e2e harness both call this, so tests exercise the same path.
 */
import { channelSchema, checkArgs, type Handlers } from '../../shared/ipc';
import { isGobsError, type Envelope, type GobsError } from '../../shared/errors';
import { AppError, machineError } from '../errors';

export type Dispatch = (channel: string, rawArgs: unknown) => Promise<Envelope<unknown>>;

export function createDispatcher(handlers: Handlers, log: (msg: string, err: unknown) => void = defaultLog): Dispatch {
  return async (channel, rawArgs) => {
    const schema = channelSchema(channel);
    const [ns, method] = channel.split('.');
    const handler = (handlers as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[
      ns ?? ''
    ]?.[method ?? ''];
    if (!schema || !handler) {
      return { ok: false, error: { code: 'invalid_argument', message: `Unknown channel ${channel}` } };
    }
    const parsed = checkArgs(schema, rawArgs);
    if (!parsed.ok) {
      const { message, field } = parsed;
      return { ok: false, error: { code: 'invalid_argument', message, ...(field ? { field } : {}) } };
    }
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toGobsError(err, channel, log) };
    }
  };
}

export function toGobsError(err: unknown, channel: string, log: (msg: string, err: unknown) => void): GobsError {
  if (err instanceof AppError) return err.toJSON();
  const machine = machineError(err);
  if (machine) return machine.toJSON();
  if (isGobsError(err)) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  // Unexpected: log the details in main, give the renderer a readable message only.
  log(`IPC ${channel} failed`, err);
  return { code: 'internal', message: 'Something went wrong in G-Obs. Details are in the application log.' };
}

function defaultLog(msg: string, err: unknown): void {
  console.error(msg, err);
}
