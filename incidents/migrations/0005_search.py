"""Full-text and substring search of incidents (issue 18); see incidents/search.py.

PostgreSQL only (the operations below do nothing on SQLite):
* pg_trgm, and a trigram GIN index on the number, so any part of it ("000010") is
  found without reading every row;
* a ``search_vector`` on incidents and messages, written by a trigger on every insert
  and update (so every channel, the workflow and the admin keep it current without
  knowing about it) and read through a GIN index.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INCIDENT_DOCUMENT = """
    setweight(to_tsvector('simple', coalesce(NEW.number, '') || ' ' || coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(NEW.contact_name, '') || ' '
                 || coalesce(NEW.contact_email, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(NEW.description, '') || ' '
                 || coalesce(NEW.error_message, '')), 'C')
"""

FORWARD = f"""
CREATE FUNCTION incidents_incident_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := {INCIDENT_DOCUMENT};
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_incident_search_vector
    BEFORE INSERT OR UPDATE ON incidents_incident
    FOR EACH ROW EXECUTE FUNCTION incidents_incident_search_vector();

CREATE FUNCTION incidents_message_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('simple', coalesce(NEW.body, ''));
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_message_search_vector
    BEFORE INSERT OR UPDATE ON incidents_message
    FOR EACH ROW EXECUTE FUNCTION incidents_message_search_vector();

UPDATE incidents_incident SET id = id;
UPDATE incidents_message SET id = id;
CREATE INDEX incident_search_idx ON incidents_incident USING gin (search_vector);
CREATE INDEX message_search_idx ON incidents_message USING gin (search_vector);
CREATE INDEX incident_number_trgm_idx ON incidents_incident USING gin (number gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS incident_number_trgm_idx;
DROP INDEX IF EXISTS message_search_idx;
DROP INDEX IF EXISTS incident_search_idx;
DROP TRIGGER IF EXISTS incidents_message_search_vector ON incidents_message;
DROP FUNCTION IF EXISTS incidents_message_search_vector();
DROP TRIGGER IF EXISTS incidents_incident_search_vector ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)  # no parameters: several statements in one call


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_text_length_limits"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="incident",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
