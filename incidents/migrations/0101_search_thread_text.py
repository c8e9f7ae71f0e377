"""The thread's text joins the incident's own ``search_vector`` (issue 18; see incidents/search.py).

Before, a search matched the messages through their own vectors, one part of the
search per source: for a common word a walk of the messages backwards by incident,
for a rare one their GIN index; the planner chose between them on an estimate, and
with a wrong one (a rare word taken for a common one) walked all 300,000 messages
at 100,000 incidents (bench/FINDINGS.md, "Search at 100,000"). Now the incident's
vector also holds its messages' words (weight D, below the description), so the
title, description, contact and thread are one index on one table.

* the incident's trigger (0005) adds ``string_agg`` of its messages' bodies;
* statement-level triggers on the messages (insert, update, delete) touch the
  incidents whose thread changed, once per statement (a bulk insert of a
  thousand messages updates each incident once), which re-runs that trigger;
* every incident is rewritten once here to fill it in (about a minute per 100,000
  incidents on a quiet machine; run ``VACUUM ANALYZE incidents_incident`` after).

PostgreSQL only; nothing happens on SQLite (its search reads the messages).
"""

from django.db import migrations

OWN = """
    setweight(to_tsvector('simple', coalesce(NEW.number, '') || ' ' || coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(NEW.contact_name, '') || ' '
                 || coalesce(NEW.contact_email, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(NEW.description, '') || ' '
                 || coalesce(NEW.error_message, '')), 'C')
"""
THREAD = """
    || setweight(to_tsvector('simple', coalesce(
        (SELECT string_agg(m.body, ' ' ORDER BY m.id) FROM incidents_message m
         WHERE m.incident_id = NEW.id), '')), 'D')
"""


def _incident_function(document: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION incidents_incident_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := {document};
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


TOUCH = """
CREATE FUNCTION incidents_message_touch_incident() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE incidents_incident SET id = id
        WHERE id IN (SELECT DISTINCT incident_id FROM old_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE incidents_incident SET id = id
        WHERE id IN (SELECT incident_id FROM new_rows UNION SELECT incident_id FROM old_rows);
    ELSE
        UPDATE incidents_incident SET id = id
        WHERE id IN (SELECT DISTINCT incident_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_message_thread_insert AFTER INSERT ON incidents_message
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_message_touch_incident();
CREATE TRIGGER incidents_message_thread_update AFTER UPDATE ON incidents_message
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_message_touch_incident();
CREATE TRIGGER incidents_message_thread_delete AFTER DELETE ON incidents_message
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_message_touch_incident();
"""

FORWARD = (
    _incident_function(OWN + THREAD)
    + TOUCH
    + "UPDATE incidents_incident SET id = id;"
    # Every row went through the GIN index's pending list: merge it now rather than
    # make the first searches read it, and give the planner the new vectors' statistics.
    + "SELECT gin_clean_pending_list('incident_search_idx'::regclass); ANALYZE incidents_incident;"
)
BACKWARD = (
    """
DROP TRIGGER IF EXISTS incidents_message_thread_insert ON incidents_message;
DROP TRIGGER IF EXISTS incidents_message_thread_update ON incidents_message;
DROP TRIGGER IF EXISTS incidents_message_thread_delete ON incidents_message;
DROP FUNCTION IF EXISTS incidents_message_touch_incident();
"""
    + _incident_function(OWN)
    + "UPDATE incidents_incident SET id = id;"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)  # no parameters: several statements in one call


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0100_search_name_trigrams")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
