-- What-if for FINDINGS.md §1b: "first response overdue" served by a partial index.
-- bench/run --extra-sql bench/whatif-open-queue-index.sql
CREATE INDEX incident_awaiting_due_idx ON incidents_incident (severity, response_due_at, id)
    WHERE first_response_at IS NULL AND status IN ('submitted', 'in_progress', 'waiting');
