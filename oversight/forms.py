"""Forms and form fields every app shares: the GOV.UK form renderer, the login form and the period fields.

Every Django form renders through :class:`GovukFormRenderer` (``FORM_RENDERER``): each field is a GOV.UK
form group (``templates/forms/field.html``) whose widget carries the GOV.UK class, whose hint and error
have the ids ``id_x-hint`` and ``id_x-error``, and whose ``aria-describedby`` lists only those that are on
the page. Radios and checkboxes are GOV.UK radios and checkboxes in a fieldset with a legend. A required
field left empty says what to do ("Enter the reason", "Select a proposed rating"), and a select offers
"Select …" rather than dashes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .errors import ApplicationError
from .periods import parse_month, parse_quarter

# The GOV.UK class for each kind of widget (the field template adds the error modifier).
WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.ClearableFileInput, "govuk-file-upload"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.widgets.Input, "govuk-input"),
]
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}
DJANGO_DASHES = "---------"


def widget_class(widget: forms.Widget) -> str:
    for kind, css in WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _phrase(label: str) -> str:
    """A label as it reads inside a sentence: "Recorded date" -> "recorded date" (acronyms kept)."""
    label = label.strip().rstrip("?:").strip()
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def required_message(field: forms.Field, label: str) -> str:
    """What to do when a required field is left empty, in GOV.UK words."""
    phrase = _phrase(label)
    owned = phrase.startswith(("your ", "the "))
    if isinstance(field.widget, forms.CheckboxSelectMultiple):
        return f"Select at least one {phrase}" if not owned else f"Select {phrase}"
    if isinstance(field.widget, forms.CheckboxInput):
        return f"Confirm {phrase}" if owned else f"Tick the box to confirm: {phrase}"
    if isinstance(field.widget, forms.RadioSelect | forms.Select):
        return f"Select {phrase}" if owned else f"Select {_article(phrase)} {phrase}"
    if isinstance(field.widget, forms.FileInput):
        return f"Choose {phrase}" if owned else f"Choose {_article(phrase)} {phrase}"
    return f"Enter {phrase}" if owned else f"Enter the {phrase}"


class GovukBoundField(BoundField):
    """A field as GOV.UK Frontend shows it (see the module docstring)."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        default_required = forms.Field.default_error_messages["required"]
        if field.error_messages.get("required") == default_required and self.label:
            field.error_messages["required"] = required_message(field, str(self.label))
        if isinstance(field, GovukDateField) and not field.label:
            field.label = str(self.label)  # its messages name it ("Due date must be a real date")
        self._drop_dashes(field)

    @staticmethod
    def _drop_dashes(field: forms.Field) -> None:
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_DASHES:
                field.empty_label = None if isinstance(field.widget, forms.RadioSelect) else "Select"
        elif isinstance(field, forms.ChoiceField):
            choices = list(cast(list[tuple[Any, Any]], field.choices))
            if any(label == DJANGO_DASHES for _value, label in choices):
                if isinstance(field.widget, forms.RadioSelect):
                    field.choices = [(v, lbl) for v, lbl in choices if lbl != DJANGO_DASHES]
                else:
                    field.choices = [(v, "Select" if lbl == DJANGO_DASHES else lbl) for v, lbl in choices]

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint" if self.auto_id and self.help_text else ""

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error" if self.auto_id and self.errors else ""

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        return " ".join(i for i in (self.hint_id, self.error_id) if i)

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link goes: the field's input, or the first of its radios or boxes."""
        widget = self.field.widget
        if isinstance(widget, GovukDateInput):
            return widget.id_for_label(self.auto_id) if self.auto_id else ""
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
            return f"{self.auto_id}_0" if self.auto_id else ""
        return self.id_for_label

    @property
    def widget_kind(self) -> str:
        widget = self.field.widget
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        return "input"

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        base = widget_class(widget)
        classes = [c for c in str(widget.attrs.get("class", "")).split() if c != base]
        if base:
            classes.insert(0, base)
            if self.errors and base in ERROR_CLASSES:
                classes.append(ERROR_CLASSES[base])
        if classes:
            attrs["class"] = " ".join(classes)
        if self.widget_kind in ("radios", "checkboxes"):
            attrs.pop("aria-describedby", None)  # on the fieldset instead
        return attrs


class GovukDateInput(forms.Widget):
    """The GOV.UK date input: day, month and year boxes named ``x-day``, ``x-month``, ``x-year``.

    A single ISO value posted as ``x`` (``2026-01-31``, as API-like clients and older tests send) is
    accepted too."""

    template_name = "forms/widgets/date_input.html"
    use_fieldset = True
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def format_value(self, value: Any) -> dict[str, str]:
        if isinstance(value, dict):
            return {key: str(value.get(key) or "") for key, _label, _width in self.PARTS}
        if isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return {"day": "", "month": "", "year": ""}
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return {"day": "", "month": "", "year": ""}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        values = self.format_value(value)
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget["invalid"] = widget["attrs"].get("aria-invalid") == "true"
        widget["parts"] = [
            {"name": f"{name}-{key}", "id": f"{base_id}-{key}", "label": label, "width": width, "value": values[key]}
            for key, label, width in self.PARTS
        ]
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)
        parts = {key: (data.get(f"{name}-{key}") or "").strip() for key, _label, _width in self.PARTS}
        return parts if any(parts.values()) else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}-{key}" in data for key, _label, _width in self.PARTS)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else id_


class GovukDateField(forms.DateField):
    """A date in the GOV.UK date input, with GOV.UK error messages ("Recorded date must be a real date")."""

    widget = GovukDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(**kwargs)

    def _name(self) -> str:
        return str(self.label or "The date")

    def to_python(self, value: Any) -> date | None:
        if not isinstance(value, dict):
            try:
                return super().to_python(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid") from exc
        missing = [key for key, _label, _width in GovukDateInput.PARTS if not value.get(key)]
        if missing:
            words = " and ".join(f"a {key}" for key in missing)
            raise forms.ValidationError(f"{self._name()} must include {words}", code="incomplete")
        try:
            day, month, year = (int(value[key]) for key in ("day", "month", "year"))
            if year < 1000:
                raise ValueError(year)
            return date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid") from exc


def use_date_inputs(form: forms.BaseForm) -> None:
    """Every plain ``DateField`` of ``form`` (a model form's, say) becomes a :class:`GovukDateField`."""
    for name, field in list(form.fields.items()):
        if type(field) is forms.DateField:
            form.fields[name] = GovukDateField(
                label=field.label,
                required=field.required,
                initial=field.initial,
                disabled=field.disabled,
                **({"help_text": field.help_text} if field.help_text else {}),
            )


class GovukFormRenderer(TemplatesSetting):
    """The one form renderer (``FORM_RENDERER``): GOV.UK form groups for every field."""

    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField


class LoginForm(AuthenticationForm):
    """Email and password; the field stays named ``username`` for Django and django-axes."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }


class MonthField(forms.CharField):
    """A month written ``YYYY-MM`` (:func:`oversight.periods.parse_month`), cleaned to its first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-10", "placeholder": "2025-11"}))
        kwargs.setdefault("help_text", "Year and month, for example 2025-11.")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_month(text).start
        except ApplicationError as exc:
            # As a parameter, never as the format itself: the message quotes the value, which may hold a '%'.
            raise forms.ValidationError("%(message)s", params={"message": exc.message}) from exc


class QuarterField(forms.CharField):
    """A financial quarter written ``YYYY-YY-QN`` (:func:`oversight.periods.parse_quarter`), cleaned to its key."""

    def clean(self, value: Any) -> str | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_quarter(text).key
        except ApplicationError as exc:
            # As a parameter, never as the format itself: the message quotes the value, which may hold a '%'.
            raise forms.ValidationError("%(message)s", params={"message": exc.message}) from exc


# Rendered form groups remembered per process (see :func:`rendered_fields`): the register's filter form is
# about 13 kB of HTML, so at most about 3 MB per worker.
RENDERED_FIELDS_KEPT = 256
_rendered: OrderedDict[str, SafeString] = OrderedDict()
_rendered_lock = threading.Lock()


def rendered_fields(form: forms.BaseForm, *, skip: Iterable[str] = ()) -> SafeString:
    """The GOV.UK form groups of ``form``'s fields (but ``skip``), as :class:`GovukFormRenderer` writes them.

    A list page's filter form (the register's has 23 fields and 135 options) costs more to render than
    its table, and it is the same HTML for everyone who sends the same values. So the HTML of a valid or
    unbound form is remembered in this process, keyed by the form's class, each field's bound value and
    each field's choices as they are now (reference data edited or retired changes the key at once; a
    deploy starts new processes). A form with errors is rendered afresh: its messages quote the input.
    """
    skipped = set(skip)
    names = [name for name in form.fields if name not in skipped]

    def render() -> SafeString:
        return format_html_join("", "{}", ((form[name].as_field_group(),) for name in names))

    if form.is_bound and not form.is_valid():
        return render()
    data = form.data
    values = [
        data.getlist(form.add_prefix(n)) if hasattr(data, "getlist") else data.get(form.add_prefix(n)) for n in names
    ]
    choices = [list(getattr(form.fields[n].widget, "choices", ())) for n in names]
    key = hashlib.sha256(
        repr((type(form).__module__, type(form).__qualname__, form.is_bound, names, values, choices)).encode()
    ).hexdigest()
    with _rendered_lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = render()
    with _rendered_lock:
        _rendered[key] = html
        while len(_rendered) > RENDERED_FIELDS_KEPT:
            _rendered.popitem(last=False)
    return html
