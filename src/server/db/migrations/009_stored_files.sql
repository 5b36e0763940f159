-- Media and document bytes live in the database, so that every server instance (and the CLI,
-- wherever it runs) serves the same files. A file is written once under a server-generated name,
-- in chunks; observation.media_file and document.file_name name it. Files kept in a media folder by
-- earlier versions are copied in at start (src/server/db/files.ts, importFolderFiles).
CREATE TABLE stored_file (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,200}$'),
  mime_type text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stored_file_chunk (
  name text NOT NULL REFERENCES stored_file (name) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  bytes bytea NOT NULL,
  PRIMARY KEY (name, seq)
);

-- Finding the files nobody references any more (purge) and those still to copy in.
CREATE INDEX observation_media_file_idx ON observation (media_file) WHERE media_file IS NOT NULL;
CREATE INDEX document_file_name_idx ON document (file_name);
