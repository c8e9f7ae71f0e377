"""Query expressions the apps share."""

from __future__ import annotations

from django.db.models import BooleanField, Func


class EqualsAny(Func):
    """``lhs = ANY(array)`` (PostgreSQL only)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
