"""The hostile-input corpus and a tiny HTML form reader for the fuzz harness
(tests/security/test_fuzz.py). Values are bytes: they are sent percent-encoded
in raw ``application/x-www-form-urlencoded`` bodies and query strings, so lone
surrogates and invalid UTF-8 reach the server as an attacker would send them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes


def _u(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


LINE_BREAKS = "\r \n \x0b \x0c \x1c \x1d \x1e \x85 \u2028 \u2029".split(" ")

# name -> value; every form field and query parameter gets each of them.
CORPUS: dict[str, bytes] = {
    "nul": b"SR\x00x",
    "lone_surrogate": _u("a\ud800b\udfff"),
    "invalid_utf8": b"\xff\xfe\xc0\xaf\xed\xa0\x80",
    "line_breaks": _u("Line" + "x".join(LINE_BREAKS) + "end"),
    "rtl_zero_width": _u("\u202etxt.exe\u200b\u200c\u200d\ufeff\u2066x\u2069\u061c"),
    "one_mb": b"A" * 1_000_000,
    "huge_number": b"99999999999999999999999999",
    "negative": b"-9223372036854775809",
    "float_overflow": b"1e309",
    "nan": b"NaN",
    "wrong_type": b"[1,{}]",
    "markup": b"<script>alert(1)</script>\"'><svg onload=x>",
    "sql_like": b"' OR 1=1 --%_\\",
    "format": b"%s%(x)s{0}{x}%n",
    "unknown_choice": b"no-such-choice",
    "bad_date": b"9999-99-99T99:99",
    "empty": b"",
}
# Kept short for the query string: every GET parameter gets these.
GET_CORPUS = ("nul", "invalid_utf8", "line_breaks", "huge_number", "unknown_choice", "markup")


def encode(pairs) -> bytes:
    """``[(name, value_bytes), ...]`` -> a urlencoded body (duplicates kept)."""
    return b"&".join(
        quote_from_bytes(_u(name)).encode() + b"=" + quote_from_bytes(value).encode()
        for name, value in pairs
    )


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: dict[str, bytes] = field(default_factory=dict)  # name -> the page's value
    hidden: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


class FormReader(HTMLParser):
    """Collects the forms of a page: every named input, textarea, select and button."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                HtmlForm((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            )
            return
        if not self.forms:
            return
        form, name = self.forms[-1], attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                form.files.add(name)
                return
            if kind in ("submit", "button") and tag == "button":
                form.fields.setdefault(name, _u(attrs.get("value") or ""))
                return
            if kind == "hidden":
                form.hidden.add(name)
            form.fields.setdefault(name, _u(attrs.get("value") or ""))
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and "value" in attrs:
            value = _u(attrs["value"] or "")
            if not self.forms[-1].fields.get(self._select):
                self.forms[-1].fields[self._select] = value


def read_forms(html: str) -> list[HtmlForm]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def _pattern(url: str) -> str:
    """The URL with its ids replaced, so one field counts once whoever posts it."""
    return re.sub(r"/[^/]*\d[^/]*/", "/<id>/", url)


@dataclass
class Stats:
    """What the harness sent: printed at the end of the session (conftest.py)."""

    requests: Counter = field(default_factory=Counter)  # persona -> requests
    values_per_field: defaultdict = field(default_factory=lambda: defaultdict(set))
    urls: set = field(default_factory=set)
    forms: set = field(default_factory=set)

    def count(self, url: str, name: str, label: str) -> None:
        self.values_per_field[(_pattern(url), name)].add(label)

    def lines(self) -> list[str]:
        out = [f"fuzz: {sum(self.requests.values())} requests, {len(self.urls)} URL patterns, "
               f"{len(self.forms)} forms / wizard steps"]  # fmt: skip
        out += [f"  {persona}: {n} requests" for persona, n in sorted(self.requests.items())]
        per_field = Counter(len(v) for v in self.values_per_field.values())
        out.append(f"  {len(self.values_per_field)} form fields / parameters fuzzed:")
        out += [f"    {n} fields got {k} hostile values" for k, n in sorted(per_field.items())]
        return out


STATS = Stats()
