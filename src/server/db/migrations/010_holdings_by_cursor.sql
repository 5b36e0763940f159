-- Holdings kept as cursor + exceptions (docs/PROTOCOL.md, "What the server stores per device").
-- A device's sync cursor implies that it holds, at their current import, every observation whose
-- last write is visible in its base snapshot, and those of its current round it has acknowledged
-- (visible in the round snapshot, id up to round_after_id). device_observation keeps only what the
-- cursor does not imply: a device's own writes not yet covered by a completed round, batches
-- acknowledged outside the current round, and older imports a device still holds after someone
-- changed the observation. What the device holds is the greater of the two.

-- The cursor's implication, in one place for the pull, the writes, the admin views and this migration.
CREATE FUNCTION holding_implied(base pg_snapshot, round pg_snapshot, round_after_id bigint, obs_id bigint, change xid8)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(pg_visible_in_snapshot(change, base), false)
      OR (obs_id <= round_after_id AND coalesce(pg_visible_in_snapshot(change, round), false))
$$;

-- A change ends what cursors implied about the version it replaces: the devices that held that
-- version implicitly now hold it as an exception, until their next completed round. Done by a
-- trigger so that every path that changes an observation (API, CSV import, media, seeds) does it.
CREATE INDEX sync_cursor_indicator_idx ON sync_cursor (indicator_id);

CREATE FUNCTION observation_release_holdings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
    SELECT c.device_id, OLD.id, OLD.indicator_id, OLD.import_id FROM sync_cursor c
     WHERE c.indicator_id = OLD.indicator_id
       AND holding_implied(c.base_snapshot, c.round_snapshot, c.round_after_id, OLD.id, OLD.change_xid)
  ON CONFLICT (device_id, observation_id) DO UPDATE SET import_id = greatest(device_observation.import_id, EXCLUDED.import_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER observation_release_holdings AFTER UPDATE ON observation
  FOR EACH ROW WHEN (OLD.change_xid IS DISTINCT FROM NEW.change_xid)
  EXECUTE FUNCTION observation_release_holdings();

-- Existing holdings: drop the rows the cursors already imply (same observation, same import).
-- Every other row is kept as an exception, so what each device holds is unchanged.
DELETE FROM device_observation h
 USING observation o, sync_cursor c
 WHERE o.id = h.observation_id AND h.import_id = o.import_id
   AND c.device_id = h.device_id AND c.indicator_id = h.indicator_id
   AND holding_implied(c.base_snapshot, c.round_snapshot, c.round_after_id, o.id, o.change_xid);
