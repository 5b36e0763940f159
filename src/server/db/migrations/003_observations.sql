-- Devices, imports, observations and deletions.
CREATE TABLE device (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  last_user_id bigint REFERENCES app_user (id) ON DELETE SET NULL
);

-- An import is one version step: a device push, an update, a CSV import, a media change, a seed.
CREATE TABLE import (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  user_id bigint REFERENCES app_user (id) ON DELETE SET NULL,
  device_id bigint REFERENCES device (id) ON DELETE SET NULL,
  tool text,
  source text NOT NULL CHECK (source IN ('push', 'update', 'csv', 'media', 'seed'))
);

CREATE TABLE observation (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  indicator_id bigint NOT NULL REFERENCES indicator (id),
  import_id bigint NOT NULL REFERENCES import (id),
  ts timestamp NOT NULL,
  x double precision NOT NULL CHECK (x BETWEEN -180 AND 180),
  y double precision NOT NULL CHECK (y BETWEEN -90 AND 90),
  wkt text NOT NULL,
  vals jsonb NOT NULL,
  media_file text,
  author_id bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The change sequence: id of the transaction that last wrote the row. Pull cursors are
  -- snapshots over it, so a transaction that commits late is still seen (docs/PROTOCOL.md).
  change_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX observation_indicator_id_idx ON observation (indicator_id, id);
CREATE INDEX observation_indicator_change_idx ON observation (indicator_id, change_xid);

CREATE FUNCTION observation_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id();
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER observation_touch BEFORE UPDATE ON observation
  FOR EACH ROW EXECUTE FUNCTION observation_touch();

CREATE TABLE observation_deletion (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  observation_id bigint NOT NULL,
  uuid uuid NOT NULL,
  indicator_id bigint NOT NULL REFERENCES indicator (id),
  import_id bigint NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now(),
  user_id bigint REFERENCES app_user (id) ON DELETE SET NULL,
  device_id bigint REFERENCES device (id) ON DELETE SET NULL
);
CREATE INDEX observation_deletion_observation_idx ON observation_deletion (observation_id);
CREATE INDEX observation_deletion_indicator_idx ON observation_deletion (indicator_id, id);
