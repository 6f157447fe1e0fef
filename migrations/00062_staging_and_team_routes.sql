-- Staging points (集结点) and the routes of dispatched teams (package
-- dispatch, on package routing).
--
-- A staging point is where responders to an incident gather, outside its
-- isolation zone: proposed by Sitrep on the zone's upwind edge, on a road,
-- or placed by a dispatcher. One per incident; teams dispatched while it
-- stands are routed to it rather than into the zone.
--
-- A dispatched team's route is stored with its assignment: the line, its
-- time and length when it set off, where it leads, and the ETA, which the
-- team's position fixes bring up to date (what is left of the line, at the
-- route's own speed).

-- +goose Up
CREATE TABLE staging_points (
    incident_id bigint PRIMARY KEY REFERENCES incidents (id),
    version     integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    geom        geometry(Point, 4326) NOT NULL,
    -- 'proposed' by Sitrep, or 'placed' by a dispatcher.
    source      text NOT NULL CHECK (source IN ('proposed', 'placed')),
    -- How it was chosen, in Chinese (wind, zone edge, distance to road).
    note        text NOT NULL DEFAULT '',
    set_by      text NOT NULL
);
CREATE INDEX staging_points_geom_idx ON staging_points USING gist (geom);

ALTER TABLE team_assignments
    ADD COLUMN destination      geometry(Point, 4326),
    -- 'staging' (the incident's staging point) or 'incident'.
    ADD COLUMN destination_kind text CHECK (destination_kind IN ('staging', 'incident')),
    ADD COLUMN route            geometry(LineString, 4326),
    ADD COLUMN route_seconds    double precision CHECK (route_seconds >= 0),
    ADD COLUMN route_distance_m double precision CHECK (route_distance_m >= 0),
    -- Why there is no route (no roads loaded, no road reaches), in Chinese.
    ADD COLUMN route_note       text NOT NULL DEFAULT '',
    ADD COLUMN eta              timestamptz,
    -- The time of the position the ETA was reckoned from.
    ADD COLUMN eta_from         timestamptz;
CREATE INDEX team_assignments_route_idx ON team_assignments USING gist (route) WHERE ended_at IS NULL AND route IS NOT NULL;

-- +goose Down
DROP INDEX team_assignments_route_idx;
ALTER TABLE team_assignments
    DROP COLUMN destination, DROP COLUMN destination_kind, DROP COLUMN route, DROP COLUMN route_seconds,
    DROP COLUMN route_distance_m, DROP COLUMN route_note, DROP COLUMN eta, DROP COLUMN eta_from;
DROP TABLE staging_points;
