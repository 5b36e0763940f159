-- Write ids: each write request may carry an id chosen by the device (X-Gobs-Write-Id), recorded
-- with the import it created, or with the tombstone for a deletion. A device whose answer was lost
-- recognises its own write by that id instead of mistaking it for someone else's change
-- (docs/DESKTOP-SYNC.md, "Lost answers").
ALTER TABLE import ADD COLUMN write_id uuid;
CREATE UNIQUE INDEX import_write_id_idx ON import (write_id) WHERE write_id IS NOT NULL;
ALTER TABLE observation_deletion ADD COLUMN write_id uuid;
CREATE UNIQUE INDEX observation_deletion_write_id_idx ON observation_deletion (write_id) WHERE write_id IS NOT NULL;
-- A write refused because the observation is gone answers with its tombstone, found by uuid.
CREATE INDEX observation_deletion_uuid_idx ON observation_deletion (uuid);
