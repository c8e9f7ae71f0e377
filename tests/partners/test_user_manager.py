"""Who works with whom: ``User.objects`` and the incident's contacts (queries out of forms, issue 16)."""

from __future__ import annotations

from incidents.models import IncidentContact
from partners.models import User
from tests.builders import make_engineer, make_partner, make_staff, make_user
from tests.incidents.test_workflow_builders import make_incident


def test_colleagues_are_the_active_users_of_the_same_partner_by_name(db):
    partner = make_partner()
    me = make_user(partner, first_name="Mia", last_name="Zed")
    anna = make_user(partner, first_name="Anna", last_name="Young")
    make_user(partner, first_name="Gone", is_active=False)
    make_user(make_partner(), first_name="Other")

    assert list(User.objects.colleagues_of(me)) == [anna, me]


def test_a_user_without_a_partner_has_no_colleagues(db):
    make_user(make_partner())

    assert not User.objects.colleagues_of(make_engineer()).exists()
    assert not User.objects.colleagues_of(None).exists()


def test_support_engineers_are_the_active_members_of_the_group_by_name(db):
    zoe = make_engineer()
    zoe.first_name = "Zoe"
    zoe.save()
    adam = make_engineer()
    adam.first_name = "Adam"
    adam.save()
    retired = make_engineer()
    retired.is_active = False
    retired.save()
    make_staff()
    make_user(make_partner())

    assert list(User.objects.support_engineers()) == [adam, zoe]


def test_an_incident_offers_as_new_contacts_only_colleagues_not_yet_on_it(db):
    partner = make_partner()
    submitter = make_user(partner, first_name="Sam")
    colleague = make_user(partner, first_name="Cleo")
    make_user(partner, first_name="Gone", is_active=False)
    make_user(make_partner(), first_name="Other")
    incident = make_incident(submitter)

    assert list(incident.contact_users()) == [submitter]
    assert list(incident.addable_contacts()) == [colleague]

    IncidentContact.objects.create(incident=incident, user=colleague)
    assert set(incident.contact_users()) == {submitter, colleague}
    assert not incident.addable_contacts().exists()
