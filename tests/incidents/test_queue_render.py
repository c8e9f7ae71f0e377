"""The queue renders from templates: values escaped there, no HTML assembled in Python."""

import ast
from pathlib import Path

from django.urls import reverse

from incidents.views import queue
from tests.incidents.test_workflow_builders import make_incident, set_due

QUEUE = reverse("incidents:queue")
VIEWS = Path(queue.__file__).parent


def test_a_title_with_markup_is_shown_as_text_in_the_queue(engineer_client, partner_user):
    make_incident(partner_user, title='<script>alert("x")</script> & co')
    html = engineer_client.get(QUEUE).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html


def test_a_search_with_markup_is_given_back_escaped_in_its_box(engineer_client, partner_user):
    html = engineer_client.get(QUEUE + '?q="><b>bold').content.decode()
    assert "<b>bold" not in html
    assert 'value="&quot;&gt;&lt;b&gt;bold"' in html


def test_rows_show_the_overdue_state_the_owner_and_the_time_zone(
    engineer_client, partner_user, engineer
):
    engineer.time_zone = "Asia/Tokyo"
    engineer.save()
    incident = set_due(make_incident(partner_user, title="Late one"), minutes=-30)
    html = engineer_client.get(QUEUE).content.decode()
    assert 'class="due-overdue"' in html
    assert "(Asia/Tokyo)" in html
    assert f'href="{reverse("incidents:queue_detail", args=[incident.number])}"' in html
    assert "unassigned" in html


def test_the_filter_controls_keep_the_chosen_values(engineer_client, partner_user):
    html = engineer_client.get(QUEUE + "?status=closed&severity=A").content.decode()
    assert '<option value="closed" selected>' in html
    assert '<option value="A" selected>' in html
    assert '<label class="form-label small mb-0" for="id_status">' in html


def test_no_view_module_marks_a_string_safe():
    for module in VIEWS.glob("*.py"):
        tree = ast.parse(module.read_text())
        names = {
            node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Name | ast.Attribute)
        }
        assert "mark_safe" not in names, module.name
        assert "SafeString" not in names, module.name
