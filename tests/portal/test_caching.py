"""portal.lib.caching.cached: the one "read the cache or compute and keep" rule."""

from unittest import mock

import pytest
from django.core.cache import cache

from portal.lib.caching import cached


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_it_computes_on_a_miss_and_then_reads_the_stored_value():
    compute = mock.Mock(return_value=[("1", "Anna")])
    assert cached("test:key", compute, 60) == [("1", "Anna")]
    assert cached("test:key", compute, 60) == [("1", "Anna")]
    assert compute.call_count == 1


def test_an_empty_answer_is_kept_too():
    compute = mock.Mock(return_value=[])
    cached("test:empty", compute, 60)
    cached("test:empty", compute, 60)
    assert compute.call_count == 1


def test_it_stores_for_the_given_ttl_and_computes_again_once_dropped():
    compute = mock.Mock(side_effect=[1, 2])
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        assert cached("test:ttl", compute, 42) == 1
    stored.assert_called_once_with("test:ttl", 1, 42)
    cache.delete("test:ttl")  # what the signals do on a change
    assert cached("test:ttl", compute, 42) == 2
