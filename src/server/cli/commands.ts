import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type Readable, type Writable } from 'node:stream';
import { type ProjectExtent, Role } from '../../shared/api.js';
import {
  DEFAULT_DATA_DIR,
  copyFolderFiles,
  describeFolderImport,
  openStorage,
  type StorageOptions,
} from '../db/open.js';
import { migrate, schemaVersion } from '../db/migrate.js';
import { buildServer, normalisePublicUrl } from '../app.js';
import {
  addDocument,
  createIndicator,
  createProject,
  createUser,
  grantRole,
  linkIndicator,
  revokeUserSessions,
  SeedError,
  setPassword,
} from '../admin/seed.js';
import { seedDemo } from '../admin/demo.js';
import { parseExtent, setProjectExtent, setProjectGeopackage } from '../admin/projectFiles.js';
import { importCsv, exportCsv } from '../admin/csv.js';
import { deviceReport, observationDevices } from '../admin/devices.js';
import { DEFAULT_PURGE_EVERY_MS, purge } from '../admin/purge.js';
import { randomBytes } from 'node:crypto';

export class UsageError extends Error {}

export const USAGE = `usage: npm run server -- <command> [options]

commands:
  serve [--host 127.0.0.1] [--port 8765] [--public-url URL] [--trust-proxy ADDRS] [--log-level info] [--trace]
                                                              run the sync server: JSON request log on stdout (secrets
                                                              redacted); --public-url: the API as clients reach it
                                                              (required with --host 0.0.0.0; https makes the cookie Secure);
                                                              --trust-proxy: proxies whose X-Forwarded-For/-Proto count;
                                                              --trace: one timing line per request on stderr
  migrate                                                     apply database migrations
  user add <login> [--password-stdin]                         create a user (else a password is generated and printed)
  user grant <login> <projectKey> --role reader|writer|admin  give a user a role in a project
  user password <login> --password-stdin                      set a user's password (revokes their sessions)
  user logout <login>                                         revoke every session of a user
  project add <key> --label LABEL [--description TEXT]        create a project
  project link <projectKey> <indicatorCode>                   add an indicator to a project
  project geopackage <projectKey> <file.gpkg> | --remove      the project's layers for the desktop's offline map
  project extent <projectKey> <xmin,ymin,xmax,ymax> | --clear the area (degrees) the project's map opens on
  indicator add --from indicator.json                         create an indicator with its dimensions
  document add <indicatorCode> <file> --label L --type T      attach a document (preview|image|video|document|other)
  import <indicatorCode> <file.csv> [--as login]              import observations as one new import
  export <indicatorCode> [--output file.csv]                  export observations as CSV
  devices [--indicator code]                                  what each device holds, and how stale it is
  devices --observation <id|uuid>                             the design's view: which device holds it at which import
  purge                                                       delete expired sessions, stale sync batches and unreferenced files
                                                              (serve does it hourly)
  demo                                                        create the demo data (idempotent)

storage (every command):
  --data-dir DIR        embedded database folder (default .gobs-data/server)
  --database-url URL    PostgreSQL instead (or the DATABASE_URL environment variable)
  --media-dir DIR       media folder of earlier versions (which kept files on disk), copied into the
                        database when a command opens it (default <data-dir>/media, or .gobs-data/media)`;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** --trust-proxy: a hop count, `true`, or a comma-separated list of proxy addresses/CIDRs. */
function parseTrustProxy(raw: string | undefined): boolean | number | string[] | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (
    list.length === 0 ||
    list.some((a) => !/^[0-9a-fA-F.:/]+$/.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a))
  )
    throw new UsageError(
      `invalid --trust-proxy ${raw}: give a hop count, true, or proxy addresses (e.g. 127.0.0.1,10.0.0.0/8)`,
    );
  return list;
}

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Raw standard output, for data (export); the caller waits for it to drain before exiting. */
  output: Writable;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
}

/** Resolves once the stream drains; rejects if it fails first (a closed pipe: EPIPE). */
function waitDrain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

const storageOptions = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'media-dir': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...storageOptions, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function storage(values: Record<string, unknown>, env: NodeJS.ProcessEnv): StorageOptions {
  const url = values['database-url'] as string | undefined;
  const dir = values['data-dir'] as string | undefined;
  if (url && dir) throw new UsageError('give either --data-dir or --database-url, not both');
  // An explicit --data-dir wins over DATABASE_URL from the environment.
  const databaseUrl = url ?? (dir ? undefined : env.DATABASE_URL || undefined);
  return {
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dir ? { dataDir: dir } : {}),
    ...(values['media-dir'] ? { mediaDir: values['media-dir'] as string } : {}),
  };
}

function want(positionals: string[], n: number, what: string): string[] {
  if (positionals.length !== n) throw new UsageError(`expected ${what}`);
  return positionals;
}

async function readStdinLine(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    io.stdout(USAGE);
    return cmd ? 0 : 2;
  }
  const sub = ['user', 'project', 'indicator', 'document'].includes(cmd) ? rest.shift() : undefined;
  if (sub === undefined && ['user', 'project', 'indicator', 'document'].includes(cmd))
    throw new UsageError(`"${cmd}" needs a subcommand`);
  const key = sub ? `${cmd} ${sub}` : cmd;

  switch (key) {
    case 'serve': {
      const { values, positionals } = parse(rest, {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8765' },
        'public-url': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        trace: { type: 'boolean' },
      });
      want(positionals, 0, 'no arguments');
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${values.port}`);
      let publicUrl: string | undefined;
      try {
        publicUrl = values['public-url'] ? normalisePublicUrl(values['public-url']) : undefined;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      // Links in answers name the server: on a wildcard address the server cannot know its own name.
      if (!publicUrl && WILDCARD_HOSTS.has(values.host)) {
        throw new UsageError(
          `--public-url is required with --host ${values.host} (links in answers are built from it), e.g. --public-url https://gobs.example.org/api`,
        );
      }
      const logLevel = values['log-level'];
      if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
      const trustProxy = parseTrustProxy(values['trust-proxy']);
      const { db, where, files } = await openStorage(storage(values, io.env), { serving: true });
      for (const line of describeFolderImport(files)) io.stderr(line);
      const app = await buildServer({
        db,
        logger: logLevel === 'silent' ? false : { level: logLevel },
        ...(publicUrl ? { publicUrl } : {}),
        ...(trustProxy !== undefined ? { trustProxy } : {}),
        ...(values.trace ? { trace: (line: string) => io.stderr(line) } : {}),
        purgeEveryMs: DEFAULT_PURGE_EVERY_MS,
      });
      await app.listen({ host: values.host, port });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const host = values.host.includes(':') ? `[${values.host}]` : values.host;
      io.stdout(`Using the ${where}`);
      io.stdout(`G-Obs server listening on http://${host}:${actualPort}/api`);
      const shutdown = async () => {
        await app.close();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      return -1;
    }
    case 'migrate': {
      const { values, positionals } = parse(rest, {});
      want(positionals, 0, 'no arguments');
      const opts = storage(values, io.env);
      const { db } = await openStorage(opts, { migrateNow: false });
      try {
        const applied = await migrate(db);
        io.stdout(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
        io.stdout(`schema version ${await schemaVersion(db)}`);
        const folder =
          opts.mediaDir ?? path.join(opts.databaseUrl ? '.gobs-data' : (opts.dataDir ?? DEFAULT_DATA_DIR), 'media');
        for (const line of describeFolderImport(await copyFolderFiles(db, path.resolve(folder)))) io.stdout(line);
      } finally {
        await db.close();
      }
      return 0;
    }
    default:
      return withStorage(key, rest, io);
  }
}

async function withStorage(key: string, rest: string[], io: Io): Promise<number> {
  const specs: Record<string, NonNullable<ParseArgsConfig['options']>> = {
    'user add': { 'password-stdin': { type: 'boolean' } },
    'user grant': { role: { type: 'string' } },
    'user password': { 'password-stdin': { type: 'boolean' } },
    'user logout': {},
    'project add': { label: { type: 'string' }, description: { type: 'string' } },
    'project link': {},
    'project geopackage': { remove: { type: 'boolean' } },
    'project extent': { clear: { type: 'boolean' } },
    'indicator add': { from: { type: 'string' } },
    'document add': { label: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' } },
    import: { as: { type: 'string' } },
    export: { output: { type: 'string' } },
    devices: { indicator: { type: 'string' }, observation: { type: 'string' } },
    demo: {},
    purge: {},
  };
  const spec = specs[key];
  if (!spec) throw new UsageError(`unknown command "${key}"`);
  const { values, positionals } = parse(rest, spec);
  const v = values as Record<string, string | boolean | undefined>;

  // Validate arguments before opening the database, so usage errors are fast and touch nothing.
  let password: string | undefined;
  let indicatorJson: unknown;
  let extent: ProjectExtent | null = null;
  switch (key) {
    case 'user add':
      want(positionals, 1, '<login>');
      password = v['password-stdin'] ? await readStdinLine(io.stdin) : undefined;
      if (v['password-stdin'] && !password) throw new UsageError('empty password on stdin');
      break;
    case 'user password':
      want(positionals, 1, '<login>');
      if (!v['password-stdin'])
        throw new UsageError('--password-stdin is required (never pass a password as an argument)');
      password = await readStdinLine(io.stdin);
      if (!password) throw new UsageError('empty password on stdin');
      break;
    case 'user logout':
      want(positionals, 1, '<login>');
      break;
    case 'user grant':
      want(positionals, 2, '<login> <projectKey>');
      if (!Role.safeParse(v.role).success) throw new UsageError('--role must be reader, writer or admin');
      break;
    case 'project add':
      want(positionals, 1, '<key>');
      if (!v.label) throw new UsageError('--label is required');
      break;
    case 'project link':
      want(positionals, 2, '<projectKey> <indicatorCode>');
      break;
    case 'project geopackage':
      want(positionals, v.remove ? 1 : 2, v.remove ? '<projectKey> --remove' : '<projectKey> <file.gpkg>');
      break;
    case 'project extent':
      want(positionals, v.clear ? 1 : 2, v.clear ? '<projectKey> --clear' : '<projectKey> <xmin,ymin,xmax,ymax>');
      if (!v.clear) {
        try {
          extent = parseExtent(positionals[1]!);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      break;
    case 'indicator add':
      want(positionals, 0, 'no positional arguments');
      if (!v.from) throw new UsageError('--from indicator.json is required');
      try {
        indicatorJson = JSON.parse(fs.readFileSync(v.from as string, 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read ${v.from}: ${(err as Error).message}`);
      }
      break;
    case 'document add':
      want(positionals, 2, '<indicatorCode> <file>');
      if (!v.label || !v.type) throw new UsageError('--label and --type are required');
      break;
    case 'import':
      want(positionals, 2, '<indicatorCode> <file.csv>');
      if (!fs.existsSync(positionals[1]!)) throw new UsageError(`no such file ${positionals[1]}`);
      break;
    case 'export':
      want(positionals, 1, '<indicatorCode>');
      break;
    default:
      want(positionals, 0, 'no positional arguments');
  }

  const { db, files } = await openStorage(storage(values, io.env));
  for (const line of describeFolderImport(files)) io.stderr(line);
  try {
    const [a, b] = positionals as [string, string];
    switch (key) {
      case 'user add': {
        const pw = password ?? randomBytes(12).toString('base64url');
        await createUser(db, a, pw);
        io.stdout(password ? `user ${a} created` : `user ${a} created with password: ${pw}`);
        break;
      }
      case 'user password':
        await setPassword(db, a, password!);
        io.stdout(`password of ${a} changed; ${await revokeUserSessions(db, a)} session(s) revoked`);
        break;
      case 'user logout':
        io.stdout(`${await revokeUserSessions(db, a)} session(s) of ${a} revoked`);
        break;
      case 'user grant':
        await grantRole(db, a, b, v.role as Role);
        io.stdout(`${a} is ${v.role} of ${b}`);
        break;
      case 'project add':
        await createProject(db, { key: a, label: v.label as string, description: (v.description as string) ?? null });
        io.stdout(`project ${a} created`);
        break;
      case 'project link':
        await linkIndicator(db, a, b);
        io.stdout(`indicator ${b} linked to project ${a}`);
        break;
      case 'project geopackage':
        if (v.remove) {
          await setProjectGeopackage(db, a, null);
          io.stdout(`project ${a} has no GeoPackage`);
        } else {
          const size = await setProjectGeopackage(db, a, b);
          io.stdout(`GeoPackage of project ${a} set (${size} bytes)`);
        }
        break;
      case 'project extent':
        await setProjectExtent(db, a, extent);
        io.stdout(extent ? `extent of project ${a} set` : `project ${a} has no extent`);
        break;
      case 'indicator add': {
        const r = await createIndicator(db, indicatorJson as never);
        io.stdout(`indicator ${r.code} created (id ${r.id})`);
        break;
      }
      case 'document add': {
        const r = await addDocument(db, {
          indicator: a,
          file: b,
          label: v.label as string,
          type: v.type as never,
          description: (v.description as string) ?? null,
        });
        io.stdout(`document ${r.uuid} added to ${a}`);
        break;
      }
      case 'import': {
        const r = await importCsv(db, { indicator: a, csv: fs.readFileSync(b, 'utf8'), as: (v.as as string) ?? null });
        io.stdout(`import ${r.importId}: ${r.created} created, ${r.updated} updated`);
        break;
      }
      case 'export': {
        const file = v.output ? fs.createWriteStream(v.output as string) : null;
        const out = file ?? io.output;
        // Honour backpressure: a slow pipe (`| wc -l`) holds the export back instead of filling memory.
        const n = await exportCsv(db, a, (chunk) => (out.write(chunk) ? undefined : waitDrain(out)));
        if (file) {
          await new Promise<void>((res, rej) => file.end((err?: Error | null) => (err ? rej(err) : res())));
          io.stderr(`${n} observations exported to ${v.output}`);
        }
        break;
      }
      case 'devices': {
        const lines = v.observation
          ? await observationDevices(db, v.observation as string)
          : await deviceReport(db, (v.indicator as string) ?? null);
        for (const line of lines) io.stdout(line);
        break;
      }
      case 'purge': {
        const r = await purge(db);
        io.stdout(
          `purged ${r.sessions} expired or revoked session(s), ${r.batches} stale sync batch(es), ${r.files} unreferenced file(s)`,
        );
        break;
      }
      case 'demo': {
        const created = await seedDemo(db);
        io.stdout(
          created
            ? 'demo data created: users demo/demo (writer) and analyst/analyst (reader)'
            : 'demo data already present',
        );
        break;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof SeedError) {
      io.stderr(`error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}
