-- The jurisdiction flag (00050) on the registry layers that came with the
-- sensors (00040): both were written side by side, and 00050 listed the
-- layers it knew of. Computed by the server on every write and when the
-- county boundary loads; NULL when no boundary is loaded.

-- +goose Up
ALTER TABLE sensors          ADD COLUMN outside_county boolean;
ALTER TABLE weather_stations ADD COLUMN outside_county boolean;
UPDATE sensors t          SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);
UPDATE weather_stations t SET outside_county = (SELECT NOT bool_or(ST_Intersects(a.geom, t.geom)) FROM admin_areas a WHERE a.is_county);

-- +goose Down
ALTER TABLE weather_stations DROP COLUMN outside_county;
ALTER TABLE sensors          DROP COLUMN outside_county;
