"""The wizard step page (templates/wizard/step.html) draws formtools' management form
itself: the same hidden field, without Django's four form templates (issue 21)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from formtools.wizard.forms import ManagementForm

from tests.incidents.test_wizard_lookups import persona  # noqa: F401 (fixture)
from tests.incidents.test_wizard_queries import client_for

O365 = reverse("incidents:office365")


@pytest.mark.parametrize("step", ["problem", "description"])
def test_the_management_form_reads_as_formtools_draws_it(persona, step):  # noqa: F811
    client = client_for(persona)
    response = client.get(O365)
    if step != "problem":
        problem = response.context["form"]
        data = {"office365_wizard-current_step": "problem"}
        for name in problem.chain_fields:
            options = [o for o in problem.fields[name].preloaded]
            if not options:
                break
            data[problem.add_prefix(name)] = options[0].pk
            data["refresh_lists"] = "1"
            response = client.post(O365, data)
            problem = response.context["form"]
        data.pop("refresh_lists")
        response = client.post(O365, data)
    prefix = response.context["view"].prefix
    expected = str(ManagementForm(prefix=prefix, initial={"current_step": step}))
    html = response.content.decode()
    assert response.context["wizard"]["steps"].current == step
    assert html.count(expected) == 1
    assert html.count('name="office365_wizard-current_step"') == 1
    drawn = {t.name for t in response.templates}
    assert "django/forms/p.html" not in drawn
    assert "django/forms/widgets/hidden.html" not in drawn
