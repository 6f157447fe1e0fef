-- The routable road network (package routing): basemap_roads split into
-- edges at the nodes ways share, with travel times for pgRouting. Built
-- and replaced inside each basemap import's transaction, so a reader sees
-- the roads and their network from the same load or neither.
--
-- Vertices and edges are WGS 84 lon/lat with a typed SRID; lengths are
-- metres on the ellipsoid, costs seconds. A cost of -1 (pgRouting's
-- convention: negative is no way through) closes one direction of a
-- one-way street.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pgrouting;

CREATE TABLE routing_vertices (
    id   bigint PRIMARY KEY,
    geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX routing_vertices_geom_idx ON routing_vertices USING gist (geom);

CREATE TABLE routing_edges (
    id           bigint PRIMARY KEY,
    -- The basemap_roads row (one OSM way) the edge is a piece of; no
    -- foreign key: both are replaced together by the import.
    road_id      bigint NOT NULL,
    source       bigint NOT NULL REFERENCES routing_vertices (id),
    target       bigint NOT NULL REFERENCES routing_vertices (id),
    length_m     double precision NOT NULL CHECK (length_m >= 0),
    -- Seconds from source to target and back; -1 where one-way forbids.
    cost         double precision NOT NULL CHECK (cost >= 0 OR cost = -1),
    reverse_cost double precision NOT NULL CHECK (reverse_cost >= 0 OR reverse_cost = -1),
    geom         geometry(LineString, 4326) NOT NULL
);
CREATE INDEX routing_edges_geom_idx ON routing_edges USING gist (geom);
CREATE INDEX routing_edges_source_idx ON routing_edges (source);
CREATE INDEX routing_edges_target_idx ON routing_edges (target);

-- What each import's network was (routing.Stats): vertices, edges,
-- disconnected pieces; NULL for imports made before the network existed.
ALTER TABLE basemap_imports ADD COLUMN network jsonb;

-- +goose Down
ALTER TABLE basemap_imports DROP COLUMN network;
DROP TABLE routing_edges;
DROP TABLE routing_vertices;
DROP EXTENSION IF EXISTS pgrouting;
