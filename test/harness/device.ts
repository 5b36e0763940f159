/**
 * One desktop "device" for the browser: the main engineer's test desktop (real main core over a
 * temp data folder, plain-Node stand-ins for Electron-only services), plus the sinks through which
 * the browser harness forwards main's events to the page.
 */
import { createTestDesktop, type TestDesktop, type TestDesktopOptions } from '../helpers/desktop';
import { IPC_EVENTS } from '../../src/shared/ipc';

export type EventSink = (event: string, payload: unknown) => void;

export interface Device {
  desktop: TestDesktop;
  /** Where main's events go; the browser harness adds the page here. */
  sinks: Set<EventSink>;
  dispatch(channel: string, args: unknown): ReturnType<TestDesktop['core']['dispatch']>;
  close(): Promise<void>;
}

export async function createDevice(options: TestDesktopOptions = {}): Promise<Device> {
  // Tests drive syncs themselves: an automatic sync racing the scenario would make it flaky.
  const desktop = await createTestDesktop({ autoSync: false, ...options });
  const sinks = new Set<EventSink>();
  for (const event of IPC_EVENTS) {
    desktop.gobs.on(event, (payload) => {
      for (const sink of sinks) sink(event, payload);
    });
  }
  return {
    desktop,
    sinks,
    dispatch: (channel, args) => desktop.core.dispatch(channel, args),
    close: () => desktop.close(true),
  };
}
