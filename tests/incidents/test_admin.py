"""Program staff administer the incident catalogue and incidents."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Platform
from incidents.models import (
    HistoryEvent,
    Incident,
    IncidentContact,
    MarketplaceProduct,
    Message,
    SelfHelpArticle,
    Status,
    Topic,
    Tree,
)
from tests.builders import (
    make_engineer,
    make_partner,
    make_product,
    make_topic_path,
    make_user,
)

MODELS = ["topic", "selfhelparticle", "marketplaceproduct", "incident"]
_numbers = itertools.count(1)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def make_incident(partner, user, *, owner=None, **extra) -> Incident:
    n = next(_numbers)
    incident = Incident.objects.create(
        number=f"SR-TEST-{n:06d}",
        channel=extra.pop("channel", "azure"),
        partner=partner,
        submitted_by=user,
        title=extra.pop("title", f"Problem {n}"),
        description="Details",
        severity=extra.pop("severity", "B"),
        contact_name=user.get_full_name(),
        contact_email=user.email,
        owner=owner,
        **extra,
    )
    IncidentContact.objects.create(incident=incident, user=user, is_primary=True)
    return incident


@pytest.fixture
def catalogue(partner, partner_user, engineer):
    product = make_product("Windows Server", Platform.ON_PREMISES, slug="windows-server")
    root, category, problem = make_topic_path(
        Tree.ON_PREMISES, "Windows Server", "Networking", "DNS", product=None
    )
    root.product = product
    root.save()
    article = SelfHelpArticle.objects.create(
        name="Troubleshoot DNS", product=product, topic=category, url="https://example.com/dns"
    )
    marketplace = MarketplaceProduct.objects.create(
        name="Backup Appliance",
        isv_name="Contoso ISV",
        support_url="https://isv.example/support",
        support_email="support@isv.example",
        support_phone="+1 425 555 0100",
    )
    incident = make_incident(partner, partner_user, owner=engineer, topic=problem)
    Message.objects.create(incident=incident, author=partner_user, body="Hello")
    HistoryEvent.objects.create(
        incident=incident, actor=partner_user, kind=HistoryEvent.Kind.CREATED, to_status="submitted"
    )
    return {
        "topic": root,
        "selfhelparticle": article,
        "marketplaceproduct": marketplace,
        "incident": incident,
    }


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_the_changelist(staff_client, catalogue, model):
    response = staff_client.get(reverse(f"admin:incidents_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_the_change_form(staff_client, catalogue, model):
    obj = catalogue[model]

    response = staff_client.get(reverse(f"admin:incidents_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ["topic", "selfhelparticle", "marketplaceproduct"])
def test_staff_can_open_the_add_form(staff_client, db, model):
    assert staff_client.get(reverse(f"admin:incidents_{model}_add")).status_code == 200


def test_incidents_cannot_be_added_in_admin_only_through_the_wizards(staff_client, db):
    assert staff_client.get(reverse("admin:incidents_incident_add")).status_code == 403


def test_incidents_cannot_be_deleted_in_admin_the_workflow_closes_them(staff_client, catalogue):
    incident = catalogue["incident"]
    url = reverse("admin:incidents_incident_delete", args=[incident.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    changelist = staff_client.get(reverse("admin:incidents_incident_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_incident_page_shows_contacts_messages_and_history_and_a_read_only_number(
    staff_client, catalogue
):
    incident = catalogue["incident"]

    response = staff_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    page = response.content.decode()
    form = response.context["adminform"].form
    assert "number" not in form.fields
    assert incident.number in page
    assert "Hello" in page
    assert "anna" in page
    assert "Submitted" in page


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "submitted"},
        {"severity__exact": "B"},
        {"channel__exact": "azure"},
        {"owner": "none"},
        {"owner": "me"},
    ],
)
def test_the_incident_changelist_filters(staff_client, catalogue, query):
    response = staff_client.get(reverse("admin:incidents_incident_changelist"), query)

    assert response.status_code == 200


def test_the_owner_filter_lists_engineers_and_narrows_to_one(staff_client, catalogue, engineer):
    url = reverse("admin:incidents_incident_changelist")
    incident = catalogue["incident"]
    make_incident(incident.partner, incident.submitted_by)  # unassigned

    by_engineer = staff_client.get(url, {"owner": str(engineer.pk)})
    unassigned = staff_client.get(url, {"owner": "none"})

    assert list(by_engineer.context["cl"].result_list) == [incident]
    assert incident not in list(unassigned.context["cl"].result_list)
    assert unassigned.context["cl"].result_count == 1


@pytest.mark.parametrize("field", ["number", "title", "partner"])
def test_incidents_can_be_found_by_number_title_or_partner(staff_client, catalogue, field):
    incident = catalogue["incident"]
    other = make_incident(make_partner("Fabrikam"), make_user(), title="Unrelated")
    term = {
        "number": incident.number,
        "title": incident.title,
        "partner": incident.partner.name,
    }[field]

    response = staff_client.get(reverse("admin:incidents_incident_changelist"), {"q": term})

    results = list(response.context["cl"].result_list)
    assert incident in results
    assert other not in results


def test_topics_filter_by_tree_and_parent(staff_client, catalogue):
    make_topic_path(Tree.AZURE, "Virtual Machines", "Connectivity")
    root = catalogue["topic"]
    url = reverse("admin:incidents_topic_changelist")

    azure = staff_client.get(url, {"tree__exact": "azure"})
    children = staff_client.get(url, {"parent": str(root.pk)})
    roots = staff_client.get(url, {"position": "root"})

    assert {t.name for t in azure.context["cl"].result_list} == {
        "Virtual Machines",
        "Connectivity",
    }
    assert [t.name for t in children.context["cl"].result_list] == ["Networking"]
    assert {t.name for t in roots.context["cl"].result_list} == {
        "Windows Server",
        "Virtual Machines",
    }


def test_a_child_topic_added_inline_follows_its_parents_tree(staff_client, catalogue):
    root = catalogue["topic"]
    url = reverse("admin:incidents_topic_change", args=[root.pk])
    existing = list(root.children.all())
    data = {
        "tree": root.tree,
        "parent": "",
        "product": root.product_id,
        "name": root.name,
        "name_hu": "",
        "name_cs": "",
        "name_ja": "",
        "name_ko": "",
        "routes_to": "",
        "is_break_fix": "on",
        "sort_order": "0",
        "is_active": "on",
        "children-TOTAL_FORMS": str(len(existing) + 1),
        "children-INITIAL_FORMS": str(len(existing)),
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "1000",
    }
    for i, child in enumerate(existing):
        data.update(
            {
                f"children-{i}-id": child.pk,
                f"children-{i}-parent": root.pk,
                f"children-{i}-name": child.name,
                f"children-{i}-sort_order": child.sort_order,
                f"children-{i}-is_break_fix": "on",
                f"children-{i}-is_active": "on",
            }
        )
    new = len(existing)
    data.update(
        {
            f"children-{new}-parent": root.pk,
            f"children-{new}-name": "Storage",
            f"children-{new}-sort_order": "1",
            f"children-{new}-is_break_fix": "on",
            f"children-{new}-is_active": "on",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    storage = Topic.objects.get(name="Storage")
    assert storage.tree == Tree.ON_PREMISES
    assert storage.depth == 1
    assert storage.level_name == "Category"


def incident_form_data(client, incident):
    response = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    data = {}
    adminform = response.context["adminform"]
    for name, field in adminform.form.fields.items():
        value = adminform.form[name].value()
        if value is None:
            continue
        if name in ("facts",):
            data[name] = field.prepare_value(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        for key, value in fs.management_form.initial.items():
            data[f"{fs.prefix}-{key}"] = value
        for form in fs.forms:
            for name in form.fields:
                value = form[name].value()
                if value is None:
                    continue
                if isinstance(value, bool):
                    if value:
                        data[form.add_prefix(name)] = "on"
                else:
                    data[form.add_prefix(name)] = value
    return data


def test_an_owner_change_in_admin_is_recorded_in_the_history(staff_client, catalogue):
    incident = catalogue["incident"]
    other_engineer = make_engineer("eva")
    data = incident_form_data(staff_client, incident)
    data.update({"owner": other_engineer.pk})

    response = staff_client.post(
        reverse("admin:incidents_incident_change", args=[incident.pk]), data
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.owner == other_engineer
    assert incident.history.filter(kind=HistoryEvent.Kind.ASSIGNED).count() == 1
    assert not incident.history.filter(kind=HistoryEvent.Kind.STATUS).exists()


def test_a_note_added_in_admin_is_written_by_the_staff_member_and_recorded(
    staff_client, catalogue, staff
):
    incident = catalogue["incident"]
    data = incident_form_data(staff_client, incident)
    total = int(data["messages-TOTAL_FORMS"])
    data["messages-TOTAL_FORMS"] = str(total + 1)
    data[f"messages-{total}-body"] = "Checked the DNS zone."
    data[f"messages-{total}-is_internal"] = "on"

    response = staff_client.post(
        reverse("admin:incidents_incident_change", args=[incident.pk]), data
    )

    assert response.status_code == 302
    note = incident.messages.get(body="Checked the DNS zone.")
    assert note.author == staff
    assert note.is_internal
    assert incident.history.filter(kind=HistoryEvent.Kind.NOTE, is_internal=True).exists()


def changelist_queries(client, url) -> int:
    client.get(url)  # the staff user's engineer-group answer is cached from now on
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_incident_changelist_query_count_does_not_grow_with_its_rows(staff_client, db):
    url = reverse("admin:incidents_incident_changelist")
    engineers = [make_engineer(f"engineer{i}") for i in range(3)]

    def add_incident(i):
        partner = make_partner()
        make_incident(partner, make_user(partner), owner=engineers[i % 3] if i % 4 else None)

    add_incident(1)
    with_one = changelist_queries(staff_client, url)
    for i in range(2, 51):
        add_incident(i)
    with_fifty = changelist_queries(staff_client, url)

    assert Incident.objects.count() == 50
    assert with_fifty == with_one


def test_the_topic_changelist_query_count_does_not_grow_with_its_rows(staff_client, db):
    url = reverse("admin:incidents_topic_changelist")
    product = make_product("Microsoft Azure", Platform.AZURE)
    make_topic_path(Tree.AZURE, "Product 0", "Type 0")
    Topic.objects.filter(depth=0).update(product=product)
    with_two = changelist_queries(staff_client, url)
    for i in range(1, 25):
        make_topic_path(Tree.AZURE, f"Product {i}", f"Type {i}")
    Topic.objects.filter(depth=0).update(product=product)

    assert changelist_queries(staff_client, url) == with_two


def test_a_partner_user_is_sent_to_the_admin_login(partner_client):
    response = partner_client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_engineer_without_staff_status_is_sent_to_the_admin_login(client, engineer):
    client.force_login(engineer)

    response = client.get(reverse("admin:incidents_incident_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def post_change(client, incident, **changes):
    data = incident_form_data(client, incident)
    data.update(changes)
    return client.post(reverse("admin:incidents_incident_change", args=[incident.pk]), data)


def test_only_a_support_engineer_can_own_an_incident(staff_client, catalogue, partner_user):
    incident = catalogue["incident"]

    response = post_change(staff_client, incident, owner=partner_user.pk)

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert incident.owner != partner_user


def test_unassigning_in_admin_is_recorded(staff_client, catalogue):
    incident = catalogue["incident"]
    data = incident_form_data(staff_client, incident)
    data.pop("owner")

    response = staff_client.post(
        reverse("admin:incidents_incident_change", args=[incident.pk]), data
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.owner is None
    assert incident.history.filter(kind=HistoryEvent.Kind.ASSIGNED).exists()


def test_other_fields_change_without_touching_the_status(staff_client, catalogue):
    incident = catalogue["incident"]

    response = post_change(staff_client, incident, title="A clearer title")

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "A clearer title"
    assert incident.status == Status.SUBMITTED
    assert not incident.history.filter(kind=HistoryEvent.Kind.STATUS).exists()


def test_the_contract_of_an_incident_is_read_only_in_admin(staff_client, catalogue):
    incident = catalogue["incident"]

    response = staff_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    assert "contract" not in response.context["adminform"].form.fields


# --- status only through the workflow (issue 18) ------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Status.CLOSED},
        {"status": Status.REJECTED, "status_reason": "Out of scope"},
        {"status": Status.ROUTED, "status_reason": "Billing", "routed_to": "billing"},
    ],
)
def test_staff_cannot_set_the_status_in_the_admin_form(staff_client, catalogue, changes):
    incident = catalogue["incident"]

    response = post_change(staff_client, incident, **changes)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.status_reason, incident.routed_to) == (
        Status.SUBMITTED,
        "",
        "",
    )
    assert not incident.history.filter(kind=HistoryEvent.Kind.STATUS).exists()


def test_the_change_form_shows_the_status_read_only_with_a_link_to_the_workflow(
    staff_client, catalogue
):
    incident = catalogue["incident"]
    response = staff_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert "status" not in response.context["adminform"].form.fields
    assert reverse("incidents:queue_detail", args=[incident.number]) in response.content.decode()


def test_the_incident_list_shows_the_severity_letter_and_people_s_names(
    staff_client, catalogue, engineer
):
    incident = catalogue["incident"]
    engineer.first_name, engineer.last_name = "Eszter", "Varga"
    engineer.save()
    Incident.objects.filter(pk=incident.pk).update(owner=engineer)
    html = staff_client.get(reverse("admin:incidents_incident_changelist")).content.decode()
    assert '<td class="field-severity_letter">' + incident.severity + "</td>" in html
    rows = html[html.index('id="result_list"') :]
    assert "significant loss" not in rows and "moderate loss" not in rows
    assert "Eszter Varga" in html


def test_the_incident_list_filters_by_product(staff_client, catalogue):
    incident = catalogue["incident"]
    url = reverse("admin:incidents_incident_changelist")
    response = staff_client.get(url, {"product__id__exact": incident.product_id or 0})
    assert response.status_code == 200
    assert "product__id__exact" in response.content.decode()


def test_the_incident_page_names_people_not_user_names(
    staff_client, catalogue, partner_user, engineer
):
    incident = catalogue["incident"]
    partner_user.first_name, partner_user.last_name = "Anikó", "Kovács"
    partner_user.save()
    engineer.first_name, engineer.last_name = "Eszter", "Varga"
    engineer.save()
    HistoryEvent.objects.create(
        incident=incident, actor=engineer, kind=HistoryEvent.Kind.ASSIGNED, detail="Eszter Varga"
    )

    html = staff_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    html = html.content.decode()

    messages = html[html.index('id="messages-group"') :]
    history = html[html.index('id="history-group"') :]
    assert "Anikó Kovács" in messages[: messages.index("</fieldset>")]
    assert "Anikó Kovács" in history and "Eszter Varga" in history
    # The read-only author and actor cells (the autocomplete boxes keep the log-in name).
    for username in (partner_user.username, engineer.username):
        assert f"<p>{username}</p>" not in messages and f"<p>{username}</p>" not in history


def test_the_incident_list_has_seven_columns_to_fit_a_laptop(staff_client, catalogue):
    html = staff_client.get(reverse("admin:incidents_incident_changelist")).content.decode()
    table = html[html.index('id="result_list"') :]
    header = table[: table.index("</thead>")]
    assert header.count("<th ") == 7, header  # seven columns (no bulk delete: no checkbox)


def test_the_incident_list_shows_the_newest_first_with_one_count(
    staff_client, partner, partner_user
):
    older = make_incident(partner, partner_user)
    newer = make_incident(partner, partner_user)
    url = reverse("admin:incidents_incident_changelist")

    with CaptureQueriesContext(connection) as ctx:
        html = staff_client.get(url).content.decode()

    assert html.index(newer.number) < html.index(older.number)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1, counts
    listed = next(q["sql"] for q in ctx.captured_queries if 'incident"."title' in q["sql"])
    assert "created_at" not in listed.split("ORDER BY")[1], listed  # the primary key's index
