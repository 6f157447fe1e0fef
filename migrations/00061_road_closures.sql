-- Road closures (plan 4.5, 交通管制): a dispatcher closes a road where a
-- line (a roadblock drawn across it, or along the stretch) or an area
-- meets it, and reopens it. A registry layer (internal/layers), so every
-- change is audited and on the live stream; package routing reads the
-- closed ones: no route drives an edge a closure meets.
--
-- Kept after reopening (status 'open'), so the log of who closed what,
-- and when, stays with the feature.

-- +goose Up
CREATE TABLE road_closures (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version        integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    geom           geometry(Geometry, 4326) NOT NULL
        CHECK (GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')),
    name           text NOT NULL,
    status         text NOT NULL DEFAULT 'closed' CHECK (status IN ('closed', 'open')),
    reason         text,
    ordered_by     text,
    synthetic      boolean NOT NULL DEFAULT false,
    outside_county boolean
);
CREATE INDEX road_closures_geom_idx ON road_closures USING gist (geom);
-- What every route asks: the closures in force.
CREATE INDEX road_closures_closed_geom_idx ON road_closures USING gist (geom) WHERE status = 'closed';

-- +goose Down
DROP TABLE road_closures;
