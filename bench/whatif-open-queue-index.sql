-- What-if for FINDINGS.md §1: the open queue served by a partial index.
-- bench/run --extra-sql bench/whatif-open-queue-index.sql
CREATE INDEX incident_open_due_idx ON incidents_incident (response_due_at, id)
    WHERE status IN ('submitted', 'in_progress', 'waiting');
