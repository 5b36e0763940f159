-- Fixture data of the Lizmap G-Obs stand-in, modelled on the module's test data (tests/sql and
-- tests/api_tests of lizmap-gobsapi-module, the G-Obs plugin's 99_test_data.sql): the same project
-- key, actors, indicators and dimensions, protocols, spatial layer codes and series ids; geometries
-- and values are our own, placed in the same area (Monts d'Arrée, Brittany).
--
-- Run with triggers off (session_replication_role = replica) so the created_at/updated_at given
-- here are kept, and with gobs_standin.now set to the fixture "now": times relative to it are
-- written as (gobs.standin_now() - interval ...)::timestamp, i.e. in the session's (server-local)
-- time zone.

CREATE FUNCTION pg_temp.fx_uuid(seed text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT overlay(overlay(md5(seed) placing '4' from 13) placing '8' from 17)::uuid
$$;

CREATE FUNCTION pg_temp.fx_old() RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $$ SELECT timestamp '2022-10-05 16:03:24.49695' $$;

CREATE FUNCTION pg_temp.fx_ago(span text) RETURNS timestamp
LANGUAGE sql STABLE AS $$ SELECT (gobs.standin_now() - span::interval)::timestamp $$;

-- Actors (the plugin's test actors)
INSERT INTO gobs.actor_category (id, ac_label, ac_description) VALUES
(1, 'other', 'Other actors'),
(2, 'platform_user', 'Platform users');

INSERT INTO gobs.actor (id, a_label, a_description, a_email, id_category, a_login) VALUES
(1, 'IGN', 'French national geographical institute.', 'contact@ign.fr', 1, 'ign'),
(2, 'CIRAD', 'The French agricultural research and international cooperation organization', 'contact@cirad.fr', 1, 'cirad'),
(3, 'DREAL Bretagne', 'Direction régionale de l''environnement, de l''aménagement et du logement.', 'email@dreal.fr', 1, 'dreal'),
(4, 'Al', 'Al A.', 'al@al.al', 1, 'al'),
(5, 'Bob', 'Bob B.', 'bob@bob.bob', 1, 'bob'),
(6, 'John', 'John J.', 'jon@jon.jon', 1, 'john'),
(7, 'Mike', 'Mike M.', 'mik@mik.mik', 1, 'mike'),
(8, 'Phil', 'Phil P.', 'phi@phi.phi', 1, 'phil');

-- Protocols, with their editing windows
INSERT INTO gobs.protocol (id, pr_code, pr_label, pr_description, pr_days_editable) VALUES
(1, 'pluviometry', 'Pluviometry', 'Measure of rainfall in mm', 30),
(2, 'population', 'Population', 'Number of inhabitants obtained from census.', 30),
(3, 'gps-tracking', 'GPS tracking', 'GPS position recorded by a smartphone containing timestamp at second resolution, position and altitude in meters.', 30),
(4, 'field_observations', 'Field observations on species', 'Go to the field, recognize the observed species and give the number of individuals.', 7),
(5, 'river-inspection', 'River inspection', 'Visual inspection of river stations.', 30),
(6, 'pluviometry-manual', 'Manual pluviometry', 'Daily reading of manual rain gauges.', 2);

-- Indicators and dimensions (labels kept as in the module's test data, trailing spaces included)
INSERT INTO gobs.indicator (id, id_code, id_label, id_description, id_date_format, id_paths, id_category, created_at, updated_at) VALUES
(1, 'pluviometry', 'Hourly pluviometry ', 'Hourly rainfall pluviometry in millimetre', 'hour', 'Environment / Water / Data | Physical and chemical conditions / Water ', 'Water', '2022-10-05 16:03:24.479396', '2022-10-05 16:03:24.479396'),
(2, 'population', 'Population ', 'Number of inhabitants for city', 'year', 'Socio-eco / Demography / Population ', 'Population', '2022-10-05 16:03:24.479396', '2022-10-05 16:03:24.479396'),
(3, 'hiker_position', 'Hikers position', 'Position and altitude of hikers', 'second', 'Hiking / Tracks', 'Tracks', '2022-10-05 16:03:24.479396', '2022-10-05 16:03:24.479396'),
(4, 'observation', 'Observations', 'Faunal observations in the field', 'second', 'Environment / Fauna / Species', 'Species', '2022-10-05 16:03:24.479396', '2022-10-05 16:03:24.479396'),
(5, 'river_inspection', 'River inspection', 'Condition of the river stations: date, sampling time, dry bed, turbidity and a note', 'day', 'Environment / Water / Rivers', 'Water', '2024-03-01 09:12:45.5', '2024-03-01 09:12:45.5');

INSERT INTO gobs.dimension (id, fk_id_indicator, di_code, di_label, di_type, di_unit) VALUES
(1, 1, 'pluviometry', 'Pluviometry', 'real', 'mm'),
(2, 2, 'population', 'Population', 'integer', 'people'),
(3, 3, 'altitude', 'Altitude', 'integer', 'm'),
(4, 4, 'number', 'Number of individuals', 'integer', 'ind'),
(5, 4, 'species', 'Observed species', 'text', 'sp'),
(6, 5, 'inspected_on', 'Inspection date', 'date', NULL),
(7, 5, 'sampled_at', 'Sampling time', 'timestamp', NULL),
(8, 5, 'dry', 'Dry river bed', 'boolean', NULL),
(9, 5, 'turbidity', 'Turbidity', 'real', 'NTU'),
(10, 5, 'note', 'Note', 'text', NULL);

-- Documents: files under <media>/gobsapi/documents/<do_path>, except the 'url' one
INSERT INTO gobs.document (id, do_uid, do_label, do_description, do_type, do_path, fk_id_indicator, created_at, updated_at) VALUES
(1, '542aa72f-d1de-4810-97bb-208f2388698b', 'Illustration', 'Picture to use as the indicator illustration.', 'preview', 'hiker_position/preview/hiking.jpg', 3, '2022-10-11 08:30:18.012801', '2022-10-11 08:50:01.248526'),
(2, '1a7f7323-6b18-46ed-a9fe-9efbe1f006a2', 'Hiking presentation', 'Presentation of hiking.', 'document', 'hiker_position/document/hiking_doc.txt', 3, '2022-10-11 08:30:18.012801', '2022-10-11 08:50:01.248526'),
(3, pg_temp.fx_uuid('doc-hiking-rules'), 'Hiking rules', 'Rules of the regional park for hikers (external page).', 'url', 'https://www.example.org/park/hiking-rules', 3, '2023-02-14 10:00:00', '2023-02-14 10:00:00'),
(4, pg_temp.fx_uuid('doc-rain-icon'), 'Rain icon', 'Icon of the pluviometry indicator.', 'icon', 'pluviometry/icon/rain.png', 1, '2022-10-11 08:30:18.012801', '2022-10-11 08:30:18.012801'),
(5, pg_temp.fx_uuid('doc-gauge-manual'), 'Rain gauge manual', 'How to read and empty a manual rain gauge.', 'document', 'pluviometry/document/rain_gauge_manual.txt', 1, '2023-05-02 14:20:00', '2024-01-09 11:05:30');

-- Spatial layers and objects
INSERT INTO gobs.spatial_layer (id, sl_code, sl_label, sl_description, sl_creation_date, sl_geometry_type) VALUES
(1, 'pluviometers', 'Pluviometers', 'Sites equiped with pluviometers to measure rainfalls', '2019-06-26', 'point'),
(2, 'brittany-cities', 'Cities of Brittany , France', 'Cities of Brittany, France', '2019-07-05', 'multipolygon'),
(3, 'gpsposition', 'GPS position', 'Position of GPS trackers', '2020-09-10', 'point'),
(4, 'faunal_observation', 'Position of faunal observations', 'Observations on species (lions, girafes, etc.)', '2022-09-10', 'point'),
(5, 'river-stations', 'River stations', 'Inspection points along the rivers', '2024-03-01', 'point');

-- Pluviometers (ids 1-5)
INSERT INTO gobs.spatial_object (id, so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, fk_id_actor, so_uid, created_at, updated_at)
SELECT p.id, p.code, p.label, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326), 1, '2019-06-01', 3,
       pg_temp.fx_uuid('so-' || p.code), pg_temp.fx_old(), pg_temp.fx_old()
FROM (VALUES
    (1, '29275003', '(Aulne) Scrignac [Poulpry]', -3.65174692, 48.45273043),
    (2, '29202002', '(Morlaix) Queffleuth [Le Plessis]', -3.81775765, 48.46275527),
    (3, '29191003', '(Morlaix) Plougonven [Toulivinen]', -3.6870963, 48.49408955),
    (4, '29163004', '(Morlaix) Pleyber-Christ [Gendarmerie]', -3.87308044, 48.50435216),
    (5, '29018003', 'Ellez Brennilis', -3.87242472, 48.35420842)
) AS p (id, code, label, x, y);

-- Cities (ids 11-17): cells of a 4 x 2 grid over the project extent, each a pentagon
INSERT INTO gobs.spatial_object (id, so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, fk_id_actor, so_uid, created_at, updated_at)
SELECT c.id, c.code, c.label,
       ST_Multi(ST_GeomFromText(format(
           'POLYGON((%1$s %2$s,%3$s %2$s,%3$s %4$s,%5$s %6$s,%1$s %4$s,%1$s %2$s))',
           x0 + 0.001, y0 + 0.001, x0 + 0.0865, y0 + 0.114, x0 + 0.04375, y0 + 0.104
       ), 4326)),
       2, '2010-01-01', 1, pg_temp.fx_uuid('so-' || c.code), pg_temp.fx_old(), pg_temp.fx_old()
FROM (VALUES
    (11, '29018', 'Brennilis', 0, 0),
    (12, '29081', 'Huelgoat', 1, 0),
    (13, '29007', 'Berrien', 2, 0),
    (14, '29163', 'Pleyber-Christ', 0, 1),
    (15, '29034', 'Le Cloître-Saint-Thégonnec', 1, 1),
    (16, '29191', 'Plougonven', 2, 1),
    (17, '29275', 'Scrignac', 3, 1)
) AS c (id, code, label, col, row),
LATERAL (SELECT -3.95 + c.col * 0.0875 AS x0, 48.34 + c.row * 0.115 AS y0) AS cell;

-- River stations (ids 21-23)
INSERT INTO gobs.spatial_object (id, so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, fk_id_actor, so_uid, created_at, updated_at)
SELECT r.id, r.code, r.label, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), 5, '2024-03-01', 3,
       pg_temp.fx_uuid('so-' || r.code), '2024-03-01 09:12:45.5', '2024-03-01 09:12:45.5'
FROM (VALUES
    (21, 'RS-01', 'Elez at Brennilis dam', -3.8601, 48.3578),
    (22, 'RS-02', 'Argent at Huelgoat', -3.7462, 48.3641),
    (23, 'RS-03', 'Queffleuth at Le Plessis', -3.8159, 48.4611)
) AS r (id, code, label, x, y);

-- Hikers' positions (ids 101-250): 30 points per hiker, one spatial object per position. Al's
-- positions are from two recent hikes (one 45 days ago, one 2 days ago); the others from 2017.
CREATE TEMP TABLE fx_hike AS
SELECT h.idx, h.actor, h.name, i,
       100 + (h.idx - 1) * 30 + i + 1 AS so_id,
       round((h.bx + i * h.dx + 0.0004 * sin(i / 3.0))::numeric, 8)::float8 AS x,
       round((h.by + i * h.dy + 0.0003 * cos(i / 4.0))::numeric, 8)::float8 AS y,
       CASE
           WHEN h.actor <> 4 THEN timestamp '2017-10-31 13:00:00' + make_interval(secs => i * 37 + h.idx * 3)
           WHEN i < 10 THEN timestamp '2025-04-15 09:00:00' + make_interval(secs => i * 45)
           ELSE date_trunc('hour', pg_temp.fx_ago('2 days')) - interval '3 hours' + make_interval(secs => i * 40)
       END AS start_ts,
       CASE
           WHEN h.actor <> 4 THEN pg_temp.fx_old()
           WHEN i < 10 THEN pg_temp.fx_ago('45 days') + make_interval(secs => i)
           ELSE pg_temp.fx_ago('2 days') + make_interval(secs => i)
       END AS created,
       200 + ((i * 13 + h.idx * 29) % 180) AS altitude
FROM (VALUES
    (1, 4, 'Al', -3.812, 48.466, 0.0016, 0.0003),
    (2, 5, 'Bob', -3.735, 48.420, 0.0012, 0.0006),
    (3, 6, 'John', -3.700, 48.470, 0.0010, -0.0004),
    (4, 7, 'Mike', -3.880, 48.430, 0.0011, 0.0005),
    (5, 8, 'Phil', -3.650, 48.520, -0.0009, -0.0006)
) AS h (idx, actor, name, bx, by, dx, dy),
generate_series(0, 29) AS i;

INSERT INTO gobs.spatial_object (id, so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, fk_id_actor, so_uid, created_at, updated_at)
SELECT so_id, (so_id - 100)::text, name, ST_SetSRID(ST_MakePoint(x, y), 4326), 3, start_ts::date, actor,
       pg_temp.fx_uuid('so-hike-' || so_id), created, created
FROM fx_hike;

-- Faunal observation points (ids 301-312)
CREATE TEMP TABLE fx_fauna AS
SELECT i, 300 + i AS so_id,
       CASE WHEN i <= 6 THEN 4 ELSE 6 END AS actor,
       round((-3.78 + ((i * 37) % 23) * 0.006)::numeric, 8)::float8 AS x,
       round((48.38 + ((i * 53) % 29) * 0.006)::numeric, 8)::float8 AS y,
       CASE
           WHEN i <= 6 THEN pg_temp.fx_ago('1 day') - make_interval(hours => i, secs => 7) + interval '0.25 seconds'
           ELSE pg_temp.fx_ago('10 days') - make_interval(hours => i, secs => 3)
       END AS start_ts,
       CASE WHEN i <= 6 THEN pg_temp.fx_ago('1 day') + make_interval(mins => i) ELSE pg_temp.fx_ago('10 days') + make_interval(mins => i) END AS created,
       (ARRAY['Lutra lutra', 'Ardea cinerea', 'Salmo salar', 'Castor fiber', 'Milvus milvus', 'Bufo bufo'])[1 + (i % 6)] AS species,
       1 + (i * 7) % 9 AS number
FROM generate_series(1, 12) AS i;

INSERT INTO gobs.spatial_object (id, so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, fk_id_actor, so_uid, created_at, updated_at)
SELECT so_id, 'fauna-' || lpad(i::text, 2, '0'), 'Field observation ' || i, ST_SetSRID(ST_MakePoint(x, y), 4326), 4,
       start_ts::date, actor, pg_temp.fx_uuid('so-fauna-' || i), created, created
FROM fx_fauna;

-- Projects and views
INSERT INTO gobs.project (id, pt_code, pt_lizmap_project_key, pt_label, pt_description) VALUES
(1, 'default_project', NULL, 'Default G-Obs project', 'This project can be used to group series.'),
(2, 'test_project_a', 'tests~gobsapi', 'GobsAPI test project a', 'Test project a'),
(3, 'test_project_b', NULL, 'GobsAPI test project b', 'Test project b');

INSERT INTO gobs.project_view (id, pv_label, fk_id_project, pv_groups, pv_type, geom) VALUES
(1, 'Defaut global view', 1, 'admins, group_a, group_b', 'global', ST_Multi(ST_MakeEnvelope(-180, -90, 180, 90, 4326))),
(2, 'Test project a global view', 2, 'gobsapi_global_group', 'global', ST_Multi(ST_MakeEnvelope(-3.95, 48.34, -3.6, 48.57, 4326))),
(3, 'Test project a east', 2, 'gobsapi_filtered_group', 'filter', ST_Multi(ST_MakeEnvelope(-3.775, 48.34, -3.6, 48.57, 4326))),
(4, 'Test project b global view', 3, 'gobsapi_global_group;admins', 'global', ST_Multi(ST_MakeEnvelope(-3.9, 48.4, -3.62, 48.52, 4326)));

-- Series: (id, protocol, indicator, layer, project)
INSERT INTO gobs.series (id, fk_id_protocol, fk_id_indicator, fk_id_spatial_layer, fk_id_project) VALUES
(1, 1, 1, 1, 2),
(2, 2, 2, 2, 2),
(3, 3, 3, 3, 2),
(4, 4, 4, 4, 2),
(5, 5, 5, 5, 2),
(6, 6, 1, 1, 2),
(7, 1, 1, 1, 3);

INSERT INTO gobs.import (id, im_timestamp, fk_id_series, im_status)
SELECT s, timestamp '2022-10-05 14:53:51', s, 'P' FROM generate_series(1, 7) AS s;

-- Observations
-- Series 1: hourly pluviometry at the 5 stations, 48 hours of June 2019, by CIRAD
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 1, st, 1, 2,
       jsonb_build_array(CASE WHEN (h * 7 + st * 3) % 5 = 0 THEN round(((h * 37 + st * 11) % 20) / 10.0, 1) ELSE 0 END),
       timestamp '2019-06-16 09:00:00' + make_interval(hours => h),
       pg_temp.fx_uuid('obs-s1-' || st || '-' || h), pg_temp.fx_old(), pg_temp.fx_old()
FROM generate_series(0, 47) AS h, generate_series(1, 5) AS st
ORDER BY h, st DESC;

-- Series 2: population of the 7 cities, 2011-2016, by DREAL
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 2, c, 2, 3,
       jsonb_build_array(400 + (c * 379) % 2600 + (y - 2011) * ((c % 3) - 1) * 11),
       make_timestamp(y, 1, 1, 0, 0, 0),
       pg_temp.fx_uuid('obs-s2-' || c || '-' || y), pg_temp.fx_old(), pg_temp.fx_old()
FROM generate_series(11, 17) AS c, generate_series(2011, 2016) AS y;

-- Series 3: hikers' altitudes
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 3, so_id, 3, actor, jsonb_build_array(altitude), start_ts,
       pg_temp.fx_uuid('obs-s3-' || so_id), created, created
FROM fx_hike
ORDER BY idx, i;

-- Series 4: faunal observations (Al's a day ago, with fractions of seconds; John's ten days ago)
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_end_timestamp, ob_uid, created_at, updated_at)
SELECT 4, so_id, 4, actor, jsonb_build_array(number, species), start_ts,
       CASE WHEN i % 4 = 0 THEN start_ts + interval '25 minutes' ELSE NULL END,
       pg_temp.fx_uuid('obs-s4-' || i), created, created
FROM fx_fauna
ORDER BY i;

-- Series 5: river inspections by Al, five days ago (one value of each dimension type)
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 5, 21 + (k % 3), 5, 4,
       jsonb_build_array(
           to_char(day, 'YYYY-MM-DD'),
           to_char(day + make_interval(hours => 9, mins => 10 * k), 'YYYY-MM-DD HH24:MI:SS'),
           k = 4,
           round((1.5 + k * 0.7)::numeric, 1),
           CASE WHEN k = 4 THEN 'Dry bed, no sample' ELSE 'Clear water, sample ' || k END
       ),
       day,
       pg_temp.fx_uuid('obs-s5-' || k), pg_temp.fx_ago('5 days') + make_interval(mins => k), pg_temp.fx_ago('5 days') + make_interval(mins => k)
FROM generate_series(1, 6) AS k,
LATERAL (SELECT date_trunc('day', pg_temp.fx_ago(format('%s days', 5 + k))) AS day) AS d;

-- Series 6: manual rain gauges read by Al on each of the last four days (2-day window: the
-- readings of 22 and 46 hours ago are still editable, those of 70 and 94 hours ago no longer)
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 6, st, 6, 4,
       jsonb_build_array(round(((k * 13 + st * 7) % 40) / 4.0, 1)),
       date_trunc('hour', created) - interval '1 hour',
       pg_temp.fx_uuid('obs-s6-' || st || '-' || k), created, created
FROM generate_series(1, 4) AS k, (VALUES (1), (2), (3)) AS s (st),
LATERAL (SELECT pg_temp.fx_ago(format('%s hours', k * 24 - 2)) AS created) AS c;

-- Series 7 (project b): pluviometry by John at two stations
INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor, ob_value, ob_start_timestamp, ob_uid, created_at, updated_at)
SELECT 7, st, 7, 6, jsonb_build_array(round((h * 0.3)::numeric, 1)),
       timestamp '2021-03-02 06:00:00' + make_interval(hours => h),
       pg_temp.fx_uuid('obs-s7-' || st || '-' || h), timestamp '2021-03-03 12:00:00', timestamp '2021-03-03 12:00:00'
FROM generate_series(0, 1) AS h, (VALUES (4), (5)) AS s (st);

-- Deletions logged before the fixture "now": uuids no device ever saw
INSERT INTO gobs.deleted_data_log (de_table, de_uid, de_timestamp) VALUES
('observation', pg_temp.fx_uuid('deleted-2022'), timestamp '2022-11-20 10:11:12'),
('observation', pg_temp.fx_uuid('deleted-a'), pg_temp.fx_ago('3 days')),
('observation', pg_temp.fx_uuid('deleted-b'), pg_temp.fx_ago('3 days') + interval '5 minutes'),
('observation', pg_temp.fx_uuid('deleted-c'), pg_temp.fx_ago('26 hours'));

SELECT setval('gobs.actor_category_id_seq', (SELECT max(id) FROM gobs.actor_category));
SELECT setval('gobs.actor_id_seq', (SELECT max(id) FROM gobs.actor));
SELECT setval('gobs.protocol_id_seq', (SELECT max(id) FROM gobs.protocol));
SELECT setval('gobs.indicator_id_seq', (SELECT max(id) FROM gobs.indicator));
SELECT setval('gobs.dimension_id_seq', (SELECT max(id) FROM gobs.dimension));
SELECT setval('gobs.document_id_seq', (SELECT max(id) FROM gobs.document));
SELECT setval('gobs.spatial_layer_id_seq', (SELECT max(id) FROM gobs.spatial_layer));
SELECT setval('gobs.spatial_object_id_seq', (SELECT max(id) FROM gobs.spatial_object));
SELECT setval('gobs.project_id_seq', (SELECT max(id) FROM gobs.project));
SELECT setval('gobs.project_view_id_seq', (SELECT max(id) FROM gobs.project_view));
SELECT setval('gobs.series_id_seq', (SELECT max(id) FROM gobs.series));
SELECT setval('gobs.import_id_seq', (SELECT max(id) FROM gobs.import));

DROP TABLE fx_hike;
DROP TABLE fx_fauna;
