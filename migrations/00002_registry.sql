-- The registry: the layers the county keeps current between
-- incidents — major hazard sources, sensitive sites, shelters, rescue teams,
-- supply depots, medical facilities, experts and population cells — and the
-- history of every version of every feature.
--
-- Every layer has: id, version (optimistic concurrency, the ETag), updated_at,
-- a typed WGS 84 geometry with a GiST index, an optional client code unique in
-- the layer, and a synthetic flag for demo data. Layers that distance queries
-- read (ST_DWithin on geography) also have a GiST index on geom::geography,
-- which is what lets those queries use an index.
--
-- Deleted features are removed from their layer's table (so names and codes
-- can be reused and the live indexes hold only live rows); registry_history
-- keeps every version, including a final 'delete' row.

-- +goose Up
CREATE TABLE registry_history (
    layer       text NOT NULL,
    feature_id  bigint NOT NULL,
    version     integer NOT NULL,
    action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    -- The feature as GET returned it at this version (for 'delete': as it was
    -- when deleted).
    feature     jsonb NOT NULL,
    actor_name  text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (layer, feature_id, version)
);

-- 重大危险源 (GB 18218-2018). The grading columns are computed by the server on
-- every change of the inventory or the site and on every change of the
-- population cells within 500 m; grading holds how they were reached.
CREATE TABLE hazard_sources (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version            integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    geom               geometry(Geometry, 4326) NOT NULL
                       CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom)),
    code               text UNIQUE,
    name               text NOT NULL,
    enterprise         text NOT NULL,
    address            text,
    township_code      text,
    filing_status      text NOT NULL CHECK (filing_status IN ('registered', 'filed', 'monitored', 'cancelled')),
    responsible_person text,
    responsible_phone  text,
    last_inspection    date,
    inventory          jsonb NOT NULL CHECK (jsonb_typeof(inventory) = 'array'),
    notes              text,
    synthetic          boolean NOT NULL DEFAULT false,
    s                  double precision NOT NULL CHECK (s >= 0),
    r                  double precision NOT NULL CHECK (r >= 0),
    alpha              double precision NOT NULL,
    people_within_500m integer NOT NULL CHECK (people_within_500m >= 0),
    major              boolean NOT NULL,
    grade              text CHECK (grade IN ('I', 'II', 'III', 'IV')),
    grading            jsonb NOT NULL,
    CONSTRAINT hazard_sources_enterprise_name_key UNIQUE (enterprise, name),
    CHECK ((grade IS NOT NULL) = major)
);
CREATE INDEX hazard_sources_geom_idx ON hazard_sources USING gist (geom);
CREATE INDEX hazard_sources_geog_idx ON hazard_sources USING gist ((geom::geography));
CREATE INDEX hazard_sources_status_idx ON hazard_sources (filing_status);

-- Sensitive sites that hazard sources must keep away from (plan 1.5.2, 3.1.2);
-- kind uses hazards.SiteKinds (shelters are their own layer).
CREATE TABLE sensitive_sites (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Geometry, 4326) NOT NULL
                  CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom)),
    code          text UNIQUE,
    name          text NOT NULL,
    kind          text NOT NULL,
    township_code text,
    people        integer CHECK (people >= 0),
    notes         text,
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX sensitive_sites_geom_idx ON sensitive_sites USING gist (geom);
CREATE INDEX sensitive_sites_geog_idx ON sensitive_sites USING gist ((geom::geography));

-- 应急避难场所 (plan 6.6.3).
CREATE TABLE shelters (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Point, 4326) NOT NULL,
    code          text UNIQUE,
    name          text NOT NULL,
    class         text NOT NULL CHECK (class IN ('emergency', 'short_term', 'long_term')),
    capacity      integer NOT NULL CHECK (capacity >= 0),
    area_m2       double precision CHECK (area_m2 >= 0),
    status        text NOT NULL CHECK (status IN ('open', 'closed', 'full')),
    occupancy     integer NOT NULL DEFAULT 0 CHECK (occupancy >= 0),
    facilities    text[] NOT NULL DEFAULT '{}',
    address       text,
    township_code text,
    contact_phone text,
    synthetic     boolean NOT NULL DEFAULT false,
    CONSTRAINT shelters_occupancy_within_capacity CHECK (occupancy <= capacity)
);
CREATE INDEX shelters_geom_idx ON shelters USING gist (geom);
CREATE INDEX shelters_geog_idx ON shelters USING gist ((geom::geography));

-- Rescue teams (plan 6.2): the geometry is the home base; last_position is
-- where the team was last seen, with the time it was observed.
CREATE TABLE rescue_teams (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    geom            geometry(Point, 4326) NOT NULL,
    code            text UNIQUE,
    name            text NOT NULL,
    kind            text NOT NULL,
    organisation    text,
    capabilities    text[] NOT NULL DEFAULT '{}',
    headcount       integer NOT NULL CHECK (headcount >= 0),
    equipment       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(equipment) = 'array'),
    status          text NOT NULL,
    last_position   geometry(Point, 4326),
    observed_at     timestamptz,
    contact_person  text,
    contact_phone   text,
    synthetic       boolean NOT NULL DEFAULT false,
    CHECK ((last_position IS NULL) = (observed_at IS NULL))
);
CREATE INDEX rescue_teams_geom_idx ON rescue_teams USING gist (geom);
CREATE INDEX rescue_teams_last_position_idx ON rescue_teams USING gist (last_position);

-- Supply and equipment reserves (plan 6.4); stock lines are {item, unit, quantity}.
CREATE TABLE supply_depots (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Point, 4326) NOT NULL,
    code          text UNIQUE,
    name          text NOT NULL,
    operator      text,
    address       text,
    contact_phone text,
    stock         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(stock) = 'array'),
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX supply_depots_geom_idx ON supply_depots USING gist (geom);

-- The medical network (plan 6.6.1).
CREATE TABLE medical_facilities (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Point, 4326) NOT NULL,
    code          text UNIQUE,
    name          text NOT NULL,
    kind          text NOT NULL,
    beds          integer CHECK (beds >= 0),
    ambulances    integer CHECK (ambulances >= 0),
    specialties   text[] NOT NULL DEFAULT '{}',
    contact_phone text,
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX medical_facilities_geom_idx ON medical_facilities USING gist (geom);

-- The expert pool (plan 6.3); the geometry is the expert's base.
CREATE TABLE experts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Point, 4326) NOT NULL,
    code          text UNIQUE,
    name          text NOT NULL,
    field         text NOT NULL,
    employer      text,
    title         text,
    contact_phone text,
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX experts_geom_idx ON experts USING gist (geom);

-- Population cells: head counts by night (residents, 常住人口) and by day.
CREATE TABLE population_cells (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    geom          geometry(Geometry, 4326) NOT NULL
                  CHECK (GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    code          text UNIQUE,
    night_people  integer NOT NULL CHECK (night_people >= 0),
    day_people    integer CHECK (day_people >= 0),
    township_code text,
    source        text,
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX population_cells_geom_idx ON population_cells USING gist (geom);
CREATE INDEX population_cells_geog_idx ON population_cells USING gist ((geom::geography));

-- +goose Down
DROP TABLE population_cells;
DROP TABLE experts;
DROP TABLE medical_facilities;
DROP TABLE supply_depots;
DROP TABLE rescue_teams;
DROP TABLE shelters;
DROP TABLE sensitive_sites;
DROP TABLE hazard_sources;
DROP TABLE registry_history;
