-- Watching the hazard sources (plan 3.1.2, 3.2): the instruments at a major
-- hazard source (registry layer "sensors"), their readings, the rules'
-- memory of each sensor and the alarms the rules raise; the weather
-- stations (registry layer "weather_stations") and their observations.
--
-- Readings are many (a plant gateway forwards every detector every few
-- seconds): they live in sensor_readings, partitioned by day (native
-- declarative partitioning; package internal/sensorstore creates the days
-- ahead and drops the days past the retention), keyed (sensor, time) so a
-- batch sent twice stores nothing twice. sensor_readings_minute keeps each
-- minute's count, min, max and sum, maintained on ingest from the rows that
-- were new, and outlives the raw rows. Readings are not in the audit trail
-- (they are not decisions, and would drown it); alarms are.

-- +goose Up
CREATE TABLE sensors (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version          integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    geom             geometry(Point, 4326) NOT NULL,
    code             text,
    name             text NOT NULL,
    hazard_source_id bigint NOT NULL,
    kind             text NOT NULL,
    unit             text NOT NULL,
    range_min        double precision NOT NULL DEFAULT 0,
    range_max        double precision NOT NULL,
    warn_high        double precision,
    alarm_high       double precision,
    warn_low         double precision,
    alarm_low        double precision,
    hold_s           integer NOT NULL DEFAULT 0 CHECK (hold_s >= 0),
    deadband         double precision CHECK (deadband >= 0),
    stale_after_s    integer CHECK (stale_after_s > 0),
    out_of_service   boolean NOT NULL DEFAULT false,
    synthetic        boolean NOT NULL DEFAULT false,
    CONSTRAINT sensors_code_key UNIQUE (code),
    CONSTRAINT sensors_hazard_source_fkey FOREIGN KEY (hazard_source_id) REFERENCES hazard_sources (id),
    CHECK (range_max > range_min)
);
CREATE INDEX sensors_geom_idx ON sensors USING gist (geom);
CREATE INDEX sensors_hazard_source_idx ON sensors (hazard_source_id);

-- Raw readings, one partition a day (sensor_readings_YYYYMMDD). No foreign
-- key: a deleted sensor's readings stay history, and the check would cost
-- every row of the ingest.
CREATE TABLE sensor_readings (
    sensor_id   bigint NOT NULL,
    at          timestamptz NOT NULL,
    value       double precision NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sensor_id, at)
) PARTITION BY RANGE (at);

CREATE TABLE sensor_readings_minute (
    sensor_id bigint NOT NULL,
    minute    timestamptz NOT NULL,
    n         integer NOT NULL CHECK (n > 0),
    min       double precision NOT NULL,
    max       double precision NOT NULL,
    sum       double precision NOT NULL,
    PRIMARY KEY (sensor_id, minute)
);

-- What the rules remember of each sensor (sensors.State) and its newest
-- reading, which the stale check reads.
CREATE TABLE sensor_state (
    sensor_id  bigint PRIMARY KEY REFERENCES sensors (id) ON DELETE CASCADE,
    state      jsonb NOT NULL,
    last_at    timestamptz,
    last_value double precision
);

-- One alarm is one episode: raised, perhaps escalated or stepped down,
-- acknowledged by a named person, cleared. A threshold alarm and a stale
-- alarm are kept apart: a detector can be stale while its last value was
-- in alarm. At most one open alarm of each kind per sensor.
CREATE TABLE alarms (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version          integer NOT NULL DEFAULT 1 CHECK (version > 0),
    sensor_id        bigint NOT NULL,
    hazard_source_id bigint NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('threshold', 'stale')),
    level            text NOT NULL CHECK (level IN ('warning', 'alarm')),
    dir              text CHECK (dir IN ('high', 'low')),
    value            double precision,
    set_point        double precision,
    -- What happened, for the person at the wall and in the audit trail.
    message          text NOT NULL,
    raised_at        timestamptz NOT NULL,
    changed_at       timestamptz NOT NULL,
    acked_at         timestamptz,
    acked_by         text,
    cleared_at       timestamptz,
    drill            boolean NOT NULL DEFAULT false,
    CHECK ((acked_at IS NULL) = (acked_by IS NULL)),
    CHECK ((kind = 'threshold') = (dir IS NOT NULL))
);
CREATE UNIQUE INDEX alarms_open_key ON alarms (sensor_id, kind) WHERE cleared_at IS NULL;
CREATE INDEX alarms_hazard_source_idx ON alarms (hazard_source_id);

CREATE TABLE weather_stations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    geom        geometry(Point, 4326) NOT NULL,
    code        text,
    name        text NOT NULL,
    operator    text,
    synthetic   boolean NOT NULL DEFAULT false,
    CONSTRAINT weather_stations_code_key UNIQUE (code)
);
CREATE INDEX weather_stations_geom_idx ON weather_stations USING gist (geom);
CREATE INDEX weather_stations_geog_idx ON weather_stations USING gist ((geom::geography));

CREATE TABLE weather_observations (
    station_id    bigint NOT NULL REFERENCES weather_stations (id) ON DELETE CASCADE,
    observed_at   timestamptz NOT NULL,
    wind_from_deg double precision CHECK (wind_from_deg BETWEEN 0 AND 360),
    wind_speed_ms double precision CHECK (wind_speed_ms >= 0),
    temperature_c double precision,
    cloud_oktas   double precision CHECK (cloud_oktas BETWEEN 0 AND 8),
    pressure_hpa  double precision,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, observed_at)
);

-- Where a zone run's wind came from, when a station's observation filled
-- it (internal/zones, weather "station"): station, observation, derived
-- stability and the inputs it filled. NULL: the inputs as a person gave them.
ALTER TABLE zone_runs ADD COLUMN weather jsonb;

-- +goose Down
ALTER TABLE zone_runs DROP COLUMN weather;
DROP TABLE weather_observations;
DROP TABLE weather_stations;
DROP TABLE alarms;
DROP TABLE sensor_state;
DROP TABLE sensor_readings_minute;
DROP TABLE sensor_readings;
DROP TABLE sensors;
