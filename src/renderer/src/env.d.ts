import type { GobsApi } from '../../shared/ipc';

declare global {
  interface Window {
    /** The only door to main: built by preload (or the e2e harness) from the IPC contract. */
    readonly gobs: GobsApi;
  }
}

export {};
