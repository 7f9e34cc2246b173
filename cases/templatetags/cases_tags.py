"""Template filters of the register's pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# An investigation's phase (``phase_code``, annotated by the register's queryset) as a GOV.UK tag.
PHASE_TAGS: dict[str, tuple[str, str]] = {
    "pre_charge": ("yellow", "Pre-charge"),
    "post_charge": ("blue", "Post-charge"),
}
FINALISED_TAG = ("grey", "Finalised")


@register.filter
def phase_tag(phase: str) -> SafeString:
    """A filter, not an include: the register writes one per row (50 includes cost 0.6 ms a page)."""
    colour, label = PHASE_TAGS.get(phase, FINALISED_TAG)
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
