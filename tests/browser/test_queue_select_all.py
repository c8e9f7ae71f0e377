"""The queue's "Select all on this page", in a real browser, by mouse and by keyboard."""

from tests.browser.conftest import login
from tests.incidents.test_workflow_builders import make_incident


def test_select_all_checks_and_clears_every_row_and_shows_a_partial_choice(
    page, partner_user, engineer
):
    for i in range(3):
        make_incident(partner_user, title=f"Printer {i}")
    login(page, engineer.username)
    page.goto("/incidents/queue/")
    select_all = page.get_by_label("Select all on this page")
    rows = page.locator("input[name=number][form=bulk-form]")
    assert select_all.is_visible() and rows.count() == 3
    select_all.check()
    assert all(rows.nth(i).is_checked() for i in range(3))
    rows.nth(0).uncheck()
    assert not select_all.is_checked()
    assert select_all.evaluate("box => box.indeterminate")
    select_all.focus()
    page.keyboard.press("Space")  # from mixed: all checked
    assert all(rows.nth(i).is_checked() for i in range(3))
    page.keyboard.press("Space")
    assert not any(rows.nth(i).is_checked() for i in range(3))
