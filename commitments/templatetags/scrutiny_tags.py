"""``{% subject_queries commitment=c %}``: the scrutiny queries on a commitment, board or inspection
recommendation, with "Raise a scrutiny query" for the OPCC. Used by those records' pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from commitments import rules
from commitments import scrutiny_selectors as selectors

register = template.Library()


@register.inclusion_tag("commitments/includes/queries_table.html", takes_context=True)
def subject_queries(context: dict[str, Any], **subject: Any) -> dict[str, Any]:
    """``subject`` is one of ``commitment=…``, ``board=…``, ``recommendation=…`` (a record)."""
    user = context["request"].user
    (name, record), *_ = subject.items()
    can_raise = rules.can_raise_queries(user)
    return {
        "queries": selectors.queries_about(user=user, today=timezone.localdate(), **subject),
        "raise_url": f"{reverse('commitments:query_create')}?{urlencode({name: record.pk})}" if can_raise else "",
        "list_url": f"{reverse('commitments:query_list')}?{urlencode({name: record.pk})}",
    }
