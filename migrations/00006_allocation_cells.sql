-- Who has been given a place: each confirmed allocation's people per
-- population cell and shelter. A new proposal for any zone of the incident
-- places only those of a cell not yet placed (the same zone confirmed again,
-- or a ring holding an inner ring), and the incident's evacuated count is
-- the sum of these rows, so nobody is placed or counted twice.

-- +goose Up
CREATE TABLE shelter_allocation_cells (
    allocation_id bigint NOT NULL REFERENCES shelter_allocations (id),
    incident_id   bigint NOT NULL REFERENCES incidents (id),
    -- No foreign keys to the cell and the shelter: editing the registry
    -- later keeps the record of who was placed where.
    cell_id       bigint NOT NULL,
    shelter_id    bigint NOT NULL,
    people        integer NOT NULL CHECK (people > 0),
    PRIMARY KEY (allocation_id, cell_id, shelter_id)
);
-- What a proposal asks: placed so far per cell for the incident.
CREATE INDEX shelter_allocation_cells_incident_idx ON shelter_allocation_cells (incident_id, cell_id);

-- +goose Down
DROP TABLE shelter_allocation_cells;
