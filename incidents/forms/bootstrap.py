"""Bootstrap 5 widgets for the incident pages' small forms, without crispy's template chain.

The engineer's and the partner's incident pages show up to six forms; crispy-forms rendered
each field through five nested templates (a third of the page's time, issue 21). These
forms are drawn by one project template instead (templates/incidents/includes/form_fields.html);
the widget gets Bootstrap's classes here, where Django builds its attributes, so the markup
keeps what crispy gave it: ``form-control`` / ``form-select`` / ``form-check-input``, and
``is-invalid`` beside Django's own ``aria-invalid`` and ``aria-describedby`` when the field
has errors.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField


def widget_css(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [attrs.get("class") or widget.attrs.get("class", ""), widget_css(widget)]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(css for css in classes if css)
        return attrs


class BootstrapForm(forms.Form):
    """A form drawn by incidents/includes/form_fields.html."""

    bound_field_class = BootstrapBoundField
