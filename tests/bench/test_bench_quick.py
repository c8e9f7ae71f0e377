"""Fast checks of the benchmark's own logic (the full harness runs with `bench/run --quick`)."""

import pytest

from bench import htmlforms
from bench.harness import evaluate, parse_wrk
from tests.conftest import is_postgres

WIZARD_STEP = """
<form method="post" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="w-current_step" value="problem">
  <select name="problem-product" data-chain-child="problem-category"
          data-children-url="/incidents/topics/__id__/children/"
          data-versions-target="problem-version" data-versions-url="/versions/__id__/">
    <option value="">---------</option><option value="7">Windows Server</option>
  </select>
  <select name="problem-version"><option value="">---------</option></select>
  <select name="problem-category"><option value="">---------</option></select>
  <input type="text" name="problem-title">
  <textarea name="problem-description">
</textarea>
  <input type="radio" name="problem-severity" value="A">
  <input type="radio" name="problem-severity" value="B">
  <input type="checkbox" name="problem-is_24x7">
  <input type="email" name="problem-email">
  <input type="file" name="problem-files">
  <button name="wizard_goto_step" value="problem">Back</button>
  <button type="submit">Next</button>
</form>
"""


def test_it_reads_the_wizard_step_and_fills_it_like_a_careful_user():
    form = htmlforms.wizard_form(WIZARD_STEP)
    assert htmlforms.current_step(form) == "problem"
    asked = []

    def children(url):
        asked.append(url)
        return [(11, "first"), (12, "second")]

    data = htmlforms.fill(form, {"severity": "B"}, children)
    assert data["problem-product"] == "7"
    assert data["problem-version"] == "11" and data["problem-category"] == "11"
    assert asked == ["/versions/7/", "/incidents/topics/7/children/"]
    assert data["problem-description"].strip()
    assert data["problem-title"] and data["problem-email"].count("@") == 1
    assert data["problem-severity"] == "B"
    assert "problem-is_24x7" not in data and "problem-files" not in data
    assert "wizard_goto_step" not in data
    assert data["csrfmiddlewaretoken"] == "tok" and data["w-current_step"] == "problem"


def test_it_reads_wrk_output():
    out = """Running 10s test @ http://127.0.0.1:1/bench/floor/
  Latency Distribution
     50%    5.10ms
     90%  800.00us
     99%    1.20s
  4210 requests in 10.00s, 1.2MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    421.00
"""
    r = parse_wrk(out)
    assert r["requests_per_s"] == 421.0 and r["requests"] == 4210
    assert r["p50_ms"] == 5.1 and r["p90_ms"] == 0.8 and r["p99_ms"] == 1200.0
    assert r["non_2xx_3xx"] == 3


def _page(queries, p95, floor=2.0):
    return {
        "available": True,
        "queries": queries,
        "p50_ms": p95,
        "p95_ms": p95,
        "floor_p95_ms": floor,
    }


def test_the_targets_say_pass_or_fail_and_by_how_much():
    def result(scale):
        return {
            "pages": {
                "floor": _page(3, 2.0),
                # Twice as slow with the floor twice as slow: no growth in floor units.
                "manage_list": _page(6, 10 * scale, floor=2.0 * scale),
                "manage_list_1_row": _page(6, 9 * scale),
                "queue_first_page": _page(8, 10.0),
                "queue_deep_page": {**_page(9, 40.0), "how": "walked"},
                "queue_search_word": _page(5, 7.0),
                "queue_search_number": _page(5, 9.0),
                "engineer_detail_30_messages": _page(9, 6.0),
            },
            "wizards": {
                "azure": {
                    "steps": {
                        "GET first step": _page(5, 6.0),
                        "POST details (final submit)": _page(12, 80.0),
                    }
                }
            },
            "load": {
                "floor": {"requests_per_s": 100.0},
                "queue_first_page": {"requests_per_s": 40.0},
            },
        }

    targets = {
        t["target"].split(" (")[0]: t
        for t in evaluate([10, 100], {"10": result(1), "100": result(2)})
    }
    by_status = {name: t["status"] for name, t in targets.items()}
    assert by_status["Queries per page constant and <= 10"] == "FAIL"
    assert (
        "queue_deep_page=9 vs queue_first_page=8"
        in targets["Queries per page constant and <= 10"]["detail"]
    )
    assert by_status["Queue first page p95 <= 2.5x floor p95"] == "FAIL"
    assert "misses by 2.00x" in targets["Queue first page p95 <= 2.5x floor p95"]["detail"]
    assert by_status["Queue deep page p95 <= 1.5x first page"] == "FAIL"
    assert by_status["Queue search: a title word: p95 <= 4.0x floor"] == "PASS"
    assert by_status["Queue search: part of a number: p95 <= 4.0x floor"] == "FAIL"
    assert by_status["Queue search: a customer's name: p95 <= 4.0x floor"] == "n/a"
    detail = "Engineer incident detail"  # (30 messages): p95 <= 4x floor, <= 8 queries
    assert by_status[detail] == "FAIL"  # 3.0x the floor, but 9 queries
    assert "9 queries" in targets[detail]["detail"]
    assert by_status["Every wizard step p95 <= 4.0x floor"] == "FAIL"  # the final submit
    assert by_status["Final wizard submit p95 <= 100 ms and <= 10 queries"] == "FAIL"
    assert by_status["Every p95 at 100 <= 1.2x its p95 at 10"] == "FAIL"
    growth = targets["Every p95 at 100 <= 1.2x its p95 at 10"]["detail"]
    assert "Manage support requests (1 row)" in growth
    assert "Manage support requests (50 rows)" not in growth
    assert by_status["Queue throughput >= 40% of the floor's"] == "PASS"


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="the seeder targets PostgreSQL (set DATABASE_URL)")
def test_the_seeder_writes_the_programme_and_the_personas(db):
    from bench import seed
    from contracts.models import Contract
    from incidents.models import Incident, IncidentContact, Message
    from partners.models import User

    info = seed.seed(300, log=lambda message: None)
    counts = info["counts"]
    assert counts["incidents"] == Incident.objects.count() == 300
    assert counts["messages"] == Message.objects.count() > 300
    anna = User.objects.get(username=seed.PERSONA_USER)
    assert IncidentContact.objects.filter(user=anna).count() == seed.PERSONA_INCIDENTS
    detail = Incident.objects.get(number=info["detail_number"])
    assert detail.messages.count() == seed.DETAIL_MESSAGES
    assert Contract.objects.registered_to(anna).exists()
    # The sequence follows the explicit ids, so the product can still create incidents.
    next_id = Incident.objects.create(
        number="SR-x",
        channel="azure",
        partner=anna.partner,
        submitted_by=anna,
        title="t",
        description="d",
        severity="B",
        contact_name="A",
        contact_email="a@b.example",
    ).pk
    assert next_id > max(Incident.objects.exclude(number="SR-x").values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="the seeder targets PostgreSQL (set DATABASE_URL)")
def test_the_seeder_writes_csp_customers_and_the_personas_customer(db):
    from django.db.models import F

    from bench import customers, seed
    from incidents.models import Channel, Incident
    from partners.models import Customer, Partner

    info = seed.seed(300, log=lambda message: None)
    partners = Partner.objects.count()
    assert info["counts"]["customers"] == Customer.objects.count()
    assert Customer.objects.count() == customers.PER_PARTNER * (partners - 1) + 2
    # Every CSP request is for one of its own partner's customers, and only those.
    csp = Incident.objects.filter(channel=Channel.CSP)
    assert csp.exists() and not csp.filter(customer__isnull=True).exists()
    assert not Incident.objects.exclude(channel=Channel.CSP).filter(customer__isnull=False).exists()
    assert not csp.exclude(customer__links__partner=F("partner")).exists()
    # The persona partner's first customer is on five of its incidents, at every size.
    wingtip = Customer.objects.get(name=customers.PERSONA_CUSTOMERS[0])
    assert wingtip.incidents.count() == customers.PERSONA_CUSTOMER_INCIDENTS
    assert {i.partner.partner_number for i in wingtip.incidents.all()} == {
        seed.PERSONA_PARTNER_NUMBER
    }
    generated = Customer.objects.exclude(name__in=customers.PERSONA_CUSTOMERS)
    assert not generated.filter(name__contains="Wingtip").exists()  # the search finds only hers


def test_the_same_queries_rule_compares_the_pages_read_with_the_cache_emptied():
    def result(first_cold):
        return {
            "pages": {
                "floor": _page(2, 2.0),
                # The first page's rows are kept: 2 queries as served, 3 when read afresh.
                "queue_first_page": {**_page(2, 4.0), "queries_cold": first_cold},
                "queue_filtered": {**_page(3, 5.0), "queries_cold": 3},
            },
            "wizards": {},
            "load": {},
        }

    def status(first_cold):
        targets = evaluate([10, 100], {"10": result(first_cold), "100": result(first_cold)})
        return next(t for t in targets if t["target"].startswith("Queries per page"))

    assert status(3)["status"] == "PASS"
    failed = status(4)
    assert failed["status"] == "FAIL"
    assert "queue_filtered=3 vs queue_first_page=4" in failed["detail"]
