"""portal.lib.caching.cached: the one "read the cache or compute and keep" rule; and
cached_in_process, its per-process copy checked against a stamp in the cache."""

from unittest import mock

import pytest
from django.core.cache import cache

from portal.lib.caching import cached, cached_in_process, forget_in_process


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


# --- cached_in_process ---------------------------------------------------------------


def test_in_process_the_value_is_computed_once_and_not_unpickled_again():
    compute = mock.Mock(side_effect=lambda: [object()])
    first = cached_in_process("test:local", compute, 60)
    with mock.patch.object(cache, "get", wraps=cache.get) as reads:
        again = cached_in_process("test:local", compute, 60)
    assert again is first  # the same objects: no copy per read
    assert [c.args[0] for c in reads.call_args_list] == ["test:local:stamp"]
    assert compute.call_count == 1


def test_in_process_it_stores_value_and_stamp_for_the_given_ttl():
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        cached_in_process("test:ttl2", lambda: 7, 42)
    assert sorted((c.args[0], c.args[2]) for c in stored.call_args_list) == [
        ("test:ttl2", 42),
        ("test:ttl2:stamp", 42),
    ]


def test_in_process_forgetting_makes_every_reader_compute_again():
    compute = mock.Mock(side_effect=[1, 2])
    assert cached_in_process("test:forget", compute, 60) == 1
    forget_in_process("test:forget")  # what the signals do on a change
    assert cached_in_process("test:forget", compute, 60) == 2


def test_in_process_a_dropped_stamp_is_a_change_seen_from_another_process():
    # Another process (a shared cache) forgot the value: its stamp is gone from the cache,
    # while this process still holds its copy.
    compute = mock.Mock(side_effect=[1, 2])
    cached_in_process("test:other", compute, 60)
    cache.delete_many(["test:other", "test:other:stamp"])
    assert cached_in_process("test:other", compute, 60) == 2


def test_in_process_a_new_stamp_from_another_process_is_read_from_the_cache():
    compute = mock.Mock(side_effect=[1])
    cached_in_process("test:newer", compute, 60)
    cache.set("test:newer", ("another", 3), 60)  # another process stored a newer version
    cache.set("test:newer:stamp", "another", 60)
    assert cached_in_process("test:newer", compute, 60) == 3
    assert compute.call_count == 1


def test_in_process_a_value_left_without_its_stamp_is_not_trusted():
    compute = mock.Mock(side_effect=[1, 2])
    cached_in_process("test:expired", compute, 60)
    cache.delete("test:expired:stamp")  # expired or evicted first
    assert cached_in_process("test:expired", compute, 60) == 2


def test_in_process_a_cleared_cache_clears_the_copies():
    compute = mock.Mock(side_effect=[1, 2])
    cached_in_process("test:clear", compute, 60)
    cache.clear()
    assert cached_in_process("test:clear", compute, 60) == 2


@pytest.mark.django_db
def test_a_generation_is_kept_until_a_new_one_is_started():
    from portal.lib.caching import generation, new_generation

    first = generation("test:generation")
    assert generation("test:generation") == first
    new_generation("test:generation")
    second = generation("test:generation")
    assert second != first
    # Evicted (or expired): a token never drawn before, so no older entry comes back.
    cache.delete("test:generation")
    assert generation("test:generation") not in {first, second}


@pytest.mark.django_db(transaction=True)
def test_a_new_generation_is_started_again_when_the_transaction_commits():
    from django.db import transaction

    from portal.lib.caching import generation, new_generation

    with transaction.atomic():
        new_generation("test:generation")
        # Another request reads (old rows) before the commit and draws a token for them.
        read_before_commit = generation("test:generation")
    assert generation("test:generation") != read_before_commit
