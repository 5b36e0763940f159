-- The G-Obs database as Lizmap's G-Obs module (gobsapi 0.9) sees it: the `gobs` schema of the
-- G-Obs QGIS plugin (structure 7.x: project, project_view, series with a project and a protocol,
-- dimension table, observation with its own actor), with the plugin's triggers, plus a small
-- `lizmap` schema standing for what Lizmap keeps outside it (jAuth users, jAcl2 groups, the
-- module's token cache).
--
-- One deliberate difference: the plugin's functions read now(); here they read gobs.standin_now(),
-- which is now() unless the stand-in set its test clock for the transaction. Everything else
-- (created_at/updated_at stamping, the deletion log and its one-row-per-uuid key, the cascade when
-- a shared spatial object moves) is done by the database, as in the real one. The stand-in connects
-- as the owner of the schema, as the module does in its own test stack: the plugin's editing-window
-- trigger lets the owner through, and the module enforces the window itself.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE SCHEMA gobs;
CREATE SCHEMA lizmap;

CREATE FUNCTION gobs.standin_now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('gobs_standin.now', true), '')::timestamptz, now())
$$;

-- Actors
CREATE TABLE gobs.actor_category (
    id serial PRIMARY KEY,
    ac_label text NOT NULL,
    ac_description text NOT NULL
);

CREATE TABLE gobs.actor (
    id serial PRIMARY KEY,
    a_label text NOT NULL,
    a_description text NOT NULL,
    a_email text NOT NULL,
    id_category integer NOT NULL REFERENCES gobs.actor_category (id) ON DELETE RESTRICT,
    a_login text
);

-- Protocols, with the editing window (days after creation) of their series' observations
CREATE TABLE gobs.protocol (
    id serial PRIMARY KEY,
    pr_code text NOT NULL,
    pr_label text NOT NULL,
    pr_description text NOT NULL,
    pr_days_editable integer NOT NULL DEFAULT 30
);

-- Indicators and their dimensions (the order of the dimension ids is the order of the values)
CREATE TABLE gobs.indicator (
    id serial PRIMARY KEY,
    id_code text NOT NULL UNIQUE,
    id_label text NOT NULL,
    id_description text NOT NULL,
    id_date_format text NOT NULL DEFAULT 'day',
    id_paths text,
    id_category text,
    created_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    updated_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now()
);

CREATE TABLE gobs.dimension (
    id serial PRIMARY KEY,
    fk_id_indicator integer NOT NULL REFERENCES gobs.indicator (id) ON DELETE CASCADE,
    di_code text NOT NULL,
    di_label text NOT NULL,
    di_type text NOT NULL,
    di_unit text
);

CREATE TABLE gobs.document (
    id serial PRIMARY KEY,
    do_uid uuid NOT NULL DEFAULT public.uuid_generate_v4(),
    do_label text NOT NULL UNIQUE,
    do_description text,
    do_type text NOT NULL,
    do_path text NOT NULL,
    fk_id_indicator integer REFERENCES gobs.indicator (id),
    created_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    updated_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now()
);

-- Spatial layers and objects
CREATE TABLE gobs.spatial_layer (
    id serial PRIMARY KEY,
    sl_code text NOT NULL UNIQUE,
    sl_label text NOT NULL,
    sl_description text NOT NULL,
    sl_creation_date date NOT NULL DEFAULT (gobs.standin_now())::date,
    sl_geometry_type text NOT NULL
);

CREATE TABLE gobs.spatial_object (
    id serial PRIMARY KEY,
    so_unique_id text NOT NULL,
    so_unique_label text NOT NULL,
    geom public.geometry(Geometry, 4326) NOT NULL,
    fk_id_spatial_layer integer NOT NULL REFERENCES gobs.spatial_layer (id) ON DELETE RESTRICT,
    so_valid_from date NOT NULL DEFAULT (gobs.standin_now())::date,
    so_valid_to date,
    so_uid uuid NOT NULL DEFAULT public.uuid_generate_v4(),
    fk_id_actor integer NOT NULL REFERENCES gobs.actor (id) ON DELETE RESTRICT,
    created_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    updated_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    CONSTRAINT spatial_object_unique_key UNIQUE (so_unique_id, fk_id_spatial_layer, so_valid_from)
);
CREATE INDEX spatial_object_geom_idx ON gobs.spatial_object USING gist (geom);

-- Projects and their views: one 'global' view (the extent), 'filter' views restricting groups
CREATE TABLE gobs.project (
    id serial PRIMARY KEY,
    pt_code text NOT NULL UNIQUE,
    pt_lizmap_project_key text,
    pt_label text NOT NULL UNIQUE,
    pt_description text
);

CREATE TABLE gobs.project_view (
    id serial PRIMARY KEY,
    pv_label text NOT NULL,
    fk_id_project integer NOT NULL REFERENCES gobs.project (id) ON DELETE CASCADE,
    pv_groups text,
    pv_type text NOT NULL DEFAULT 'global',
    geom public.geometry(MultiPolygon, 4326) NOT NULL
);

-- Series: what carries observations
CREATE TABLE gobs.series (
    id serial PRIMARY KEY,
    fk_id_protocol integer NOT NULL REFERENCES gobs.protocol (id) ON DELETE RESTRICT,
    fk_id_indicator integer NOT NULL REFERENCES gobs.indicator (id) ON DELETE RESTRICT,
    fk_id_spatial_layer integer NOT NULL REFERENCES gobs.spatial_layer (id) ON DELETE RESTRICT,
    fk_id_project integer NOT NULL REFERENCES gobs.project (id) ON DELETE RESTRICT
);
CREATE INDEX series_fk_id_project_idx ON gobs.series (fk_id_project);

CREATE TABLE gobs.import (
    id serial PRIMARY KEY,
    im_timestamp timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    fk_id_series integer NOT NULL REFERENCES gobs.series (id) ON DELETE RESTRICT,
    im_status text DEFAULT 'p'
);

CREATE TABLE gobs.observation (
    id serial PRIMARY KEY,
    fk_id_series integer NOT NULL REFERENCES gobs.series (id) ON DELETE RESTRICT,
    fk_id_spatial_object integer NOT NULL REFERENCES gobs.spatial_object (id) ON DELETE RESTRICT,
    fk_id_import integer NOT NULL REFERENCES gobs.import (id) ON DELETE RESTRICT,
    fk_id_actor integer NOT NULL REFERENCES gobs.actor (id) ON DELETE RESTRICT,
    ob_value jsonb NOT NULL,
    ob_start_timestamp timestamp without time zone NOT NULL,
    ob_validation timestamp without time zone,
    ob_end_timestamp timestamp without time zone,
    ob_uid uuid NOT NULL DEFAULT public.uuid_generate_v4(),
    created_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    updated_at timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    CONSTRAINT observation_data_unique UNIQUE (fk_id_series, fk_id_spatial_object, ob_start_timestamp)
);
CREATE INDEX observation_ob_uid_idx ON gobs.observation (ob_uid);
CREATE INDEX observation_updated_at_idx ON gobs.observation (updated_at);
CREATE INDEX observation_fk_id_actor_idx ON gobs.observation (fk_id_actor);

-- One row per deleted observation uuid, ever: a uuid deleted twice breaks this key
CREATE TABLE gobs.deleted_data_log (
    de_table text NOT NULL,
    de_uid uuid NOT NULL,
    de_timestamp timestamp without time zone NOT NULL DEFAULT gobs.standin_now(),
    PRIMARY KEY (de_table, de_uid)
);

-- Triggers (the plugin's, reading the stand-in clock)
CREATE FUNCTION gobs.manage_object_timestamps() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    nowtm timestamp;
BEGIN
    nowtm = gobs.standin_now();
    IF TG_OP = 'INSERT' THEN
        NEW.created_at = nowtm;
        NEW.updated_at = nowtm;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at = nowtm;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION gobs.log_deleted_object() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gobs.deleted_data_log (de_table, de_uid, de_timestamp)
    VALUES (TG_TABLE_NAME::text, OLD.ob_uid, gobs.standin_now());
    RETURN OLD;
END;
$$;

CREATE FUNCTION gobs.control_observation_editing_capability() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    maximum_duration integer;
    observation_ok boolean;
    can_edit_protocol boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        RETURN NEW;
    END IF;
    -- A role allowed to edit protocols (an administrator) is not restricted
    can_edit_protocol = (
        SELECT (count(*) > 0)
        FROM information_schema.role_table_grants
        WHERE grantee = current_role
        AND table_schema = 'gobs'
        AND table_name = 'protocol'
        AND privilege_type IN ('UPDATE', 'INSERT')
    );
    IF can_edit_protocol THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    -- As in the plugin, NEW is read even for a DELETE (where it is NULL): a role without the
    -- protocol grant cannot delete at all. The module's own role owns the schema, so this never
    -- bites it; the module checks the window itself.
    maximum_duration := (
        SELECT pr_days_editable
        FROM gobs.protocol
        WHERE id IN (SELECT fk_id_protocol FROM gobs.series WHERE id = NEW.fk_id_series)
        LIMIT 1
    );
    observation_ok = ((gobs.standin_now() - NEW.created_at) < (concat(maximum_duration, ' days'))::interval);
    IF NOT observation_ok THEN
        RAISE EXCEPTION 'The given observation cannot be edited since it is older than the delay defined in its related series protocol';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION gobs.update_observation_on_spatial_object_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ST_Equals(NEW.geom, OLD.geom) THEN
        UPDATE gobs.observation SET updated_at = gobs.standin_now() WHERE fk_id_spatial_object = NEW.id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION gobs.update_spatial_object_end_validity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_id integer;
BEGIN
    last_id = 0;
    IF TG_OP = 'INSERT' THEN
        SELECT INTO last_id so.id
        FROM gobs.spatial_object so
        WHERE so.so_valid_to IS NULL
        AND so.fk_id_spatial_layer = NEW.fk_id_spatial_layer
        AND so.so_unique_id = NEW.so_unique_id
        AND so.so_uid != NEW.so_uid
        AND so.so_valid_from < NEW.so_valid_from
        ORDER BY so_valid_from DESC
        LIMIT 1;
        IF last_id > 0 THEN
            UPDATE gobs.spatial_object so SET so_valid_to = NEW.so_valid_from WHERE so.id = last_id;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_manage_object_timestamps BEFORE INSERT OR UPDATE ON gobs.observation
FOR EACH ROW EXECUTE PROCEDURE gobs.manage_object_timestamps();
CREATE TRIGGER trg_manage_object_timestamps BEFORE INSERT OR UPDATE ON gobs.indicator
FOR EACH ROW EXECUTE PROCEDURE gobs.manage_object_timestamps();
CREATE TRIGGER trg_manage_object_timestamps BEFORE INSERT OR UPDATE ON gobs.document
FOR EACH ROW EXECUTE PROCEDURE gobs.manage_object_timestamps();
CREATE TRIGGER trg_manage_object_timestamps BEFORE INSERT OR UPDATE ON gobs.spatial_object
FOR EACH ROW EXECUTE PROCEDURE gobs.manage_object_timestamps();
CREATE TRIGGER trg_log_deleted_object AFTER DELETE ON gobs.observation
FOR EACH ROW EXECUTE PROCEDURE gobs.log_deleted_object();
CREATE TRIGGER trg_control_observation_editing_capability BEFORE DELETE OR UPDATE ON gobs.observation
FOR EACH ROW EXECUTE PROCEDURE gobs.control_observation_editing_capability();
CREATE TRIGGER trg_update_observation_on_spatial_object_change AFTER UPDATE ON gobs.spatial_object
FOR EACH ROW EXECUTE PROCEDURE gobs.update_observation_on_spatial_object_change();
CREATE TRIGGER trg_update_spatial_object_end_validity AFTER INSERT ON gobs.spatial_object
FOR EACH ROW EXECUTE PROCEDURE gobs.update_spatial_object_end_validity();

-- Lizmap's side: accounts (jAuth), groups (jAcl2, every user also has a private group), tokens
-- (the module keeps them in jCache for 3600 s from login)
CREATE TABLE lizmap.jlx_user (
    usr_login text PRIMARY KEY,
    usr_email text NOT NULL,
    usr_password text NOT NULL,
    firstname text NOT NULL DEFAULT '',
    lastname text NOT NULL DEFAULT ''
);

CREATE TABLE lizmap.jacl2_group (
    id_aclgrp text PRIMARY KEY,
    name text NOT NULL,
    grouptype integer NOT NULL DEFAULT 0
);

CREATE TABLE lizmap.jacl2_user_group (
    login text NOT NULL REFERENCES lizmap.jlx_user (usr_login) ON DELETE CASCADE,
    id_aclgrp text NOT NULL REFERENCES lizmap.jacl2_group (id_aclgrp) ON DELETE CASCADE,
    PRIMARY KEY (login, id_aclgrp)
);

CREATE TABLE lizmap.gobs_token (
    token text PRIMARY KEY,
    login text NOT NULL REFERENCES lizmap.jlx_user (usr_login) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
