-- The road route from each place a zone's confirmed allocation evacuates
-- (a population cell, or a sensitive site inside the zone) to the shelter
-- it was given. A zone's routes are one set, computed after a confirmation
-- and on demand, and replaced whole: the set as of computed_at.

-- +goose Up
CREATE TABLE evacuation_routes (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_id       bigint NOT NULL REFERENCES zones (id),
    -- The latest of the zone's confirmed allocations that sent people of
    -- this place to this shelter.
    allocation_id bigint NOT NULL REFERENCES shelter_allocations (id),
    -- No foreign keys to the place and the shelter: a registry edit later
    -- keeps the record of the way people were sent; the names are kept as
    -- they were.
    from_kind     text NOT NULL CHECK (from_kind IN ('population_cell', 'sensitive_site')),
    from_id       bigint NOT NULL,
    from_name     text NOT NULL,
    -- Where the route starts: a point of the place inside the zone.
    from_geom     geometry(Point, 4326) NOT NULL,
    shelter_id    bigint NOT NULL,
    shelter_name  text NOT NULL,
    -- People placed from a cell; a site's own people where it states them
    -- (they are also counted in its cell), else NULL.
    people        integer CHECK (people >= 0),
    reachable     boolean NOT NULL,
    off_road      boolean NOT NULL,
    seconds       double precision CHECK (seconds >= 0),
    distance_m    double precision CHECK (distance_m >= 0),
    geom          geometry(LineString, 4326),
    -- The active zones the route met and what routing made of them.
    zones_on_way  jsonb NOT NULL DEFAULT '[]',
    computed_at   timestamptz NOT NULL,
    CHECK (reachable OR (seconds IS NULL AND distance_m IS NULL AND geom IS NULL)),
    UNIQUE (zone_id, from_kind, from_id, shelter_id)
);
CREATE INDEX evacuation_routes_geom_idx ON evacuation_routes USING gist (geom);

-- +goose Down
DROP TABLE evacuation_routes;
