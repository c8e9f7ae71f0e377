"""Property-based fuzzing of every form of the portal (issue 14, with Hypothesis):
whatever text reaches any field, ``is_valid()`` answers True or False, it never
raises, and a form never writes."""

from __future__ import annotations

import inspect

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import Platform
from tests.security.test_access_matrix import world  # noqa: F401  (a fixture)
from tests.security.test_length_limits import _form_classes

from .fuzz import CORPUS, STATS
from .helpers import row_counts

FORMS = sorted(_form_classes(), key=lambda cls: f"{cls.__module__}.{cls.__name__}")
CORPUS_TEXT = [v.decode("utf-8", "surrogatepass") for k, v in CORPUS.items() if k != "invalid_utf8"]
# Any code point (lone surrogates too), or one of the hand-made hostile values.
TEXT = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=400),
    st.sampled_from(CORPUS_TEXT),
)


def _kwargs(form_class, world):  # noqa: F811
    user = world["a"]
    candidates = {
        "user": user,
        "partner": user.partner,
        "incident": world["incident"],
        "customer": world["customer"],
        "platform": Platform.AZURE,
        "region": "HU",
        "time_zone": "Europe/Budapest",
    }
    wanted = inspect.signature(form_class.__init__).parameters
    return {name: value for name, value in candidates.items() if name in wanted}


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_no_form_raises_or_writes_whatever_it_is_given(form_class, world):  # noqa: F811
    kwargs = _kwargs(form_class, world)
    names = list(form_class(**kwargs).fields)
    before = row_counts()

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({name: TEXT for name in names}))
    def check(data):
        with transaction.atomic():  # a failing query must not poison the test's transaction
            form = form_class(data=data, **kwargs)
            assert form.is_valid() in (True, False)

    check()
    STATS.forms.add((form_class.__module__, form_class.__name__))
    for name in names:
        STATS.count(f"form:{form_class.__name__}", name, "hypothesis: 15 generated texts")
    assert row_counts() == before
