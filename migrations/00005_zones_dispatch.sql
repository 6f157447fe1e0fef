-- Hazard zones, what lies inside them, where the evacuated go, and
-- dispatch: zone runs with every model input (so each can be replayed),
-- their zones as typed polygons, confirmed shelter allocations, team
-- assignments to incidents, the position track of every team and which
-- active zones each team is inside (the state hysteresis needs).

-- +goose Up
-- One model run: the model's own Inputs exactly as run (source and time
-- filled in), its whole result (stability, warnings, zones) and provenance.
-- A what-if belongs to no incident and its zones are never active.
CREATE TABLE zone_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id      bigint REFERENCES incidents (id),
    -- The hazard source a run was computed for; no foreign key, so deleting
    -- the source keeps the record of what was computed.
    hazard_source_id bigint,
    what_if          boolean NOT NULL,
    model            text NOT NULL CHECK (model IN ('protective', 'plume', 'explosion', 'fireball')),
    model_name       text NOT NULL,
    model_version    text NOT NULL,
    inputs           jsonb NOT NULL,
    result           jsonb NOT NULL,
    evacuate_levels  integer[] NOT NULL,
    at               timestamptz NOT NULL,
    day              boolean NOT NULL,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (what_if = (incident_id IS NULL))
);
CREATE INDEX zone_runs_incident_idx ON zone_runs (incident_id) WHERE incident_id IS NOT NULL;

-- One zone of a run. Polygons are stored as MultiPolygon so a later model
-- with holes or parts fits the same column.
CREATE TABLE zones (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version        integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    run_id         bigint NOT NULL REFERENCES zone_runs (id),
    incident_id    bigint REFERENCES incidents (id),
    level          integer NOT NULL CHECK (level > 0),
    name           text NOT NULL,
    threshold      double precision NOT NULL,
    threshold_unit text NOT NULL,
    extent_m       double precision NOT NULL CHECK (extent_m >= 0),
    note           text NOT NULL DEFAULT '',
    -- People inside must leave (the allocation moves them); otherwise a
    -- zone where people shelter in place or keep out.
    evacuate       boolean NOT NULL,
    active         boolean NOT NULL,
    geom           geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    CHECK (NOT active OR incident_id IS NOT NULL),
    UNIQUE (run_id, level)
);
CREATE INDEX zones_geom_idx ON zones USING gist (geom);
-- What allocation, nearest and position ingest ask: the active zones.
CREATE INDEX zones_active_geom_idx ON zones USING gist (geom) WHERE active;
CREATE INDEX zones_incident_idx ON zones (incident_id) WHERE incident_id IS NOT NULL;

-- Confirmed allocations of evacuees to shelters: the plan as confirmed.
CREATE TABLE shelter_allocations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_id      bigint NOT NULL REFERENCES zones (id),
    plan         jsonb NOT NULL,
    people       integer NOT NULL CHECK (people >= 0),
    confirmed_by text NOT NULL,
    confirmed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shelter_allocations_zone_idx ON shelter_allocations (zone_id);

-- Which incident a team works for, from dispatch until it is available again.
CREATE TABLE team_assignments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id       bigint NOT NULL,
    incident_id   bigint NOT NULL REFERENCES incidents (id),
    dispatched_at timestamptz NOT NULL,
    dispatched_by text NOT NULL,
    ended_at      timestamptz,
    CHECK (ended_at IS NULL OR ended_at >= dispatched_at)
);
-- A team works for one incident at a time.
CREATE UNIQUE INDEX team_assignments_open_idx ON team_assignments (team_id) WHERE ended_at IS NULL;
CREATE INDEX team_assignments_incident_idx ON team_assignments (incident_id);

-- Every position fix received, in or out of order; (team, observed_at) is
-- the idempotency key of a fix.
CREATE TABLE team_positions (
    team_id     bigint NOT NULL REFERENCES rescue_teams (id) ON DELETE CASCADE,
    observed_at timestamptz NOT NULL,
    geom        geometry(Point, 4326) NOT NULL,
    speed_ms    double precision CHECK (speed_ms >= 0),
    heading_deg double precision CHECK (heading_deg >= 0 AND heading_deg < 360),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, observed_at)
);

-- Whether a team is inside an active zone, as the hysteresis last decided.
-- No row means outside.
CREATE TABLE team_zone_state (
    team_id bigint NOT NULL REFERENCES rescue_teams (id) ON DELETE CASCADE,
    zone_id bigint NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    inside  boolean NOT NULL,
    since   timestamptz NOT NULL,
    PRIMARY KEY (team_id, zone_id)
);

-- Where a team is for "nearest": its last position, else its home base.
-- The geometry index serves KNN (<->) for candidates, the geography index
-- serves the exact ST_DWithin that re-ranks them.
CREATE INDEX rescue_teams_pos_idx ON rescue_teams USING gist ((COALESCE(last_position, geom)));
CREATE INDEX rescue_teams_pos_geog_idx ON rescue_teams USING gist ((COALESCE(last_position, geom)::geography));
CREATE INDEX supply_depots_geog_idx ON supply_depots USING gist ((geom::geography));
CREATE INDEX medical_facilities_geog_idx ON medical_facilities USING gist ((geom::geography));
CREATE INDEX experts_geog_idx ON experts USING gist ((geom::geography));

-- +goose Down
DROP INDEX experts_geog_idx;
DROP INDEX medical_facilities_geog_idx;
DROP INDEX supply_depots_geog_idx;
DROP INDEX rescue_teams_pos_geog_idx;
DROP INDEX rescue_teams_pos_idx;
DROP TABLE team_zone_state;
DROP TABLE team_positions;
DROP TABLE team_assignments;
DROP TABLE shelter_allocations;
DROP TABLE zones;
DROP TABLE zone_runs;
