-- +goose Up
-- Every position fix rewrites its team's row, and a row that moves puts a
-- new entry in every index of rescue_teams. The GiST index on
-- last_position alone served no query: the map, tiles, the live stream's
-- box and nearest all find a team where it is, COALESCE(last_position,
-- geom), which rescue_teams_pos_idx indexes. One fewer GiST insert per fix.
DROP INDEX rescue_teams_last_position_idx;

-- +goose Down
CREATE INDEX rescue_teams_last_position_idx ON rescue_teams USING gist (last_position);
