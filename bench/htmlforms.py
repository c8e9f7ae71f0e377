"""Just enough HTML form reading to drive the wizards and the queue like a browser would.

The benchmark reads the forms the pages actually render (field names, options,
what is checked) instead of hard-coding each wizard, so it keeps working as the
wizards change; ``FILL`` steers the few choices that matter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list[tuple[str, bool, str]] = field(default_factory=list)  # value, selected, label
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    method: str
    action: str
    attrs: dict
    fields: list[Field] = field(default_factory=list)

    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class Link:
    href: str
    text: str
    attrs: dict


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None
        self._link: Link | None = None
        self.error_texts: list[str] = []
        self._error_depth = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        classes = a.get("class", "").split()
        if self._error_depth:
            self._error_depth += 1
        elif {"invalid-feedback", "errorlist", "alert-danger"} & set(classes):
            self._error_depth = 1
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""), a)
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self._link = Link(a["href"], "", a)
            self.links.append(self._link)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            self._form.fields.append(
                Field(
                    a["name"],
                    "input",
                    a.get("type", "text").lower(),
                    a.get("value", ""),
                    "checked" in a,
                    "required" in a,
                    attrs=a,
                )
            )
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", "select", required="required" in a, attrs=a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(
                a["name"], "textarea", "textarea", required="required" in a, attrs=a
            )
            self._form.fields.append(self._textarea)
        elif tag == "button" and a.get("name"):
            self._form.fields.append(
                Field(a["name"], "button", "submit", a.get("value", ""), attrs=a)
            )

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data
        if self._link is not None:
            self._link.text += data
        if self._error_depth and data.strip():
            self.error_texts.append(data.strip())

    def handle_endtag(self, tag):
        if self._error_depth:
            self._error_depth -= 1
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, label = self._option
            self._select.options.append(
                (label.strip() if value is None else value, selected, label.strip())
            )
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None
        elif tag == "a":
            self._link = None


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    return parser


def wizard_form(html: str) -> Form | None:
    """The form holding a wizard's management field ("<prefix>-current_step")."""
    for form in parse(html).forms:
        if any(f.name.endswith("-current_step") for f in form.fields):
            return form
    return None


def current_step(form: Form | None) -> str | None:
    if form is None:
        return None
    for f in form.fields:
        if f.name.endswith("-current_step"):
            return f.value
    return None


# Buttons that do something other than "Next"/"Submit" on a wizard step.
SIDE_BUTTONS = ("wizard_goto_step", "refresh_lists", "add_contract")


def fill(form: Form, overrides: dict, children=None) -> dict:
    """Data a careful user would submit: keep what is set, fill what is required.

    ``overrides`` maps a field-name suffix to a value (or a callable(field) -> value).
    ``children(url)`` returns ``[(value, label), ...]`` for a dependent drop-down whose
    options are loaded by script (``data-children-url``).
    """
    data: dict[str, object] = {}
    chosen: dict[str, str] = {}
    radios_done: set[str] = set()
    by_name = {f.name: f for f in form.fields}
    for f in form.fields:
        if f.tag == "button" or f.type in ("submit", "button", "reset", "image", "file"):
            continue
        if any(f.name.endswith(b) or f.name == b for b in SIDE_BUTTONS):
            continue
        override = _override(f, overrides)
        if f.type == "radio":
            if f.name in radios_done:
                continue
            group = [g for g in form.fields if g.name == f.name and g.type == "radio"]
            value = override
            if value is None:
                value = next((g.value for g in group if g.checked), None)
            if value is None:
                value = group[0].value
            data[f.name] = value
            radios_done.add(f.name)
            continue
        if f.type == "checkbox":
            if override is not None:
                if override:
                    data.setdefault(f.name, [])
                    data[f.name].append(f.value or "on")  # type: ignore[union-attr]
            elif f.checked or f.required:
                data.setdefault(f.name, [])
                data[f.name].append(f.value or "on")  # type: ignore[union-attr]
            continue
        if f.tag == "select":
            value = override
            if value is None:
                value = next((v for v, sel, _ in f.options if sel and v), None)
            if value is None:
                # A dependent list filled by script from its parent's choice.
                options = [v for v, _, _ in f.options if v]
                url = _dependent_url(form, f, chosen)
                if not options and url and children is not None:
                    options = [str(v) for v, _ in children(url)]
                value = options[0] if options else ""
            if f.attrs.get("multiple") is not None and "multiple" in f.attrs:
                data[f.name] = [value] if value else []
            else:
                data[f.name] = value
            chosen[f.name] = value
            continue
        if override is not None:
            data[f.name] = override
            continue
        if f.value.strip():
            data[f.name] = f.value.strip() if f.tag == "textarea" else f.value
            continue
        if f.type == "hidden":
            data[f.name] = ""
            continue
        data[f.name] = _default_for(f)
    del by_name
    return data


# A parent drop-down names its dependent list in one data attribute and the URL of
# the dependent options (with "__id__" for the parent's value) in another.
DEPENDENT_ATTRS = [
    ("data-chain-child", "data-children-url"),
    ("data-versions-target", "data-versions-url"),
]


def _dependent_url(form: Form, f: Field, chosen: dict) -> str | None:
    for parent in form.fields:
        if parent.name not in chosen:
            continue
        for target_attr, url_attr in DEPENDENT_ATTRS:
            if parent.attrs.get(target_attr) == f.name and parent.attrs.get(url_attr):
                return parent.attrs[url_attr].replace("__id__", str(chosen[parent.name]))
    return None


def _override(f: Field, overrides: dict):
    for suffix, value in overrides.items():
        if f.name == suffix or f.name.endswith("-" + suffix):
            return value(f) if callable(value) else value
    return None


def _default_for(f: Field) -> str:
    name = f.name.lower()
    now = dt.datetime.now()
    if f.type == "email" or "email" in name:
        return "anna@contoso.bench.example"
    if f.type == "tel" or "phone" in name:
        return "+36 1 234 5678"
    if f.type == "date":
        return now.date().isoformat()
    if f.type == "datetime-local":
        return now.strftime("%Y-%m-%dT%H:%M")
    if f.type == "time":
        return "09:00"
    if f.type == "number":
        return "3"
    if f.type == "url":
        return "https://contoso.example"
    if "time_zone" in name or "timezone" in name:
        return "Europe/Budapest"
    if "domain" in name:
        return "contoso.onmicrosoft.com"
    if "name" in name:
        return "Anna Kovács"
    if f.tag == "textarea":
        return "Users cannot open their mailboxes since this morning; restarting did not help."
    return "Benchmark request"
