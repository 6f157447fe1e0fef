-- The ground under the map: roads, railways, water, land use, buildings,
-- places and administrative boundaries from an OpenStreetMap extract
-- (sitrep basemap import), clipped to the county and a margin. Each load
-- replaces the one before in one transaction; basemap_imports keeps what
-- each load was.
--
-- Every geometry is WGS 84 lon/lat with a typed SRID and a GiST index. Roads
-- are single LineStrings in OSM way order (routing builds on them), with the
-- tags a router and a dispatcher need; ways that meet share their end or
-- inner vertices exactly as OSM's shared nodes put them.

-- +goose Up
CREATE TABLE basemap_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imported_at timestamptz NOT NULL DEFAULT now(),
    actor_name  text NOT NULL,
    -- The file as given (its base name), its size and SHA-256.
    file        text NOT NULL,
    file_bytes  bigint NOT NULL CHECK (file_bytes >= 0),
    sha256      text NOT NULL,
    -- The clip: the county grown by margin_m; NULL when no county boundary
    -- was loaded and nothing was clipped.
    margin_m    double precision,
    clip        geometry(MultiPolygon, 4326),
    -- Rows kept per table, and the townships matched to division codes.
    counts      jsonb NOT NULL,
    townships   jsonb NOT NULL DEFAULT '[]',
    seconds     double precision NOT NULL CHECK (seconds >= 0)
);

CREATE TABLE basemap_roads (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id   bigint NOT NULL,
    -- OSM highway=* (motorway … track, *_link); the tiles generalise by it.
    class    text NOT NULL,
    name     text,            -- name:zh where the way has one, else name
    ref      text,            -- route number(s), e.g. G216
    -- 1: only along the line's direction; -1: only against it; 0: both.
    oneway   smallint NOT NULL DEFAULT 0 CHECK (oneway IN (-1, 0, 1)),
    maxspeed integer CHECK (maxspeed > 0),   -- km/h
    bridge   boolean NOT NULL DEFAULT false,
    tunnel   boolean NOT NULL DEFAULT false,
    layer    smallint NOT NULL DEFAULT 0,
    geom     geometry(LineString, 4326) NOT NULL
);
CREATE INDEX basemap_roads_geom_idx ON basemap_roads USING gist (geom);
CREATE INDEX basemap_roads_osm_idx ON basemap_roads (osm_id);

CREATE TABLE basemap_railways (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id bigint NOT NULL,
    class  text NOT NULL,   -- rail, light_rail, subway, narrow_gauge, tram
    name   text,
    bridge boolean NOT NULL DEFAULT false,
    tunnel boolean NOT NULL DEFAULT false,
    geom   geometry(LineString, 4326) NOT NULL
);
CREATE INDEX basemap_railways_geom_idx ON basemap_railways USING gist (geom);

-- Rivers, streams, canals and ditches as lines.
CREATE TABLE basemap_waterways (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id bigint NOT NULL,
    class  text NOT NULL,
    name   text,
    geom   geometry(LineString, 4326) NOT NULL
);
CREATE INDEX basemap_waterways_geom_idx ON basemap_waterways USING gist (geom);

-- Lakes, reservoirs, river areas and wetlands.
CREATE TABLE basemap_water (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id  bigint NOT NULL,
    class   text NOT NULL,  -- lake, reservoir, river, pond, wetland, water
    name    text,
    area_m2 double precision NOT NULL,
    geom    geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX basemap_water_geom_idx ON basemap_water USING gist (geom);

CREATE TABLE basemap_landuse (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id  bigint NOT NULL,
    class   text NOT NULL,  -- residential, industrial, farmland, forest, grass…
    name    text,
    area_m2 double precision NOT NULL,
    geom    geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX basemap_landuse_geom_idx ON basemap_landuse USING gist (geom);

CREATE TABLE basemap_buildings (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id bigint NOT NULL,
    kind   text NOT NULL,   -- OSM building=* (yes, house, school…)
    name   text,
    geom   geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX basemap_buildings_geom_idx ON basemap_buildings USING gist (geom);

CREATE TABLE basemap_places (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id     bigint NOT NULL,
    class      text NOT NULL,  -- city, town, village, hamlet, suburb…
    name       text NOT NULL,
    population integer CHECK (population >= 0),
    geom       geometry(Point, 4326) NOT NULL
);
CREATE INDEX basemap_places_geom_idx ON basemap_places USING gist (geom);

-- Administrative boundaries, admin_level 4 (province) to 8 (township, 乡镇).
-- code is the division code (GB/T 2260 / NBS) where Sitrep could match the
-- boundary to one of the county's townships; label is where its name goes.
CREATE TABLE basemap_boundaries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    osm_id      bigint NOT NULL,
    admin_level smallint NOT NULL CHECK (admin_level BETWEEN 2 AND 11),
    name        text NOT NULL,
    code        text,
    label       geometry(Point, 4326) NOT NULL,
    geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX basemap_boundaries_geom_idx ON basemap_boundaries USING gist (geom);
-- The township of a place: only matched townships take part.
CREATE INDEX basemap_boundaries_township_idx ON basemap_boundaries USING gist (geom) WHERE admin_level = 8 AND code IS NOT NULL;

-- Search: one row per named thing (a road's segments with one name and
-- route number are one row), matched by substring of name or ref.
CREATE TABLE basemap_names (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind   text NOT NULL CHECK (kind IN ('place', 'road', 'township', 'water', 'railway')),
    class  text NOT NULL,
    name   text NOT NULL,
    ref    text,
    -- Where a result centres the map, and the extent it fits (a point
    -- for a place).
    point  geometry(Point, 4326) NOT NULL,
    extent geometry(Geometry, 4326) NOT NULL
);

-- +goose Down
DROP TABLE basemap_names;
DROP TABLE basemap_boundaries;
DROP TABLE basemap_places;
DROP TABLE basemap_buildings;
DROP TABLE basemap_landuse;
DROP TABLE basemap_water;
DROP TABLE basemap_waterways;
DROP TABLE basemap_railways;
DROP TABLE basemap_roads;
DROP TABLE basemap_imports;
