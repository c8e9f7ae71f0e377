"""The queue's controls: "select all on this page", no counter on the search box, the filter layout."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.incidents.test_workflow_builders import make_incident

QUEUE = reverse("incidents:queue")
STATIC = Path(settings.BASE_DIR) / "static"


def test_select_all_is_a_labelled_checkbox_of_the_bulk_form_shown_by_the_script(
    engineer_client, partner_user
):
    make_incident(partner_user)
    html = engineer_client.get(QUEUE).content.decode()
    box = re.search(r'<div class="form-check[^"]*" hidden><input [^>]*id="pick-all"[^>]*>', html)
    assert box, "hidden until the script can make it work"
    assert 'data-select-all="bulk-form"' in box.group(0)
    assert 'name="' not in box.group(0)  # never submitted with the selection
    assert (
        '<label class="form-check-label small" for="pick-all">Select all on this page</label>'
        in html
    )
    assert 'form="bulk-form" id="pick-1"' in html  # the rows it selects
    script = (STATIC / "js/portal.js").read_text()
    assert "data-select-all" in script and "indeterminate" in script
    assert "js/portal.js" in html and "<script>" not in html  # no inline script (CSP)


def test_no_select_all_without_rows(engineer_client):
    assert 'id="pick-all"' not in engineer_client.get(QUEUE).content.decode()


def test_the_search_box_has_no_character_counter(engineer_client):
    html = engineer_client.get(QUEUE).content.decode()
    search = re.search(r'<input type="text" name="q"[^>]*>', html).group(0)
    assert 'data-counter="off"' in search and 'maxlength="200"' in search
    assert "field.dataset.counter)" in (STATIC / "js/char-counter.js").read_text()


def test_the_filters_are_laid_out_wide_enough_for_their_choices(engineer_client):
    html = engineer_client.get(QUEUE).content.decode()
    assert '<form method="get" class="queue-filters"' in html
    assert "col-xl" not in html  # not eight equal columns at 1,500 px
    css = (STATIC / "css/portal.css").read_text()
    assert re.search(r"\.queue-filters \{[^}]*minmax\(min\(100%, 19rem\), 1fr\)", css)
    assert 'class="queue-filter queue-filter-wide"' in html  # the search box, on its own row
