/**
 * The HTTP side of the stand-in: Lizmap's `gobsapi.php` entry point with the routes and checks of
 * the G-Obs module 0.9 (controllers apiController, user, project, series, observation, app), plus
 * the few plain Lizmap pages a client may probe. See README.md for what comes from where.
 */
import fs from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type StandinClock, isValidSyncDate } from './clock.js';
import type { Sql, Storage } from './database.js';
import { sniffImage } from './images.js';
import {
  type LizmapUser,
  type ProjectProperties,
  type RawSeries,
  type StoredObservation,
  UUID_V4,
  checkPassword,
  createToken,
  deleteObservation,
  deleteToken,
  deletedObservations,
  getOrCreateActor,
  getUser,
  insertOnSpatialObject,
  insertWithWkt,
  listObservations,
  loginForToken,
  observationByUuid,
  projectKeysForGroups,
  projectProperties,
  seriesById,
  spatialObjectByCode,
  updateObservation,
  uuidExists,
  wktInsideArea,
} from './model.js';

export interface StandinServerOptions {
  storage: Storage;
  clock: StandinClock;
  /** Lizmap's media root: gobsapi/{geopackage,illustration,documents,observations} below it. */
  mediaRoot: string;
  tokenLifetimeSeconds: number;
  /** false: a Lizmap without the G-Obs module (gobsapi.php does not exist). */
  gobs: boolean;
  /** Origin written in the URLs of answers; by default the one the request came to (Host header). */
  publicOrigin: () => string | null;
  logger?: boolean;
}

const MEDIA_EXTENSIONS = ['jpg', 'jpeg', 'png', 'gif'];
const MEDIA_MAX_BYTES = 10_000_000;
const FORM_ERROR =
  'An error occured while initializing the form: media mime type must be jpg, jpeg, png or gif and the media size must be under 10Mo';
const NOT_GOBS_PROJECT =
  'The project is not a valid G-Osb project : no series found, or there is no corresponding project views for the authenticated user';

/** An error answer of the module: `{"code":0,"status":"error","message":…}` with this HTTP status. */
class ApiError extends Error {
  constructor(
    readonly http: number,
    message: string,
  ) {
    super(message);
  }
}

function sendApi(reply: FastifyReply, http: number, status: 'error' | 'success', message: string) {
  return reply
    .code(http)
    .type('application/json')
    .send(JSON.stringify({ code: status === 'success' ? 1 : 0, status, message }));
}

function sendJson(reply: FastifyReply, data: unknown) {
  return reply.code(200).type('application/json').send(JSON.stringify(data));
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  txt: 'text/plain',
  pdf: 'application/pdf',
  gpkg: 'application/geopackage+vnd.sqlite3',
};

function mimeOf(file: string): string {
  const sniffed = sniffImage(fs.readFileSync(file).subarray(0, 16));
  if (sniffed) return `image/${sniffed}`;
  return MIME_BY_EXTENSION[path.extname(file).slice(1).toLowerCase()] ?? 'application/octet-stream';
}

// PHP's DateTime::createFromFormat for the three formats Observation::isValidDate accepts.
function isValidObservationDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(.*)$/.exec(value);
  if (!m) return false;
  const [, day, time, rest] = m as unknown as [string, string, string, string];
  const separatorT = value[10] === 'T';
  if (rest !== '' && !(separatorT && /^[+-](0\d|1[0-4]):[0-5]\d$/.test(rest))) return false;
  return isValidSyncDate(`${day} ${time}`);
}

// Observation::isValidWkt: once the type words are removed, only numbers and punctuation remain.
function isValidWkt(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const stripped = value
    .trim()
    .toLowerCase()
    .replace(/multi|point|polygon|linestring/g, '');
  return /^[0-9 .,\-()]+$/.test(stripped.trim());
}

interface SpatialObjectInput {
  layer_code?: unknown;
  unique_id?: unknown;
}

export async function buildStandinServer(opts: StandinServerOptions): Promise<FastifyInstance> {
  const { storage, clock } = opts;
  const gobsDir = path.join(opts.mediaRoot, 'gobsapi');
  const observationsDir = path.join(gobsDir, 'observations');
  fs.mkdirSync(observationsDir, { recursive: true });

  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 32 * 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: MEDIA_MAX_BYTES, files: 5 }, throwFileSizeLimit: false });
  // Jelix reads the body itself: any content type is accepted as text.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Every answer carries the stand-in's time (clients take server time from it).
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('date', clock.now().toUTCString());
    return payload;
  });

  /**
   * Runs a handler in one transaction and sends its answer only once that transaction has
   * committed. PHP writes its answer after its statements have committed; an answer that reached
   * the client first would let the client's next request miss what the answer reported.
   */
  async function answerAfterCommit(reply: FastifyReply, fn: (sql: Sql) => Promise<unknown>): Promise<FastifyReply> {
    const send = reply.send.bind(reply);
    let answer: { payload: unknown } | null = null;
    // Held until the commit; returns a plain object so that awaiting the handler's result (a reply
    // is thenable) does not wait for a send that has not happened yet.
    reply.send = ((payload?: unknown) => {
      answer = { payload };
      return {} as FastifyReply;
    }) as FastifyReply['send'];
    try {
      await storage.tx(clock.now(), fn);
    } finally {
      reply.send = send;
    }
    const held = answer as { payload: unknown } | null;
    return held ? send(held.payload) : reply;
  }

  const originOf = (req: FastifyRequest) => opts.publicOrigin() ?? `${req.protocol}://${req.headers.host ?? req.host}`;
  const entry = (req: FastifyRequest) => `${originOf(req)}/gobsapi.php`;

  // ------------------------------------------------------------------ plain Lizmap
  const lizmapHome = (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Lizmap</title></head>' +
          '<body class="lizmap"><div id="header"><h1>Lizmap Web Client</h1></div>' +
          '<div id="content"><h2>Projects</h2><ul><li><a href="index.php/view/map/?repository=tests&amp;project=gobsapi">GobsAPI test project</a></li></ul></div>' +
          '</body></html>',
      );
  app.get('/', lizmapHome);
  app.get('/index.php', lizmapHome);
  app.get('/index.php/view/', lizmapHome);

  const metadata = (req: FastifyRequest, reply: FastifyReply) => {
    const data: Record<string, unknown> = {
      info: { version: '3.7.9', date: '2024-06-12' },
      dependencies: { jelix: { version: '1.8.11', minversion: '1.8.11', maxversion: '1.8.11' } },
      api: { dataviz: { version: '1.0.0' } },
      qgis_server_info: { error: 'NO_ACCESS' },
    };
    const auth = basicCredentials(req);
    if (auth) {
      return answerAfterCommit(reply, async (sql) => {
        if (!(await checkPassword(sql, auth.login, auth.password))) {
          data['qgis_server_info'] = { error: 'WRONG_CREDENTIALS' };
        }
        return sendJson(reply, data);
      });
    }
    return sendJson(reply, data);
  };
  app.get('/index.php/view/app/metadata', metadata);

  app.setNotFoundHandler((_req, reply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(
        '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>',
      ),
  );
  app.setErrorHandler((err, _req, reply) => {
    app.log.error(err);
    return reply
      .code(500)
      .type('text/html; charset=utf-8')
      .send(
        `<html><body><h1>Internal Server Error</h1><p>${String((err as Error).message).replace(/</g, '&lt;')}</p></body></html>`,
      );
  });

  if (!opts.gobs) return app;

  // ------------------------------------------------------------------ gobsapi.php
  const api = '/gobsapi.php';

  /** Runs a controller action in one clocked transaction; ApiError becomes the module's error body. */
  const action =
    (fn: (req: FastifyRequest, reply: FastifyReply, sql: Sql) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await answerAfterCommit(reply, (sql) => fn(req, reply, sql));
      } catch (err) {
        if (err instanceof ApiError) return sendApi(reply, err.http, 'error', err.message);
        throw err;
      }
    };

  /** A statement whose database error the module reports as a 400 with a fixed message. */
  async function guarded<T>(sql: Sql, message: string, fn: () => Promise<T>): Promise<T> {
    await sql.query('SAVEPOINT guarded');
    try {
      const result = await fn();
      await sql.query('RELEASE SAVEPOINT guarded');
      return result;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      await sql.query('ROLLBACK TO SAVEPOINT guarded');
      throw new ApiError(400, message);
    }
  }

  interface Session {
    user: LizmapUser;
    token: string;
    lastSyncDate: string;
    requestSyncDate: string;
  }

  /** apiController::authenticate: the token from "Authorization: Bearer …" only, and the sync headers. */
  async function authenticate(req: FastifyRequest, sql: Sql): Promise<Session> {
    const token = bearerToken(req);
    const login = token ? await loginForToken(sql, token) : null;
    const user = login ? await getUser(sql, login) : null;
    if (!token || !user) throw new ApiError(401, 'Access token is missing or invalid');
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' && isValidSyncDate(v) ? v : null;
    };
    return {
      user,
      token,
      lastSyncDate: header('lastsyncdate') ?? '1970-01-01 00:00:00',
      requestSyncDate: header('requestsyncdate') ?? clock.local(),
    };
  }

  interface ProjectContext extends Session {
    key: string;
    project: ProjectProperties;
    actorId: number;
  }

  /** apiController::checkProject: a project one of whose views lists a group of the user, with series. */
  async function checkProject(req: FastifyRequest, sql: Sql): Promise<ProjectContext> {
    const session = await authenticate(req, sql);
    const key = (req.params as { projectKey: string }).projectKey;
    const project = await projectProperties(sql, key, session.user.groups);
    if (!project || project.seriesIds.length === 0) throw new ApiError(404, NOT_GOBS_PROJECT);
    const actorId = await getOrCreateActor(sql, session.user);
    return { ...session, key, project, actorId };
  }

  interface SeriesContext extends ProjectContext {
    seriesId: string;
    series: RawSeries;
  }

  /** apiController::checkSeries: the series of the URL, looked up by id alone. */
  async function checkSeries(req: FastifyRequest, sql: Sql): Promise<SeriesContext> {
    const ctx = await checkProject(req, sql);
    const seriesId = (req.params as { seriesId: string }).seriesId;
    const series = await seriesById(sql, seriesId);
    if (!series) throw new ApiError(404, 'The given series id does not refer to a known series');
    return { ...ctx, seriesId, series };
  }

  // ---------------------------------------------------------------- files and URLs
  const projectFile = (dir: string, key: string, extensions: string[]) =>
    extensions.map((ext) => path.join(gobsDir, dir, `${key}.${ext}`)).find((f) => fs.existsSync(f)) ?? null;

  const documentFile = (doc: { url: string }) => {
    const file = path.join(gobsDir, 'documents', doc.url);
    return file.startsWith(path.join(gobsDir, 'documents') + path.sep) && fs.existsSync(file) ? file : null;
  };

  const mediaFile = (uuid: string) =>
    MEDIA_EXTENSIONS.map((ext) => path.join(observationsDir, `${uuid}.${ext}`)).find((f) => fs.existsSync(f)) ?? null;

  const mediaUrl = (req: FastifyRequest, ctx: SeriesContext, uuid: string) =>
    mediaFile(uuid) ? `${entry(req)}/project/${ctx.key}/series/${ctx.seriesId}/observation/${uuid}/media` : null;

  const deleteMediaFiles = (uuid: string) => {
    let deleted = 0;
    for (const ext of MEDIA_EXTENSIONS) {
      const file = path.join(observationsDir, `${uuid}.${ext}`);
      if (fs.existsSync(file)) {
        fs.rmSync(file);
        deleted++;
      }
    }
    return deleted;
  };

  function sendFile(reply: FastifyReply, file: string | null, outputName: string, mime?: string) {
    if (!file || !fs.existsSync(file)) {
      return reply.code(404).type('text/text').send('No file has been found in the specified path');
    }
    const bytes = fs.readFileSync(file);
    return reply
      .code(200)
      .header('content-type', mime ?? mimeOf(file))
      .header('content-disposition', `attachment; filename="${outputName}"`)
      .header('expires', new Date(clock.now().getTime() + 3600_000).toUTCString())
      .send(bytes);
  }

  function projectObject(req: FastifyRequest, key: string, p: ProjectProperties) {
    return {
      key,
      label: p.label,
      description: p.description,
      media_url: projectFile('illustration', key, ['jpg', 'jpeg', 'png'])
        ? `${entry(req)}/project/${key}/illustration`
        : null,
      geopackage_url: projectFile('geopackage', key, ['gpkg']) ? `${entry(req)}/project/${key}/geopackage` : null,
      extent: { xmin: p.xmin, ymin: p.ymin, xmax: p.xmax, ymax: p.ymax },
    };
  }

  /** Series::getForPublication: preview/icon leave `documents` for URL fields; file documents get a URL. */
  function publishSeries(req: FastifyRequest, projectKey: string, raw: RawSeries) {
    const data = structuredClone(raw);
    const docs: unknown[] = [];
    const documents = data.indicator.documents;
    const documentUrl = (uid: string) => `${entry(req)}/project/${projectKey}/series/${raw.id}/document/${uid}`;
    if (!(documents.length === 1 && !documents[0])) {
      for (const doc of documents) {
        if (!doc) continue;
        if (doc.type === 'preview' || doc.type === 'icon') {
          if (documentFile(doc)) data.indicator[doc.type] = documentUrl(doc.uid);
        } else if (doc.type === 'url') {
          docs.push(doc);
        } else {
          if (documentFile(doc)) doc.url = documentUrl(doc.uid);
          docs.push(doc);
        }
      }
    }
    (data.indicator as { documents: unknown[] }).documents = docs;
    return data;
  }

  const isAuthor = (user: LizmapUser, o: { actorEmail: string; actorLogin: string | null }) =>
    user.email === o.actorEmail || user.login === o.actorLogin;

  const spaceForT = (v: unknown) => (typeof v === 'string' ? v.replace(/T/g, ' ') : v);

  /** Observation::getForPublication (detail, create and update answers). */
  function publishObservation(req: FastifyRequest, ctx: SeriesContext, stored: StoredObservation) {
    const data: Record<string, unknown> = { ...stored.json };
    data['media_url'] = mediaUrl(req, ctx, stored.json.uuid);
    data['start_timestamp'] = spaceForT(data['start_timestamp']);
    if (data['end_timestamp']) data['end_timestamp'] = spaceForT(data['end_timestamp']);
    data['created_at'] = spaceForT(data['created_at']);
    data['updated_at'] = spaceForT(data['updated_at']);
    data['editable'] = isAuthor(ctx.user, stored) && stored.withinEditingWindow;
    return data;
  }

  // ---------------------------------------------------------------- user
  app.all(`${api}/user/login`, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const credentials =
      typeof query['username'] === 'string'
        ? { login: query['username'], password: typeof query['password'] === 'string' ? query['password'] : '' }
        : basicCredentials(req);
    return answerAfterCommit(reply, async (sql) => {
      if (!credentials || !(await checkPassword(sql, credentials.login, credentials.password))) {
        return sendApi(reply, 400, 'error', 'Invalid username/password supplied');
      }
      const token = await createToken(sql, credentials.login, opts.tokenLifetimeSeconds);
      // Lizmap opens a PHP session at login; the module never reads it (Bearer tokens only).
      reply.header('set-cookie', `PHPSESSID=${token.slice(0, 26)}; path=/; HttpOnly`);
      return sendJson(reply, { token });
    });
  });

  app.all(`${api}/user/logout`, (req, reply) =>
    answerAfterCommit(reply, async (sql) => {
      const token = bearerToken(req);
      if (!token || !(await loginForToken(sql, token))) {
        return sendApi(reply, 401, 'error', 'Access token is missing or invalid');
      }
      await deleteToken(sql, token);
      return sendApi(reply, 200, 'success', 'The user has been successfully logged out');
    }),
  );

  app.all(
    `${api}/user/projects`,
    action(async (req, reply, sql) => {
      const session = await authenticate(req, sql);
      const projects = [];
      for (const key of await projectKeysForGroups(sql, session.user.groups)) {
        const p = await projectProperties(sql, key, session.user.groups);
        if (p && p.seriesIds.length > 0) projects.push(projectObject(req, key, p));
      }
      return sendJson(reply, projects);
    }),
  );

  app.all(`${api}/lizmap/metadata`, metadata);

  // ---------------------------------------------------------------- project
  app.all(
    `${api}/project/:projectKey`,
    action(async (req, reply, sql) => {
      const ctx = await checkProject(req, sql);
      return sendJson(reply, projectObject(req, ctx.key, ctx.project));
    }),
  );

  app.all(
    `${api}/project/:projectKey/series`,
    action(async (req, reply, sql) => {
      const ctx = await checkProject(req, sql);
      const list = [];
      for (const id of ctx.project.seriesIds) {
        const raw = await seriesById(sql, id);
        list.push(raw ? publishSeries(req, ctx.key, raw) : null);
      }
      return sendJson(reply, list);
    }),
  );

  app.all(
    `${api}/project/:projectKey/geopackage`,
    action(async (req, reply, sql) => {
      const ctx = await checkProject(req, sql);
      return sendFile(
        reply,
        path.join(gobsDir, 'geopackage', `${ctx.key}.gpkg`),
        `${ctx.key}.gpkg`,
        'application/geopackage+vnd.sqlite3',
      );
    }),
  );

  app.all(
    `${api}/project/:projectKey/illustration`,
    action(async (req, reply, sql) => {
      const ctx = await checkProject(req, sql);
      const file = projectFile('illustration', ctx.key, ['jpg', 'jpeg', 'png']);
      if (file) {
        const ext = path.extname(file).slice(1);
        return sendFile(reply, file, `${ctx.key}.${ext}`, `image/${ext}`);
      }
      // Lizmap's default picture (a JPEG) goes out named and typed as a PNG, as the module does.
      return sendFile(reply, path.join(gobsDir, '..', 'lizmap_mappemonde.jpg'), 'default.png', 'image/png');
    }),
  );

  // ---------------------------------------------------------------- series
  app.all(
    `${api}/project/:projectKey/series/:seriesId`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      return sendJson(reply, publishSeries(req, ctx.key, ctx.series));
    }),
  );

  app.all(
    `${api}/project/:projectKey/series/:seriesId/document/:documentId`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      const uid = (req.params as { documentId: string }).documentId;
      if (!UUID_V4.test(uid)) throw new ApiError(400, 'Invalid document UID');
      const doc = ctx.series.indicator.documents.find((d) => d?.uid === uid);
      if (!doc) throw new ApiError(404, 'The given document uid does not exist for this indicator');
      const file = documentFile(doc);
      if (!file) throw new ApiError(404, 'The document file does not exist');
      return sendFile(reply, file, doc.label);
    }),
  );

  app.all(
    `${api}/project/:projectKey/series/:seriesId/observations`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      const rows = await listObservations(
        sql,
        ctx.series.indicator.code,
        ctx.project.allowedPolygonWkt,
        ctx.lastSyncDate,
        ctx.requestSyncDate,
      );
      const data = rows.map((row) => {
        const { actor_email, actor_login, ...item } = row;
        const editable = isAuthor(ctx.user, { actorEmail: actor_email, actorLogin: actor_login });
        return { ...item, media_url: mediaUrl(req, ctx, row.uuid), editable };
      });
      return sendJson(reply, data);
    }),
  );

  app.all(
    `${api}/project/:projectKey/series/:seriesId/deletedObservations`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      return sendJson(reply, await deletedObservations(sql, ctx.lastSyncDate, ctx.requestSyncDate));
    }),
  );

  // ---------------------------------------------------------------- observation by uuid
  type UidContext = SeriesContext & { uuid: string; stored: StoredObservation };

  /** observationCtrl::checkUidActions. */
  async function checkUid(req: FastifyRequest, sql: Sql, context: 'read' | 'modify', needEdit: boolean) {
    const ctx = await checkSeries(req, sql);
    const uuid = (req.params as { observationId: string }).observationId;
    if (!UUID_V4.test(uuid)) throw new ApiError(400, 'The observation id parameter is invalid');
    const stored = await observationByUuid(sql, uuid, ctx.project.allowedPolygonWkt);
    if (!stored || stored.json.indicator !== ctx.series.indicator.code) {
      throw new ApiError(404, 'The observation does not exists');
    }
    if (!stored.insideArea) throw new ApiError(401, 'The authenticated user has not right to access this observation');
    if (context === 'modify' && needEdit && !isAuthor(ctx.user, stored)) {
      throw new ApiError(401, 'The authenticated user has not right to modify this observation');
    }
    return { ...ctx, uuid, stored } satisfies UidContext;
  }

  const EDITING_WINDOW =
    'The given observation cannot be edited since it is older than the delay defined in its related series protocol';

  app.get(
    `${api}/project/:projectKey/series/:seriesId/observation/:observationId`,
    action(async (req, reply, sql) => {
      const ctx = await checkUid(req, sql, 'read', false);
      return sendJson(reply, publishObservation(req, ctx, ctx.stored));
    }),
  );

  app.delete(
    `${api}/project/:projectKey/series/:seriesId/observation/:observationId`,
    action(async (req, reply, sql) => {
      const ctx = await checkUid(req, sql, 'modify', true);
      if (!ctx.stored.withinEditingWindow) throw new ApiError(403, EDITING_WINDOW);
      const deleted = await guarded(sql, 'A database error occurred while deleting the observation', () =>
        deleteObservation(sql, ctx.uuid),
      );
      if (!deleted) throw new ApiError(400, 'The observation has not been deleted');
      deleteMediaFiles(ctx.uuid);
      return sendApi(reply, 200, 'success', 'The observation has been sucessfully deleted');
    }),
  );

  app.all(
    `${api}/project/:projectKey/series/:seriesId/observation/:observationId/media`,
    action(async (req, reply, sql) => {
      const ctx = await checkUid(req, sql, 'modify', false);
      const file = mediaFile(ctx.uuid);
      if (!file) throw new ApiError(404, 'The observation media file does not exist');
      return sendFile(reply, file, ctx.uuid);
    }),
  );

  app.post(`${api}/project/:projectKey/series/:seriesId/observation/:observationId/uploadMedia`, async (req, reply) => {
    // The upload is received before the controller runs, as PHP does.
    let upload: { bytes: Buffer; filename: string; truncated: boolean } | null = null;
    if (req.isMultipart()) {
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        const bytes = await part.toBuffer();
        if (part.fieldname === 'mediaFile' && !upload && part.filename) {
          upload = { bytes, filename: part.filename, truncated: part.file.truncated };
        }
      }
    }
    return action(async (_req, _reply, sql) => {
      const ctx = await checkUid(req, sql, 'modify', true);
      if (upload && (upload.truncated || upload.bytes.length > MEDIA_MAX_BYTES || !sniffImage(upload.bytes))) {
        throw new ApiError(400, FORM_ERROR);
      }
      // The module removes the current media first, then saves the new file: with no file, the
      // observation loses its media and the answer is an error.
      deleteMediaFiles(ctx.uuid);
      if (!upload) throw new ApiError(400, 'An error occured while saving the media file');
      const dot = upload.filename.lastIndexOf('.');
      const extension = dot >= 0 ? upload.filename.slice(dot + 1).toLowerCase() : '';
      fs.writeFileSync(path.join(observationsDir, `${ctx.uuid}.${extension}`), upload.bytes);
      return sendApi(reply, 200, 'success', 'Observation media has been successfully uploaded');
    })(req, reply);
  });

  app.delete(
    `${api}/project/:projectKey/series/:seriesId/observation/:observationId/deleteMedia`,
    action(async (req, reply, sql) => {
      const ctx = await checkUid(req, sql, 'modify', true);
      const deleted = deleteMediaFiles(ctx.uuid);
      return sendApi(
        reply,
        200,
        'success',
        deleted > 0
          ? 'The observation media file has been successfully deleted'
          : 'No media file to delete has been found for this observation',
      );
    }),
  );

  // ---------------------------------------------------------------- observation body (create, update)
  interface CheckedBody {
    body: Record<string, unknown>;
    wkt: string | null;
    spatialObject: { id: number; geomWkt: string } | null;
    start: string;
    end: string | null;
  }

  /** Observation::checkObservationBodyJSONFormat (the parts common to create and update). */
  async function checkBody(req: FastifyRequest, sql: Sql, ctx: SeriesContext): Promise<CheckedBody> {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown = null;
    try {
      body = raw.trim() ? JSON.parse(raw) : null;
    } catch {
      body = null;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) {
      throw new ApiError(400, 'Observation JSON data is empty');
    }
    const b = body as Record<string, unknown>;
    if (!('indicator' in b) || String(b['indicator']) !== ctx.series.indicator.code) {
      throw new ApiError(400, 'Observation JSON data must have a valid indicator');
    }
    if (!('series' in b) || String(b['series']) !== String(ctx.series.id)) {
      throw new ApiError(400, 'Observation JSON data must have a valid series');
    }
    if (!isValidObservationDate(b['start_timestamp'])) {
      throw new ApiError(400, 'Observation JSON data must have a valid start_timestamp');
    }
    const endRaw = b['end_timestamp'];
    if (endRaw && !isValidObservationDate(endRaw)) {
      throw new ApiError(400, 'Observation JSON data must have a valid end_timestamp');
    }
    const wkt = isValidWkt(b['wkt']) ? b['wkt'] : null;
    let spatialObject: CheckedBody['spatialObject'] = null;
    const so = b['spatial_object'] as SpatialObjectInput | null | undefined;
    const code = /^[a-zA-Z0-9\-_]+$/;
    if (
      so &&
      typeof so === 'object' &&
      so.unique_id &&
      so.layer_code &&
      code.test(String(so.unique_id)) &&
      code.test(String(so.layer_code))
    ) {
      spatialObject = await spatialObjectByCode(sql, String(so.unique_id), String(so.layer_code));
    }
    if (!wkt && !spatialObject) {
      throw new ApiError(400, 'Observation JSON data must have a valid wkt or a valid spatial object reference');
    }
    return {
      body: b,
      wkt,
      spatialObject,
      start: b['start_timestamp'] as string,
      end: endRaw === undefined || endRaw === null ? null : String(endRaw),
    };
  }

  app.post(
    `${api}/project/:projectKey/series/:seriesId/observation`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      const checked = await checkBody(req, sql, ctx);
      const given = checked.body['uuid'];
      const uuid = typeof given === 'string' && UUID_V4.test(given) ? given : null;
      if (uuid && (await uuidExists(sql, uuid))) {
        throw new ApiError(400, 'Observation cannot be created: given UID already exists.');
      }
      const geometry = checked.spatialObject ? checked.spatialObject.geomWkt : checked.wkt!;
      const inside = await wktInsideArea(sql, geometry, ctx.project.allowedPolygonWkt);
      if (inside === null) throw new ApiError(400, 'A database error occurred while creating the observation');
      if (!inside) throw new ApiError(401, 'The authenticated user has not right to create this observation');
      const write = {
        seriesId: ctx.series.id,
        actorId: ctx.actorId,
        login: ctx.user.login,
        values: checked.body['values'],
        start: checked.start,
        end: checked.end,
        uuid,
      };
      let created: string | null;
      if (checked.spatialObject) {
        const spatialObjectId = checked.spatialObject.id;
        created = await guarded(
          sql,
          'A database error occurred while creating the observation with the given spatial object',
          () => insertOnSpatialObject(sql, { ...write, spatialObjectId }),
        );
      } else {
        created = await guarded(sql, 'A database error occurred while creating the observation', () =>
          insertWithWkt(sql, { ...write, wkt: checked.wkt! }),
        );
      }
      if (!created) throw new ApiError(400, 'The observation has not been created');
      const stored = await observationByUuid(sql, created, ctx.project.allowedPolygonWkt);
      return sendJson(reply, publishObservation(req, ctx, stored!));
    }),
  );

  app.put(
    `${api}/project/:projectKey/series/:seriesId/observation`,
    action(async (req, reply, sql) => {
      const ctx = await checkSeries(req, sql);
      const checked = await checkBody(req, sql, ctx);
      const given = checked.body['uuid'];
      const stored =
        typeof given === 'string' && UUID_V4.test(given)
          ? await observationByUuid(sql, given, ctx.project.allowedPolygonWkt)
          : null;
      if (!stored) throw new ApiError(400, 'Observation JSON data does not correspond to an existing observation');
      if (stored.json.indicator !== ctx.series.indicator.code) {
        throw new ApiError(400, 'Observation JSON data must have a valid indicator');
      }
      const uuid = stored.json.uuid;
      const denied = 'The authenticated user has not right to modify this observation';
      if (!isAuthor(ctx.user, stored)) throw new ApiError(401, denied);
      const geometry = checked.wkt ?? checked.spatialObject!.geomWkt;
      const inside = await wktInsideArea(sql, geometry, ctx.project.allowedPolygonWkt);
      if (!stored.insideArea || inside === false) throw new ApiError(401, denied);
      if (!stored.withinEditingWindow) throw new ApiError(403, EDITING_WINDOW);
      await guarded(sql, 'A database error occurred while modifying the observation', () =>
        updateObservation(sql, uuid, {
          wkt: checked.wkt,
          values: checked.body['values'],
          start: checked.start,
          end: checked.end,
        }),
      );
      const updated = await observationByUuid(sql, uuid, ctx.project.allowedPolygonWkt);
      return sendJson(reply, publishObservation(req, ctx, updated!));
    }),
  );

  return app;
}

/** Token::getTokenFromHeader: `#Bearer (.+)#` on the Authorization header (nothing else is read). */
function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /Bearer (.+)/.exec(header);
  return m?.[1] ? m[1] : null;
}

function basicCredentials(req: FastifyRequest): { login: string; password: string } | null {
  const header = req.headers.authorization;
  const m = header ? /^Basic\s+(.+)$/i.exec(header) : null;
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
