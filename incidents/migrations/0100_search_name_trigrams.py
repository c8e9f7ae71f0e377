"""Trigram indexes for the search's substring matches on names (issue 18; see incidents/search.py).

The queue's search matches each word as a substring of the partners' names, of the
customers' name and tenant domain, and of the users' first and last name and e-mail
address (``UPPER(text) LIKE UPPER('%word%')``). Without an index that reads every
row of each table on every search (5,000 users and 2,000 customers at 100,000
incidents): the largest part of a search's time once the incidents' own parts are
bounded (bench/FINDINGS.md). A trigram GIN index on the same ``UPPER(text)``
expression serves the LIKE, one index (one scan) per table.

PostgreSQL only (pg_trgm is installed by 0005); nothing happens on SQLite.
"""

from django.db import migrations

# (index, table, the searched text): the same expressions as incidents/search.py's SQL.
INDEXES = [
    (
        "user_search_upper_trgm_idx",
        "partners_user",
        "first_name::text || ' ' || last_name::text || ' ' || email::text",
    ),
    ("partner_name_upper_trgm_idx", "partners_partner", "name::text"),
    (
        "customer_search_upper_trgm_idx",
        "partners_customer",
        "name::text || ' ' || tenant_domain::text",
    ),
]
FORWARD = "\n".join(
    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({text})) gin_trgm_ops);"
    # The statistics of the indexed expression: the planner's estimate for the LIKE.
    f"ANALYZE {table};"
    for name, table, text in INDEXES
)
BACKWARD = "\n".join(f"DROP INDEX IF EXISTS {name};" for name, _, _ in INDEXES)


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
