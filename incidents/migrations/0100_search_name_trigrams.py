"""Trigram indexes for the search's substring matches on names (issue 18; see incidents/search.py).

The queue's search matches the partners' and customers' names, the customers'
tenant domains and the users' names and e-mail addresses with ``icontains``
(``UPPER(column) LIKE UPPER('%term%')``). Without an index that reads every row of
each table on every search: 5,000 users at 100,000 incidents, the largest part of a
search's time once the incidents' own parts are bounded (bench/FINDINGS.md). A
trigram GIN index on the same ``UPPER(column)`` expression serves the LIKE.

PostgreSQL only (pg_trgm is installed by 0005); nothing happens on SQLite.
"""

from django.db import migrations

COLUMNS = [
    ("partners_user", "first_name"),
    ("partners_user", "last_name"),
    ("partners_user", "email"),
    ("partners_partner", "name"),
    ("partners_customer", "name"),
    ("partners_customer", "tenant_domain"),
]


def _name(table: str, column: str) -> str:
    return f"{table.removeprefix('partners_')}_{column}_upper_trgm_idx"


FORWARD = "\n".join(
    f"CREATE INDEX IF NOT EXISTS {_name(table, column)} ON {table} "
    f"USING gin ((UPPER({column}::text)) gin_trgm_ops);"
    for table, column in COLUMNS
)
BACKWARD = "\n".join(f"DROP INDEX IF EXISTS {_name(table, column)};" for table, column in COLUMNS)


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
        ("incidents", "0006_saved_view"),
        ("partners", "0004_alter_user_managers"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
