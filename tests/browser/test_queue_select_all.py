"""The queue's controls in a real browser: "Select all on this page" by mouse and keyboard, filter lists not cut off."""

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


# Each filter list's widest choice, measured in the list's own font, fits the list
# (Bootstrap's .form-select-sm keeps about 2.5rem on the right for its arrow).
WIDEST_CHOICE_FITS = """select => {
  const probe = document.createElement("span");
  probe.style.font = getComputedStyle(select).font;
  probe.style.position = "absolute"; probe.style.whiteSpace = "nowrap";
  document.body.appendChild(probe);
  let widest = 0;
  for (const option of select.options) { probe.textContent = option.text; widest = Math.max(widest, probe.offsetWidth); }
  probe.remove();
  return widest + 40 <= select.clientWidth;
}"""


def test_no_filter_list_is_cut_off_at_1500_px(page, partner_user, engineer):
    make_incident(partner_user)
    page.set_viewport_size({"width": 1500, "height": 900})
    login(page, engineer.username)
    page.goto("/incidents/queue/")
    lists = page.locator("form.queue-filters select")
    assert lists.count() >= 5
    for i in range(lists.count()):
        name = lists.nth(i).get_attribute("name")
        if name == "owner":  # people's names and e-mail addresses: any length
            continue
        assert lists.nth(i).evaluate(WIDEST_CHOICE_FITS), name
