-- No index of device_observation may lead with device_id except the primary key: the pull's
-- per-row "held?" probe must be one primary-key lookup, and a (device_id, indicator_id) index
-- tempted the planner into scanning all of a device's holdings per probe.
DROP INDEX device_observation_indicator_idx;
CREATE INDEX device_observation_indicator_device_idx ON device_observation (indicator_id, device_id);
