-- Sync state belongs to a device and the account using it: one device row per (device UUID, user).
-- What a shared UUID held until now is kept by the user who used it last; other users of the same
-- installation start afresh (their next pull sends them everything again, which is harmless).
ALTER TABLE device RENAME COLUMN last_user_id TO user_id;
ALTER TABLE device DROP CONSTRAINT device_uuid_key;
CREATE UNIQUE INDEX device_uuid_user_idx ON device (uuid, user_id);
