-- Warnings out to the public (plan 3.2.2, 4.5, 4.6): the channels a warning
-- is sent through (the SMS platform, the broadcaster, a TV/radio newsroom)
-- and an outbox of deliveries queued in the same transaction as the
-- warning's version; and the county's jurisdiction on every registry layer.

-- +goose Up

-- Whether a registry feature lies wholly outside the county boundary;
-- computed by the server on every write (registry.OutsideCountySQL); NULL
-- when no county boundary is loaded.
ALTER TABLE hazard_sources     ADD COLUMN outside_county boolean;
ALTER TABLE sensitive_sites    ADD COLUMN outside_county boolean;
ALTER TABLE shelters           ADD COLUMN outside_county boolean;
ALTER TABLE rescue_teams       ADD COLUMN outside_county boolean;
ALTER TABLE supply_depots      ADD COLUMN outside_county boolean;
ALTER TABLE medical_facilities ADD COLUMN outside_county boolean;
ALTER TABLE experts            ADD COLUMN outside_county boolean;
ALTER TABLE population_cells   ADD COLUMN outside_county boolean;
UPDATE hazard_sources t     SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE sensitive_sites t    SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE shelters t           SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE rescue_teams t       SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE supply_depots t      SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE medical_facilities t SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE experts t            SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE population_cells t   SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);

-- A release channel of plan 3.2.2, set up by an administrator: an HTTP
-- endpoint taking either the CAP 1.2 document or JSON with the text the
-- channel needs. The secret (a token, a password, a header's value) is
-- write-only: no read of the API returns it, and the audit trail never
-- holds it.
CREATE TABLE warning_channels (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    kind          text NOT NULL CHECK (kind IN ('sms', 'broadcast', 'newsroom', 'cap_hub', 'other')),
    format        text NOT NULL CHECK (format IN ('cap_xml', 'json')),
    url           text NOT NULL,
    enabled       boolean NOT NULL DEFAULT true,
    -- Whether exercise (drill) warnings are sent too (CAP status Exercise).
    drills        boolean NOT NULL DEFAULT false,
    -- The longest text the channel takes (JSON format): an SMS's length.
    max_chars     integer CHECK (max_chars BETWEEN 20 AND 100000),
    timeout_s     integer NOT NULL DEFAULT 10 CHECK (timeout_s BETWEEN 1 AND 120),
    auth_type     text NOT NULL DEFAULT 'none' CHECK (auth_type IN ('none', 'bearer', 'basic', 'header')),
    auth_username text,
    auth_header   text,
    secret        text,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one delivery per channel and warning version, queued in the
-- transaction that publishes the version and delivered at least once by a
-- worker in every server process (claimed with FOR UPDATE SKIP LOCKED and a
-- lease), with retries and backoff; the receiver gets idempotency_key as the
-- Idempotency-Key header on every attempt, so one that honours it acts once.
CREATE TABLE warning_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id      bigint NOT NULL REFERENCES warning_channels (id),
    warning_id      bigint NOT NULL REFERENCES warnings (id),
    version_id      bigint NOT NULL REFERENCES warning_versions (id),
    idempotency_key text NOT NULL UNIQUE,
    -- pending: not tried yet; sending: an attempt holds the lease;
    -- retrying: the last attempt failed, the next is at next_attempt_at;
    -- delivered: the receiver answered 2xx.
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'retrying', 'delivered')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (channel_id, version_id)
);
CREATE INDEX warning_deliveries_due_idx ON warning_deliveries (next_attempt_at, id) WHERE state <> 'delivered';
CREATE INDEX warning_deliveries_warning_idx ON warning_deliveries (warning_id, id);
CREATE INDEX warning_deliveries_order_idx ON warning_deliveries (channel_id, warning_id, id) WHERE state <> 'delivered';

-- +goose Down
DROP TABLE warning_deliveries;
DROP TABLE warning_channels;
ALTER TABLE population_cells   DROP COLUMN outside_county;
ALTER TABLE experts            DROP COLUMN outside_county;
ALTER TABLE medical_facilities DROP COLUMN outside_county;
ALTER TABLE supply_depots      DROP COLUMN outside_county;
ALTER TABLE rescue_teams       DROP COLUMN outside_county;
ALTER TABLE shelters           DROP COLUMN outside_county;
ALTER TABLE sensitive_sites    DROP COLUMN outside_county;
ALTER TABLE hazard_sources     DROP COLUMN outside_county;
