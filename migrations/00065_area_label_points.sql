-- Where an area's name is written on the map, one point per area: the
-- centre of the largest circle inside it (its "pole of inaccessibility").
-- Labelling the polygon itself writes the name once per map tile the
-- polygon crosses, so the wall showed a neighbouring district's name two
-- or three times. A neighbour is labelled inside its part within 10 km of
-- the county's extent, so that its name shows around the county, where
-- the wall looks, rather than at its own far-off middle.

-- +goose Up
ALTER TABLE admin_areas ADD COLUMN label geometry(Point, 4326);

-- +goose StatementBegin
CREATE FUNCTION refresh_admin_area_labels() RETURNS void LANGUAGE sql AS $$
    WITH near AS (
        SELECT ST_Envelope(ST_Buffer(geom::geography, 10000)::geometry) AS box FROM admin_areas WHERE is_county
    ), labels AS (
        SELECT x.code, (ST_MaximumInscribedCircle(CASE
                WHEN x.is_county OR near.box IS NULL OR ST_IsEmpty(p.part) THEN x.geom ELSE p.part END)).center AS label
        FROM admin_areas x
        LEFT JOIN near ON true
        CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(x.geom, near.box), 3) AS part) p
    )
    UPDATE admin_areas a SET label = labels.label FROM labels WHERE labels.code = a.code;
$$;
-- +goose StatementEnd

SELECT refresh_admin_area_labels();

-- +goose Down
DROP FUNCTION refresh_admin_area_labels();
ALTER TABLE admin_areas DROP COLUMN label;
