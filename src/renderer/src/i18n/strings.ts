/**
 * Every user-facing string of the renderer, in one place, so a French (or any) translation is
 * a copy of this object. Functions take the values they interpolate; no string concatenation
 * elsewhere in the UI.
 */
import type { ErrorCode } from '../../../shared/errors';

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export const strings = {
  appName: 'G-Obs Desktop',
  common: {
    loading: 'Loading…',
    retry: 'Retry',
    cancel: 'Cancel',
    close: 'Close',
    save: 'Save',
    back: 'Back',
    never: 'never',
    none: '—',
    unknownError: 'Something went wrong.',
  },
  nav: {
    main: 'Main',
    projects: 'Projects',
    conflicts: 'Conflicts',
    settings: 'Settings',
    logout: 'Log out',
    breadcrumb: 'Breadcrumb',
  },
  connect: {
    title: 'Connect to a G-Obs server',
    intro: 'Sign in to download your projects. Your password is sent to the server once and never stored.',
    serverUrl: 'Server URL',
    serverUrlHint: 'The API address, for example https://gobs.example.org/api',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    submitting: 'Logging in…',
    deviceId: 'Device ID',
    deviceIdHint: 'Identifies this computer to the server. It never changes.',
    sessionExpired: 'Your session has expired. Log in again: your unsent changes are kept.',
    sessionNotPersisted:
      'This computer has no secure key store: your session is kept in memory only and you will log in again after a restart.',
    offlineContinue: 'Continue offline',
  },
  errors: {
    invalid_argument: 'Please check this value.',
    unauthorized: 'Your session has expired or was revoked. Log in again.',
    invalid_credentials: 'Wrong username or password.',
    offline: 'The server cannot be reached. Check the address and your network connection.',
    bad_server: 'This address answers, but it is not a G-Obs server. Check the server URL (it usually ends with /api).',
    not_found: 'Not found. It may have been removed from the server.',
    forbidden: 'You are not allowed to do this.',
    conflict: 'This observation was changed on the server meanwhile.',
    rejected: 'The server refused this data.',
    busy: 'Another operation is running. Try again in a moment.',
    cancelled: 'Cancelled.',
    internal: 'Something went wrong in G-Obs. Details are in the application log.',
  } satisfies Record<ErrorCode, string>,
  projects: {
    title: 'Projects',
    refresh: 'Refresh from server',
    refreshing: 'Refreshing…',
    empty: 'No project yet. Refresh when you are online, or ask an administrator to give you access.',
    offlineNote: 'Offline: showing the projects stored on this computer.',
    lastSync: 'Last sync',
    waiting: 'Waiting to be sent',
    waitingCount: (n: number) => plural(n, 'change', 'changes'),
    sync: (label: string) => `Sync ${label}`,
    syncShort: 'Sync',
    open: (label: string) => `Open ${label}`,
    listLabel: 'Your projects',
  },
  status: {
    region: 'Status',
    online: 'Online',
    offline: 'Offline',
    syncing: 'Syncing',
    idle: 'Up to date',
    waiting: (n: number) => `${plural(n, 'change', 'changes')} waiting`,
    lastSync: (when: string) => `Last sync ${when}`,
    signedInAs: (user: string, server: string) => `${user} @ ${server}`,
    notSignedIn: 'Not signed in',
  },
  time: {
    justNow: 'just now',
    minutesAgo: (n: number) => `${n} min ago`,
    hoursAgo: (n: number) => `${n} h ago`,
  },
} as const;

export type Strings = typeof strings;
