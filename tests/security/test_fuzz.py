"""The hostile-input fuzz harness (issue 14).

Every URL pattern (enumerated from the resolver by the access matrix) is sent,
as every persona, a corpus of hostile values (tests/security/fuzz.py): in the
path, in the query string, and in every field of every form found on the page
(wizard steps included: the step on show, then every other step forged), plus
missing, duplicated and forged management fields and hostile file names.

Asserts: no response >= 500 and no exception; a request that was refused
(anything but a redirect after success) wrote no row to the portal's tables and
left no file in MEDIA_ROOT or the wizard upload folder. Wrong contract pairs
are the one write a refused request makes on purpose (the throttle's
``RegistrationFailure``). E-mail is the test default (locmem). A summary of what
was sent is printed at the end of the run (tests/security/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from formtools.wizard.views import normalize_name

from contracts.models import ContractKind
from partners.models import MembershipLevel
from tests.builders import make_contract, make_partner, make_user
from tests.contracts.helpers import action_pack_partner, make_admin
from tests.security.test_access_matrix import (
    APP_URL_NAMES,
    RULES,
    url_for,
    world,  # noqa: F401  (a fixture)
)

from .fuzz import CORPUS, GET_CORPUS, STATS, encode, read_forms
from .helpers import files_under, row_counts, upload_roots, wizard_urls

PERSONAS = ["anonymous", "a", "b", "action_pack_admin", "network_member", "engineer", "staff"]
FORM = "application/x-www-form-urlencoded"
GENERIC_PARAMS = ("q", "page", "sort", "cursor", "next", "status", "id")
FORGED = ("nul", "invalid_utf8", "unknown_choice", "huge_number", "empty", "line_breaks")
PATH_VALUES = ("%00", "SR%00", "-1", "99999999999999999999", "%ED%A0%80", "SR%0A1", "%E2%80%AE1")
FUZZED: set = set()  # forms that got the whole corpus, by (action, field names)
INTENDED_WRITES = {"contracts.RegistrationFailure"}
ADMIN_CHANGELISTS = [
    "admin:incidents_incident_changelist",
    "admin:partners_partner_changelist",
    "admin:partners_user_changelist",
    "admin:contracts_contract_changelist",
    "admin:contracts_activationrequest_changelist",
]


class Fuzzer:
    def __init__(self, client, persona):
        self.client, self.persona = client, persona
        self.failures: list[str] = []
        self.done: set = set()

    def send(self, method, url, label, body=None, files=None):
        STATS.requests[self.persona] += 1
        before = row_counts() if method == "post" else None
        on_disk = files_under(*upload_roots()) if method == "post" else None
        try:
            if method == "get":
                response = self.client.get(url)
            elif files is not None:
                response = self.client.post(url, files)
            else:
                response = self.client.post(url, body or b"", content_type=FORM)
        except Exception as exc:  # a 500 in production
            self.failures.append(f"{method.upper()} {url[:120]} [{label}]: {exc!r}"[:400])
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url[:120]} [{label}]: {response.status_code}")
        if method == "post" and response.status_code not in (301, 302, 303):
            self._nothing_left(before, on_disk, url, label)
        return response

    def _nothing_left(self, before, on_disk, url, label):
        after = row_counts()
        changed = {k for k in after if after[k] != before[k]} - INTENDED_WRITES
        if changed:
            self.failures.append(f"POST {url[:120]} [{label}] refused but wrote {sorted(changed)}")
        if files_under(*upload_roots()) != on_disk:
            self.failures.append(f"POST {url[:120]} [{label}] refused but left a file")

    # --- the parts of a request ------------------------------------------
    def fuzz_query(self, url, names, page=None):
        labels = GET_CORPUS
        if page is not None:
            # The whole query corpus once per page (the first persona it answers 200);
            # one hostile query string for everyone else.
            labels = GET_CORPUS if page not in FUZZED else ("markup",)
            FUZZED.add(page)
        for label in labels:
            query = encode([(name, CORPUS[label]) for name in names]).decode()
            for name in names:
                STATS.count(url, "?" + name, label)
            self.send("get", f"{url}?{query}", f"query {label}")

    def fuzz_path(self, name, url, value):
        for hostile in PATH_VALUES:
            self.send("get", url.replace(f"/{value}/", f"/{hostile}/", 1), f"path {hostile}")

    def fuzz_form(self, action, fields, hidden, file_fields=()):
        key = (action, tuple(sorted(fields)))
        if key in self.done:
            return
        self.done.add(key)
        if key in FUZZED:
            # Validation does not depend on who posts: the whole corpus went to this
            # form already (as another persona); this one gets one hostile post.
            self.send("post", action, "fields markup", encode(
                [(n, v if n in hidden else CORPUS["markup"]) for n, v in fields.items()]
            ))  # fmt: skip
            return
        FUZZED.add(key)
        STATS.forms.add(key)
        for label, value in CORPUS.items():
            pairs = [(n, v if n in hidden else value) for n, v in fields.items()]
            for n in fields:
                if n not in hidden:
                    STATS.count(action, n, label)
            self.send("post", action, f"fields {label}", encode(pairs))
        for label in FORGED:  # forged management data and hidden fields
            self.send("post", action, f"forged {label}", encode(
                [(n, CORPUS[label]) for n in fields]))  # fmt: skip
        self.send("post", action, "missing fields", b"")
        self.send("post", action, "duplicated fields", encode(
            [(n, v) for n, v in fields.items()] + [(n, CORPUS["unknown_choice"]) for n in fields]
        ))  # fmt: skip
        if file_fields:
            data = {n: v.decode("utf-8", "replace") for n, v in fields.items()}
            for n in file_fields:
                data[n] = SimpleUploadedFile("\u202egnp.html\u200b", b"<script>x</script>")
            self.send("post", action, "hostile file", files=data)

    def fuzz_page(self, name, url):
        response = self.send("get", url, "page")
        names = set(GENERIC_PARAMS)
        if (
            response is not None
            and response.status_code == 200
            and "html" in response.get("Content-Type", "")
        ):
            for form in read_forms(response.content.decode()):
                target = form.action or url
                if form.method == "get":
                    names.update(form.fields)
                elif not target.startswith(("/i18n/", "/accounts/logout/")) or name in (
                    "set_language", "logout",
                ):  # fmt: skip
                    self.fuzz_form(target, form.fields, form.hidden, form.files)
        elif RULES[name].post_only or response is None or response.status_code != 200:
            self.send("post", url, "refused", encode([("title", CORPUS["markup"])]))
        ok = response is not None and response.status_code == 200
        self.fuzz_query(url, sorted(names), page=name if ok else ("refused", name))

    def fuzz_wizard_steps(self, name, wizard):
        """Every step of the wizard posted out of order with hostile values."""
        url, prefix = reverse(name), normalize_name(wizard.__name__)
        for step, form_class in wizard.form_list:
            if (name, step) in FUZZED:
                continue
            FUZZED.add((name, step))
            STATS.forms.add((name, step))
            for label in ("markup", "line_breaks", "invalid_utf8", "huge_number", "one_mb"):
                pairs = [(f"{prefix}-current_step", step.encode())]
                for field in form_class.base_fields:
                    pairs.append((f"{step}-{field}", CORPUS[label]))
                    STATS.count(url, f"{step}-{field}", label)
                self.send("post", url, f"step {step} {label}", encode(pairs))


@pytest.fixture
def personas(world):  # noqa: F811  (the access matrix's fixture)
    ap = action_pack_partner(name="Action Pack Ltd")
    make_contract(ap, kind=ContractKind.PRODUCT_SUPPORT, activated=False, units=10)
    network = make_partner("Network Member Ltd", level=MembershipLevel.NETWORK_MEMBER)
    return {
        **{k: world[k] for k in ("a", "b", "engineer", "staff")},
        "action_pack_admin": make_admin(ap, username="apadmin", technical_contact=True),
        "network_member": make_user(network, username="netuser"),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_hostile_request_gets_a_server_error_or_leaves_anything(
    client,
    world,  # noqa: F811  (the access matrix's fixture)
    personas,
    persona,
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    fuzzer = Fuzzer(client, persona)
    for name in APP_URL_NAMES:
        STATS.urls.add(name)
        url = url_for(name, world)
        fuzzer.fuzz_page(name, url)
        value = re.search(r"/([^/]+)/(?:[^/]+/)?$", url)
        if RULES[name].obj and value:
            fuzzer.fuzz_path(
                name,
                url,
                world["incident"].number if RULES[name].obj == "incident" else value.group(1),
            )
    if persona in ("a", "action_pack_admin"):
        for name, wizard in wizard_urls().items():
            fuzzer.fuzz_wizard_steps(name, wizard)
    if persona == "staff":
        for name in ADMIN_CHANGELISTS:
            STATS.urls.add(name)
            fuzzer.fuzz_query(reverse(name), ["q", "o", "p", "all", "e", "id__exact", "status"])
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:40])
