"""The engineer-group answer is cached per user and dropped when it may have changed."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from partners.models import User
from tests.builders import make_engineer, make_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("incidents:queue")


def fresh(user) -> User:
    """The user as the next request reads it (no per-object memo)."""
    return User.objects.get(pk=user.pk)


def engineers_group() -> Group:
    return Group.objects.get_or_create(name="Support engineers")[0]


def rename(group: Group, name: str) -> None:
    group.name = name
    group.save()


def test_the_second_answer_reads_nothing(django_assert_num_queries):
    engineer = make_engineer("erik")
    user = fresh(engineer)
    with django_assert_num_queries(1):  # the group, then kept
        assert user.is_support_engineer is True
    user = fresh(engineer)
    with django_assert_num_queries(0):
        assert user.is_support_engineer is True


def test_a_no_is_cached_too(django_assert_num_queries):
    outsider = make_user(None, username="olga")
    assert fresh(outsider).is_support_engineer is False
    user = fresh(outsider)
    with django_assert_num_queries(0):
        assert user.is_support_engineer is False


def test_a_partner_user_is_never_asked_about_groups(partner_user, django_assert_num_queries):
    partner_user.groups.add(engineers_group())
    user = User.objects.select_related("partner").get(pk=partner_user.pk)
    with django_assert_num_queries(0):
        assert user.is_support_engineer is False


def test_a_removed_engineer_loses_the_queue_at_once(client):
    engineer = make_engineer("erik")
    client.force_login(engineer)
    assert client.get(QUEUE).status_code == 200  # the answer is now cached
    engineer.groups.remove(engineers_group())
    assert client.get(QUEUE).status_code == 403


def test_a_new_engineer_gets_the_queue_at_once(client):
    user = make_user(None, username="newbie")
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403  # "no" is cached
    user.groups.add(engineers_group())
    assert client.get(QUEUE).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda user, group: user.groups.remove(group),
        lambda user, group: user.groups.clear(),
        lambda user, group: user.groups.set([]),
        lambda user, group: group.user_set.remove(user),
        lambda user, group: group.user_set.clear(),
        lambda user, group: group.user_set.set([]),
        lambda user, group: group.delete(),
        lambda user, group: rename(group, "Former engineers"),
    ],
    ids=[
        "user-remove", "user-clear", "user-set", "group-remove", "group-clear", "group-set",
        "group-deleted", "group-renamed",
    ],
)  # fmt: skip
def test_every_way_out_of_the_group_drops_the_answer(change):
    engineer = make_engineer("erik")
    bystander = make_engineer("bea")
    assert fresh(engineer).is_support_engineer is True
    change(engineer, engineers_group())
    assert fresh(engineer).is_support_engineer is False
    still = fresh(bystander).is_support_engineer
    assert still is (Group.objects.filter(name="Support engineers", user=bystander).exists())


@pytest.mark.parametrize(
    "change",
    [
        lambda user, group: user.groups.add(group),
        lambda user, group: group.user_set.add(user),
        lambda user, group: user.groups.set([group]),
    ],
    ids=["user-add", "group-add", "user-set"],
)
def test_every_way_into_the_group_drops_the_answer(change):
    user = make_user(None, username="newbie")
    assert fresh(user).is_support_engineer is False
    change(user, engineers_group())
    assert fresh(user).is_support_engineer is True


def test_a_group_renamed_to_the_engineers_name_makes_its_members_engineers():
    group = Group.objects.create(name="Escalations")
    user = make_user(None, username="esc")
    user.groups.add(group)
    assert fresh(user).is_support_engineer is False
    engineers_group().delete()
    group.name = "Support engineers"
    group.save()
    assert fresh(user).is_support_engineer is True


def test_a_deleted_user_leaves_no_answer_behind():
    engineer = make_engineer("erik")
    assert fresh(engineer).is_support_engineer is True
    pk = engineer.pk
    engineer.delete()
    # A new user given the same id (SQLite can reuse it) is asked again.
    again = make_user(None, username="again", id=pk)
    assert fresh(again).is_support_engineer is False


def test_saving_the_user_drops_the_answer():
    from django.core.cache import cache

    from partners import engineer_cache

    engineer = make_engineer("erik")
    assert fresh(engineer).is_support_engineer is True
    assert cache.get(engineer_cache.key(engineer.pk)) is True
    engineer.save()
    assert cache.get(engineer_cache.key(engineer.pk)) is None
