-- What each device holds, and its pull cursors (docs/PROTOCOL.md).

-- The design's "devices" map, normalised: device D holds observation O at import I. Written when
-- D pushes or updates O and when D acknowledges a batch containing O. Never scanned by a pull as a
-- whole: a pull only probes it for the observations changed since the device's cursor.
CREATE TABLE device_observation (
  device_id bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  observation_id bigint NOT NULL,
  indicator_id bigint NOT NULL,
  import_id bigint NOT NULL,
  PRIMARY KEY (device_id, observation_id)
);
CREATE INDEX device_observation_observation_idx ON device_observation (observation_id);
CREATE INDEX device_observation_indicator_idx ON device_observation (device_id, indicator_id);

-- Deletions waiting for a device that held the deleted observation; removed when acknowledged.
CREATE TABLE device_deletion (
  device_id bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  deletion_id bigint NOT NULL REFERENCES observation_deletion (id) ON DELETE CASCADE,
  indicator_id bigint NOT NULL,
  PRIMARY KEY (device_id, deletion_id)
);
CREATE INDEX device_deletion_pending_idx ON device_deletion (device_id, indicator_id, deletion_id);

-- Per device and indicator: every observation whose last write is visible in base_snapshot is held
-- by the device at its current import. A round walks the changes between base_snapshot and
-- round_snapshot in id order; when it comes back empty, round_snapshot becomes the new base.
CREATE TABLE sync_cursor (
  device_id bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  indicator_id bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  base_snapshot pg_snapshot,
  round_snapshot pg_snapshot,
  round_after_id bigint NOT NULL DEFAULT 0,
  round_total bigint NOT NULL DEFAULT 0,
  round_served bigint NOT NULL DEFAULT 0,
  synced_at timestamptz,
  PRIMARY KEY (device_id, indicator_id)
);

-- A batch sent and not yet acknowledged; the token names it.
CREATE TABLE sync_batch (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  indicator_id bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('observations', 'deletions')),
  round_snapshot pg_snapshot,
  last_id bigint NOT NULL DEFAULT 0,
  -- observations: [[observation_id, import_id], ...]; deletions: [deletion_id, ...]
  items jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_batch_device_idx ON sync_batch (device_id, indicator_id, kind, id);
