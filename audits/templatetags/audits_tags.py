"""Small display helpers for audit templates: rates, assurance and status tags (text, not colour alone)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from audits.choices import ActionStatus, AnswerValue, AssuranceLevel, AuditStatus, FindingSeverity

register = template.Library()

_ASSURANCE_COLOURS: dict[str, str] = {
    AssuranceLevel.SUBSTANTIAL: "govuk-tag--green",
    AssuranceLevel.REASONABLE: "govuk-tag--turquoise",
    AssuranceLevel.LIMITED: "govuk-tag--yellow",
    AssuranceLevel.MINIMAL: "govuk-tag--red",
}
_STATUS_COLOURS: dict[str, str] = {
    AuditStatus.PLANNED: "govuk-tag--grey",
    AuditStatus.IN_PROGRESS: "govuk-tag--blue",
    AuditStatus.SUBMITTED: "govuk-tag--purple",
    AuditStatus.SIGNED_OFF: "govuk-tag--green",
}
_ACTION_COLOURS: dict[str, str] = {
    ActionStatus.OPEN: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.COMPLETED: "govuk-tag--purple",
    ActionStatus.VERIFIED: "govuk-tag--green",
}
_SEVERITY_COLOURS: dict[str, str] = {
    FindingSeverity.LOW: "govuk-tag--grey",
    FindingSeverity.MEDIUM: "govuk-tag--yellow",
    FindingSeverity.HIGH: "govuk-tag--orange",
    FindingSeverity.CRITICAL: "govuk-tag--red",
}
_RAG_COLOURS: dict[str, str] = {"GREEN": "govuk-tag--green", "AMBER": "govuk-tag--yellow", "RED": "govuk-tag--red"}
_ANSWER_COLOURS: dict[str, str] = {
    AnswerValue.COMPLIANT: "govuk-tag--green",
    AnswerValue.PARTIAL: "govuk-tag--yellow",
    AnswerValue.NON_COMPLIANT: "govuk-tag--red",
    AnswerValue.NOT_APPLICABLE: "govuk-tag--grey",
}


@register.filter
def rate(value: float | None) -> str:
    """66.7 → '66.7%'; None → 'no data'."""
    return "no data" if value is None else f"{value:.1f}%"


@register.simple_tag
def assurance_tag(level: str) -> str:
    if not level:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Not yet known</strong>')
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _ASSURANCE_COLOURS.get(level, ""), AssuranceLevel(level).label
    )


@register.simple_tag
def audit_status_tag(status: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _STATUS_COLOURS.get(status, ""), AuditStatus(status).label
    )


@register.simple_tag
def action_status_tag(status: str, overdue: bool = False) -> str:
    html = format_html(
        '<strong class="govuk-tag {}">{}</strong>', _ACTION_COLOURS.get(status, ""), ActionStatus(status).label
    )
    if overdue:
        html += mark_safe(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    return html


@register.simple_tag
def answer_tag(value: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _ANSWER_COLOURS.get(value, ""), AnswerValue(value).label
    )


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def severity_tag(severity: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _SEVERITY_COLOURS.get(severity, ""), FindingSeverity(severity).label
    )


@register.simple_tag
def rag_tag(rating: str | None) -> str:
    """GREEN / AMBER / RED as a tag with the word in it; nothing due yet → 'Not due'."""
    if not rating:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Not due</strong>')
    return format_html('<strong class="govuk-tag {}">{}</strong>', _RAG_COLOURS.get(rating, ""), rating.title())
