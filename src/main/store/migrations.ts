/**
 * Numbered schema migrations of the account store. Append only: a released migration is never
 * edited, a change is a new entry. The SQL of each table's queries lives in the module that
 * owns it (account.ts, projects.ts, indicators.ts, observations.ts).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The Web Mercator cell (tile x, y at level 12, as one integer y * 4096 + x) of an observation's
 * x/y: the map's summary grid and its index. Migration 8's index and triggers are built from this
 * exact text, and SQLite uses an expression index only for the same expression: never change it
 * (a new grid is a new migration with a new function).
 */
export function placeCellSql(prefix = ''): string {
  const lat = `min(85.0511287798066, max(-85.0511287798066, ${prefix}y))`;
  const cx = `min(4095, max(0, CAST((${prefix}x + 180.0) / 360.0 * 4096 AS INTEGER)))`;
  const cy = `min(4095, max(0, CAST((1.0 - ln(tan(radians(${lat})) + 1.0 / cos(radians(${lat}))) / pi()) / 2.0 * 4096 AS INTEGER)))`;
  return `(${cy} * 4096 + ${cx})`;
}
export const PLACE_LEVEL = 12;

/** A value of `json_each(vals)` as the summaries count it: present unless null or an empty text. */
export const SUMMARY_PRESENT = `j.type <> 'null' AND NOT (j.type = 'text' AND j.value = '')`;
/** Its number, when it has one: numbers as they are, booleans as 1/0, texts none. */
export const SUMMARY_NUMBER = `CASE WHEN j.type IN ('integer', 'real', 'true', 'false') THEN j.value END`;
/** The values the map summary keeps (what colours a map): numbers and booleans. */
export const PLACE_VALUE = `j.type IN ('integer', 'real', 'true', 'false')`;

/**
 * The hour of a timestamp as epoch seconds (the wall clock read as UTC), the key of the chart
 * summary; NULL for a malformed timestamp (such a row is left out, never fails a write).
 */
export function hourSql(timestamp: string): string {
  return `unixepoch(substr(${timestamp}, 1, 13) || ':00:00')`;
}

function seriesMark(row: 'new' | 'old'): string {
  return `
    INSERT OR IGNORE INTO series_stale (indicator_code, hour)
      SELECT ${row}.indicator_code, ${hourSql(`${row}.timestamp`)}
       WHERE EXISTS (SELECT 1 FROM summary_built WHERE indicator_code = ${row}.indicator_code AND kind = 'series');`;
}

/** The map summary of the row's indicator is complete (kept exactly), or being built (changes marked stale). */
const placeState = (row: 'new' | 'old', complete: boolean) =>
  `EXISTS (SELECT 1 FROM summary_built WHERE indicator_code = ${row}.indicator_code AND kind = 'place'
             AND built_at IS ${complete ? 'NOT ' : ''}NULL)`;

/**
 * While the map summary is being built (in chunks, between which the store keeps changing), a
 * change only marks its cell stale: adding or taking it out now would count it twice or not at all
 * depending on whether its chunk is done. The cells are recomputed once the build ends.
 */
function placeMark(row: 'new' | 'old'): string {
  return `
    INSERT OR IGNORE INTO place_stale (indicator_code, cell)
      SELECT ${row}.indicator_code, ${placeCellSql(`${row}.`)} WHERE ${placeState(row, false)};`;
}

/** Adds a new row to a complete map summary: its observation ('') and each of its numbers. */
function placeAdd(): string {
  const cell = placeCellSql('new.');
  const complete = placeState('new', true);
  return `
    INSERT INTO place_cell (indicator_code, dim, cell, state, n, sx, sy, first_id)
      SELECT new.indicator_code, '', ${cell}, new.state, 1, new.x, new.y, new.local_id WHERE ${complete}
      ON CONFLICT (indicator_code, dim, cell, state) DO UPDATE SET n = n + 1,
        sx = sx + excluded.sx, sy = sy + excluded.sy, first_id = min(first_id, excluded.first_id);
    INSERT INTO place_cell (indicator_code, dim, cell, state, n, vmin, vmax, vsum)
      SELECT new.indicator_code, j.key, ${cell}, new.state, 1, ${SUMMARY_NUMBER}, ${SUMMARY_NUMBER}, ${SUMMARY_NUMBER}
        FROM json_each(new.vals) j WHERE ${PLACE_VALUE} AND ${complete}
      ON CONFLICT (indicator_code, dim, cell, state) DO UPDATE SET n = n + 1,
        vmin = coalesce(min(vmin, excluded.vmin), vmin, excluded.vmin),
        vmax = coalesce(max(vmax, excluded.vmax), vmax, excluded.vmax),
        vsum = coalesce(vsum + excluded.vsum, vsum, excluded.vsum);`;
}

/**
 * Takes an old row out of a complete map summary: counts and sums exactly; a cell losing its
 * smallest or largest value, or the observation it names, is marked stale (recomputed before the
 * next read); an emptied group is deleted. Every statement names the whole primary key (dim through
 * IN on the row's own value codes): a few seeks whatever the size of the summary.
 */
function placeRemove(): string {
  const cell = placeCellSql('old.');
  const complete = placeState('old', true);
  const group = (t: string) =>
    `${t}.indicator_code = old.indicator_code AND ${t}.cell = ${cell} AND ${t}.state = old.state`;
  const codes = `SELECT j.key FROM json_each(old.vals) j WHERE ${PLACE_VALUE}`;
  const numberOf = (t: string) => `(SELECT ${SUMMARY_NUMBER} FROM json_each(old.vals) j WHERE j.key = ${t}.dim)`;
  return `
    INSERT OR IGNORE INTO place_stale (indicator_code, cell)
      SELECT old.indicator_code, ${cell}
       WHERE ${complete} AND (
             EXISTS (SELECT 1 FROM place_cell g WHERE ${group('g')} AND g.dim = '' AND g.n > 1 AND g.first_id = old.local_id)
          OR EXISTS (SELECT 1 FROM place_cell g WHERE ${group('g')} AND g.dim IN (${codes}) AND g.n > 1
                        AND (g.vmin = ${numberOf('g')} OR g.vmax = ${numberOf('g')})));
    UPDATE place_cell SET n = n - 1, sx = sx - old.x, sy = sy - old.y
     WHERE ${group('place_cell')} AND dim = '' AND ${complete};
    UPDATE place_cell SET n = n - 1, vsum = vsum - ${numberOf('place_cell')}
     WHERE ${group('place_cell')} AND dim IN (${codes}) AND ${complete};
    DELETE FROM place_cell WHERE ${group('place_cell')} AND n <= 0 AND dim IN (SELECT '' UNION ALL ${codes});`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'account and projects',
    sql: `
      CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        server_url TEXT NOT NULL,
        username TEXT NOT NULL,
        -- session token encrypted by the OS secret store; NULL when logged out or memory-only
        session_token BLOB,
        last_login_at TEXT
      );
      CREATE TABLE project (
        key TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        description TEXT,
        media_url TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        refreshed_at TEXT,
        last_sync_at TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'indicators, documents, observations',
    sql: `
      CREATE TABLE indicator (
        code TEXT PRIMARY KEY,
        id INTEGER,
        label TEXT NOT NULL,
        description TEXT,
        category TEXT,
        date_format TEXT NOT NULL,
        dimensions TEXT NOT NULL, -- JSON [{code,name,type,unit}] in server order
        created_at TEXT,
        updated_at TEXT,
        -- sync token of the last pulled batch, stored with the batch so the next pull acknowledges it
        pull_ack TEXT,
        deletions_ack TEXT
      );
      CREATE TABLE project_indicator (
        project_key TEXT NOT NULL REFERENCES project(key) ON DELETE CASCADE,
        indicator_code TEXT NOT NULL REFERENCES indicator(code) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (project_key, indicator_code)
      );
      CREATE INDEX project_indicator_by_indicator ON project_indicator(indicator_code);
      CREATE TABLE document (
        uuid TEXT PRIMARY KEY,
        id INTEGER,
        indicator_code TEXT NOT NULL REFERENCES indicator(code) ON DELETE CASCADE,
        label TEXT NOT NULL,
        description TEXT,
        type TEXT NOT NULL,
        url TEXT NOT NULL,
        updated_at TEXT,
        -- cached copy: file name inside the account's documents folder and the server version it holds
        cached_file TEXT,
        cached_version TEXT
      );
      CREATE INDEX document_by_indicator ON document(indicator_code);
      CREATE TABLE observation (
        local_id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        id INTEGER UNIQUE, -- server id, NULL until the server accepted it
        indicator_code TEXT NOT NULL,
        import INTEGER, -- server import this version is based on
        timestamp TEXT NOT NULL, -- 'YYYY-MM-DD HH:MM:SS', sorts as text
        x REAL NOT NULL,
        y REAL NOT NULL,
        wkt TEXT,
        vals TEXT NOT NULL, -- JSON {dimensionCode: value}
        media_url TEXT,
        author TEXT,
        created_at TEXT,
        updated_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('local','modified','deleted','synced','conflict','rejected')),
        -- state to return to when a local deletion is undone
        prev_state TEXT,
        -- bumped by every local edit: a push or pull result only applies to the revision it saw
        local_rev INTEGER NOT NULL DEFAULT 0,
        -- a create was sent at least once: the server may hold it even if we never saw the answer
        push_attempted INTEGER NOT NULL DEFAULT 0,
        server_version TEXT, -- JSON of the server's observation beside ours (conflict), 'deleted' if gone there
        error TEXT, -- the server's message (rejected)
        error_field TEXT,
        media_file TEXT, -- attached photo, copied into the account's media folder
        media_pending TEXT CHECK (media_pending IN ('upload','delete')),
        media_cache TEXT, -- downloaded copy of the server's media
        search TEXT NOT NULL DEFAULT '' -- lower-cased text the UI's text filter matches
      );
      CREATE INDEX observation_by_time ON observation(indicator_code, timestamp, local_id);
      CREATE INDEX observation_by_state ON observation(indicator_code, state, local_id);
      -- Sort orders the UI offers; each must be the exact expression observations.ts sorts by.
      -- Dimension values get theirs per indicator (indicators.ts: ensureDimensionIndexes).
      CREATE INDEX observation_by_author ON observation(indicator_code, coalesce(author, ''), local_id);
      CREATE INDEX observation_by_x ON observation(indicator_code, x, local_id);
      CREATE INDEX observation_by_y ON observation(indicator_code, y, local_id);
      CREATE INDEX observation_pending ON observation(state) WHERE state <> 'synced';
      CREATE INDEX observation_media_pending ON observation(media_pending) WHERE media_pending IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'observation counts per indicator and state',
    // Counting a large indicator's rows costs O(n) on every sync and every screen; triggers keep
    // the counts instead, for one small write per changed row.
    sql: `
      CREATE TABLE observation_count (
        indicator_code TEXT NOT NULL,
        state TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (indicator_code, state)
      ) WITHOUT ROWID;
      INSERT INTO observation_count (indicator_code, state, n)
        SELECT indicator_code, state, count(*) FROM observation GROUP BY indicator_code, state;
      CREATE TRIGGER observation_count_insert AFTER INSERT ON observation BEGIN
        INSERT INTO observation_count (indicator_code, state, n) VALUES (new.indicator_code, new.state, 1)
          ON CONFLICT (indicator_code, state) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER observation_count_delete AFTER DELETE ON observation BEGIN
        UPDATE observation_count SET n = n - 1 WHERE indicator_code = old.indicator_code AND state = old.state;
      END;
      CREATE TRIGGER observation_count_update AFTER UPDATE OF state, indicator_code ON observation
        WHEN old.state IS NOT new.state OR old.indicator_code IS NOT new.indicator_code
      BEGIN
        UPDATE observation_count SET n = n - 1 WHERE indicator_code = old.indicator_code AND state = old.state;
        INSERT INTO observation_count (indicator_code, state, n) VALUES (new.indicator_code, new.state, 1)
          ON CONFLICT (indicator_code, state) DO UPDATE SET n = n + 1;
      END;
    `,
  },
  {
    version: 4,
    name: 'pending media index leads with the indicator',
    // Without statistics SQLite preferred (indicator_code, state) for "media waiting for upload",
    // reading every synced row on every sync; this index answers it from the few pending rows.
    sql: `
      DROP INDEX observation_media_pending;
      CREATE INDEX observation_media_pending ON observation(indicator_code, local_id) WHERE media_pending IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'sort indexes carry the timestamp',
    // Sorting by a column within a time range walks that column's index; with the timestamp in
    // the index the range test needs no table lookup per entry. (Dimension indexes: indicators.ts.)
    sql: `
      DROP INDEX observation_by_author;
      CREATE INDEX observation_by_author ON observation(indicator_code, coalesce(author, ''), local_id, timestamp);
      DROP INDEX observation_by_x;
      CREATE INDEX observation_by_x ON observation(indicator_code, x, local_id, timestamp);
      DROP INDEX observation_by_y;
      CREATE INDEX observation_by_y ON observation(indicator_code, y, local_id, timestamp);
      DROP INDEX observation_by_state;
      CREATE INDEX observation_by_state ON observation(indicator_code, state, local_id, timestamp);
    `,
  },
  {
    version: 6,
    name: 'pending writes',
    // Every write request the device sends carries a write id, recorded here before it leaves and
    // kept until the outcome is known: when an answer is lost, the server's version is recognised
    // as the device's own by that id (docs/DESKTOP-SYNC.md, "Lost answers").
    sql: `
      CREATE TABLE pending_write (
        seq INTEGER PRIMARY KEY,
        write_id TEXT NOT NULL,
        uuid TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'media')),
        local_rev INTEGER NOT NULL, -- the revision whose content the write carried
        base_import INTEGER, -- the server version it was based on
        media_file TEXT, -- media writes: the file sent (NULL: a media deletion)
        UNIQUE (write_id, uuid)
      );
      CREATE INDEX pending_write_by_uuid ON pending_write(uuid, seq);
    `,
  },
  {
    version: 7,
    name: 'document cache records what the content is',
    // Copies cached before this version were named after the label or URL; without a kind they
    // are downloaded again (and classified) before anything opens them.
    sql: `
      ALTER TABLE document ADD COLUMN cached_kind TEXT;
      ALTER TABLE document ADD COLUMN cached_action TEXT CHECK (cached_action IN ('open', 'save'));
      ALTER TABLE document ADD COLUMN cached_type TEXT;
      ALTER TABLE document ADD COLUMN cached_mismatch INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 8,
    name: 'summaries for the chart and the map',
    // Charts and maps of a large indicator read sums per hour and per day (series_hour,
    // series_day) and per map cell (place_cell) instead of every observation: one row per group of observations with the same
    // hour (or cell) and state, per value code found in their values ('' for the observations
    // themselves). A summary is built on first use (summary_built records it). Afterwards a
    // change of an observation marks its hour stale (an hour holds few observations: recomputed
    // before the next read), and updates the map summary exactly (a cell can hold a station's
    // whole series), except that a cell losing its smallest or largest value is marked stale, and
    // that changes made while the map summary is being built only mark their cells.
    // Indicators never charted cost a changed row two primary-key probes. observation_by_cell
    // finds the observations of a cell (stale cells, small map views).
    sql: `
      CREATE TABLE summary_built (
        indicator_code TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('series', 'place')),
        built_at TEXT, -- NULL while being built (a build cut short is started again)
        PRIMARY KEY (indicator_code, kind)
      ) WITHOUT ROWID;
      CREATE TABLE series_hour (
        indicator_code TEXT NOT NULL,
        dim TEXT NOT NULL, -- dimension code; '' for the observations themselves
        hour INTEGER NOT NULL, -- hourSql (migrations.ts): the hour's start, epoch seconds of the wall clock
        state TEXT NOT NULL,
        n INTEGER NOT NULL, -- observations ('') / values present (an empty text is absent)
        vmin REAL, -- numbers; booleans as 1/0; NULL for texts
        vmax REAL,
        vsum REAL,
        first_id INTEGER, -- '': smallest local_id, the observation itself when n = 1
        PRIMARY KEY (indicator_code, hour, dim, state)
      ) WITHOUT ROWID;
      -- The same sums per day (derived from series_hour): what charts over years read.
      CREATE TABLE series_day (
        indicator_code TEXT NOT NULL,
        day INTEGER NOT NULL, -- the day's start, epoch seconds of the wall clock
        dim TEXT NOT NULL,
        state TEXT NOT NULL,
        n INTEGER NOT NULL,
        vmin REAL,
        vmax REAL,
        vsum REAL,
        first_id INTEGER,
        PRIMARY KEY (indicator_code, day, dim, state)
      ) WITHOUT ROWID;
      CREATE TABLE series_stale (
        indicator_code TEXT NOT NULL,
        hour INTEGER NOT NULL,
        PRIMARY KEY (indicator_code, hour)
      ) WITHOUT ROWID;
      CREATE TABLE place_cell (
        indicator_code TEXT NOT NULL,
        dim TEXT NOT NULL,
        cell INTEGER NOT NULL, -- placeCellSql (migrations.ts)
        state TEXT NOT NULL,
        n INTEGER NOT NULL, -- observations ('') / values present (numbers and booleans only)
        sx REAL, -- '': sums of x and y, the centroid is (sx / n, sy / n)
        sy REAL,
        vmin REAL,
        vmax REAL,
        vsum REAL,
        first_id INTEGER,
        PRIMARY KEY (indicator_code, dim, cell, state)
      ) WITHOUT ROWID;
      CREATE TABLE place_stale (
        indicator_code TEXT NOT NULL,
        cell INTEGER NOT NULL,
        PRIMARY KEY (indicator_code, cell)
      ) WITHOUT ROWID;
      CREATE INDEX observation_by_cell ON observation(indicator_code, ${placeCellSql()});
      CREATE TRIGGER summary_insert AFTER INSERT ON observation
      BEGIN ${seriesMark('new')} ${placeMark('new')} ${placeAdd()}
      END;
      CREATE TRIGGER summary_delete AFTER DELETE ON observation
      BEGIN ${seriesMark('old')} ${placeMark('old')} ${placeRemove()}
      END;
      CREATE TRIGGER summary_update AFTER UPDATE OF timestamp, x, y, vals, state, indicator_code ON observation
        WHEN old.timestamp IS NOT new.timestamp OR old.x IS NOT new.x OR old.y IS NOT new.y
          OR old.vals IS NOT new.vals OR old.state IS NOT new.state OR old.indicator_code IS NOT new.indicator_code
      BEGIN ${seriesMark('old')} ${seriesMark('new')} ${placeMark('old')} ${placeMark('new')} ${placeRemove()} ${placeAdd()}
      END;
    `,
  },
  {
    version: 9,
    name: 'series, server kinds, project files, end times and editability',
    // A second kind of server (Lizmap with the G-Obs module) has series: project → series →
    // indicator, observations belonging to a series. A row of `indicator` is now a series — what
    // the device syncs and the user browses — keyed as before by `code` (our server: one series
    // per indicator, so every existing row is already a series and keeps its key; a Lizmap series
    // is '<indicator code>@<series id>'). `server_code` is the indicator's own code on the server:
    // existing rows get theirs from the key. Existing accounts are on our server.
    sql: `
      ALTER TABLE account ADD COLUMN server_kind TEXT NOT NULL DEFAULT 'gobs-sync'
        CHECK (server_kind IN ('gobs-sync', 'lizmap-gobs'));

      ALTER TABLE project ADD COLUMN geopackage_url TEXT;
      ALTER TABLE project ADD COLUMN extent TEXT; -- JSON {xmin, ymin, xmax, ymax} (longitude/latitude)
      -- copies kept for offline use, in the account's documents folder, and the URL each came from
      ALTER TABLE project ADD COLUMN illustration_file TEXT;
      ALTER TABLE project ADD COLUMN illustration_from TEXT;
      ALTER TABLE project ADD COLUMN geopackage_file TEXT;
      ALTER TABLE project ADD COLUMN geopackage_from TEXT;
      ALTER TABLE project ADD COLUMN files_at TEXT; -- when the copies were last downloaded

      ALTER TABLE indicator ADD COLUMN server_code TEXT;
      UPDATE indicator SET server_code = code;
      ALTER TABLE indicator ADD COLUMN series_id TEXT; -- Lizmap series id; NULL for our server
      ALTER TABLE indicator ADD COLUMN series_project TEXT; -- the project the series belongs to
      ALTER TABLE indicator ADD COLUMN layer_code TEXT;
      ALTER TABLE indicator ADD COLUMN protocol_code TEXT;
      -- 'point': the user enters a point; 'object': the user picks a shared object of the layer
      ALTER TABLE indicator ADD COLUMN geometry TEXT CHECK (geometry IN ('point', 'object'));
      ALTER TABLE indicator ADD COLUMN preview_url TEXT;
      ALTER TABLE indicator ADD COLUMN preview_file TEXT;
      ALTER TABLE indicator ADD COLUMN icon_url TEXT;
      ALTER TABLE indicator ADD COLUMN icon_file TEXT;

      ALTER TABLE observation ADD COLUMN end_timestamp TEXT; -- 'YYYY-MM-DD HH:MM:SS' or NULL
      -- the shared spatial object (unique id in the series' layer) it was placed on here
      ALTER TABLE observation ADD COLUMN object_id TEXT;
      -- whether the server lets this user change it (NULL: it does not say), and why not
      ALTER TABLE observation ADD COLUMN editable INTEGER;
      ALTER TABLE observation ADD COLUMN not_editable TEXT CHECK (not_editable IN ('author', 'window', 'area', 'server'));
    `,
  },
  {
    version: 10,
    name: 'text index and bulk pulls',
    // A text filter that matches little would otherwise read every row of the range: a trigram index
    // answers "which rows contain this text" (observations.ts picks it for rare text). detail=none keeps
    // it small and cheap to write; the page query still checks LIKE on the row, so the index only
    // has to find a superset.
    // A first sync pulls into a store that carries a dozen indexes; bulk.ts drops the plain ones for the
    // duration (remembered in deferred_index, so a crash is repaired at the next open) and leaves the
    // rows of a bulk-loaded indicator out of the text index until the load ends (bulk_load), when they
    // are indexed in one pass.
    sql: `
      CREATE TABLE bulk_load (
        indicator_code TEXT PRIMARY KEY,
        -- rows of this indicator above this local_id are not in observation_text yet
        after_local_id INTEGER NOT NULL
      );
      CREATE TABLE deferred_index (
        name TEXT PRIMARY KEY,
        sql TEXT NOT NULL
      );
      CREATE VIRTUAL TABLE observation_text USING fts5(
        search, content = 'observation', content_rowid = 'local_id', tokenize = 'trigram', detail = none
      );
      INSERT INTO observation_text (observation_text) VALUES ('rebuild');
      CREATE TRIGGER observation_text_insert AFTER INSERT ON observation
        WHEN NOT EXISTS (SELECT 1 FROM bulk_load b WHERE b.indicator_code = new.indicator_code AND new.local_id > b.after_local_id)
      BEGIN
        INSERT INTO observation_text (rowid, search) VALUES (new.local_id, new.search);
      END;
      CREATE TRIGGER observation_text_delete AFTER DELETE ON observation
        WHEN NOT EXISTS (SELECT 1 FROM bulk_load b WHERE b.indicator_code = old.indicator_code AND old.local_id > b.after_local_id)
      BEGIN
        INSERT INTO observation_text (observation_text, rowid, search) VALUES ('delete', old.local_id, old.search);
      END;
      CREATE TRIGGER observation_text_update AFTER UPDATE OF search ON observation
        WHEN old.search IS NOT new.search
          AND NOT EXISTS (SELECT 1 FROM bulk_load b WHERE b.indicator_code = old.indicator_code AND old.local_id > b.after_local_id)
      BEGIN
        INSERT INTO observation_text (observation_text, rowid, search) VALUES ('delete', old.local_id, old.search);
        INSERT INTO observation_text (rowid, search) VALUES (new.local_id, new.search);
      END;
    `,
  },
];
