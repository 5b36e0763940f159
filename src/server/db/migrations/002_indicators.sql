-- Indicators with ordered typed dimensions, linked to projects; documents describing them.
CREATE TABLE indicator (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{1,100}$'),
  label text NOT NULL,
  description text,
  category text,
  date_format text NOT NULL CHECK (date_format IN ('second', 'minute', 'hour', 'day', 'month', 'year')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dimension (
  indicator_id bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  position integer NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('integer', 'real', 'boolean', 'string')),
  unit text,
  PRIMARY KEY (indicator_id, position),
  UNIQUE (indicator_id, code)
);

CREATE TABLE project_indicator (
  project_id bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  indicator_id bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, indicator_id)
);
CREATE INDEX project_indicator_indicator_idx ON project_indicator (indicator_id);

CREATE TABLE document (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  indicator_id bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  label text NOT NULL,
  description text,
  type text NOT NULL CHECK (type IN ('preview', 'image', 'video', 'document', 'other')),
  -- server-generated name under the media folder; nothing a client sends names a path
  file_name text NOT NULL,
  mime_type text NOT NULL,
  size bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_indicator_idx ON document (indicator_id);
