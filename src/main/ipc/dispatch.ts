/**
 * Validates and routes one IPC call to its handler. Pure Node: the Electron wiring
 * (register.ts) and the e2e harness both call this, so tests exercise the same path.
 */
import { channelSchema, checkArgs, type Handlers } from '../../shared/ipc';
import type { Envelope, GobsError } from '../../shared/errors';
import { reportedError } from '../errors';

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
  return reportedError(err, (e) => log(`IPC ${channel} failed`, e));
}

function defaultLog(msg: string, err: unknown): void {
  console.error(msg, err);
}
