-- Which road edges lie in a minor piece of the network: one holding less
-- than 5 % of the road length of the largest piece (a stub cut off by the
-- extract's edge, a service road mapped without its junction). Snapping
-- prefers a road of a major piece within reach, so a team parked by such
-- a stub is routed from the road it can really drive on, not called cut
-- off. Set by routing.Build.

-- +goose Up
ALTER TABLE routing_edges ADD COLUMN minor_piece boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE routing_edges DROP COLUMN minor_piece;
