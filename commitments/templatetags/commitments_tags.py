"""Display helpers for commitments templates: progress narratives in their small markup (see ``narrative``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from commitments.narrative import Block, block_html, narrative_html

register = template.Library()


@register.filter
def narrative(text: str) -> SafeString:
    """A progress narrative's paragraphs, lists and bold as escaped HTML."""
    return narrative_html(text)


@register.simple_tag
def narrative_block(block: Block, number: str = "") -> SafeString:
    """One block of a narrative (a numbered paragraph of the report, or a list)."""
    return block_html(block, number)
