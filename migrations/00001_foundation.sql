-- The foundation: PostGIS, users and their credentials, the audit trail, the
-- event log that feeds the live stream, and the administrative boundaries.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

-- Roles mirror the plan's organisation (see auth/roles.go).
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
    display_name  text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('viewer', 'editor', 'dispatcher', 'duty_officer', 'commander', 'admin')),
    -- NULL for accounts that only use API tokens (devices, scripts).
    password_hash text,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens for scripts and devices. Only a SHA-256 of the secret is kept:
-- the secret is 256 random bits, so a fast hash is enough and lookups stay O(1).
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    label        text NOT NULL DEFAULT '',
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Browser sessions behind the HttpOnly cookie; hashed like tokens.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- One row that hands out event sequence numbers. A PostgreSQL SEQUENCE would
-- leave gaps on rollback and could be taken out of commit order; updating this
-- row inside the writing transaction holds its lock until commit, so numbers are
-- gap-free and increase in commit order. journal.Write takes it last, to keep
-- the lock short.
CREATE TABLE event_counter (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq  bigint NOT NULL
);
INSERT INTO event_counter (singleton, last_seq) VALUES (true, 0);

-- Every committed change that the live stream shows, in commit order.
CREATE TABLE events (
    seq         bigint PRIMARY KEY,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    topic       text NOT NULL,
    entity_id   text NOT NULL,
    action      text NOT NULL,
    drill       boolean NOT NULL DEFAULT false,
    data        jsonb NOT NULL
);

-- Who changed what, when, from what to what. Written in the same transaction as
-- the change itself, so a failed write leaves no audit row.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    actor_name text NOT NULL,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    action     text NOT NULL,
    before     jsonb,
    after      jsonb,
    event_seq  bigint REFERENCES events (seq)
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);

-- Administrative boundaries drawn as map context and used to check that a
-- location lies inside the county.
CREATE TABLE admin_areas (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    is_county   boolean NOT NULL DEFAULT false,
    properties  jsonb NOT NULL DEFAULT '{}',
    attribution text NOT NULL,
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);
-- At most one area is "the county" this server serves.
CREATE UNIQUE INDEX admin_areas_one_county ON admin_areas (is_county) WHERE is_county;

-- +goose Down
DROP TABLE admin_areas;
DROP TABLE audit_log;
DROP TABLE events;
DROP TABLE event_counter;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
