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

from .taxonomy import REFRESH_FIELD
from .widgets import ONE_TEMPLATE, ONE_TEMPLATE_RENDERER, OPTION_TEMPLATE


def widget_css(widget: forms.Widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
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

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_choice_list(self) -> bool:
        """Radio buttons or a list of checkboxes: a fieldset, its label the legend."""
        return isinstance(self.field.widget, forms.RadioSelect)

    @property
    def options_drawn_here(self) -> bool:
        """Whether form_field.html writes each radio button / checkbox of the list itself
        (the markup of incidents/widgets/input_option.html, in its loop over the options),
        rather than rendering one template per option through ``choice.tag``."""
        widget = self.field.widget
        return (
            self.form.renderer is ONE_TEMPLATE_RENDERER
            and ONE_TEMPLATE.get(getattr(widget, "option_template_name", "")) == OPTION_TEMPLATE
        )


class BootstrapForm(forms.Form):
    """A form drawn by incidents/includes/form_fields.html (one field: form_field.html).

    What crispy's layouts said, the template reads off these attributes:
    ``refresh_after`` names the field after which the dependent lists' "Update lists"
    button stands (for browsers without JavaScript), ``rules_before`` the fields a
    horizontal rule separates from the ones above, ``indented`` the fields set in.
    """

    bound_field_class = BootstrapBoundField
    # Widgets drawn by one template each, not Django's chain of includes (widgets.py).
    default_renderer = ONE_TEMPLATE_RENDERER
    drawn_by_template = True  # templates/wizard/step.html: not through crispy
    refresh_after: str | None = None
    refresh_name = REFRESH_FIELD
    rules_before: tuple[str, ...] = ()
    indented: tuple[str, ...] = ()
