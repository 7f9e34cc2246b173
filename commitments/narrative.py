"""The markup leads may use in a progress update, and its two renderings (web page and Word).

A small Markdown subset, parsed by markdown-it-py with every rule off but these:

- paragraphs, separated by a blank line (single line breaks inside one are joined with a space);
- bulleted lists: lines starting ``- `` or ``* ``;
- numbered lists: lines starting ``1. `` (a list keeps the number it starts at);
- bold: ``**words**``.

Anything else is kept as the lead typed it: ``*one star*``, ``# a hash``, ``<b>tags</b>`` and
``&amp;`` are plain text, escaped on the web page. Nested list items join their parent list, and
adjacent lists of one kind are one list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from markdown_it import MarkdownIt
from markdown_it.token import Token

# The hint shown under the narrative box: the one place that says which markup is allowed.
MARKUP_HINT = (
    "Leave a blank line between paragraphs; each becomes a numbered paragraph in the report. "
    "Start lines with “- ” for a bulleted list or “1. ” for a numbered list, "
    "and put **two stars** around words to make them bold. Other markup is shown as typed."
)

_PARSER = MarkdownIt("zero").enable(["list", "emphasis"])
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")

BlockKind = Literal["paragraph", "bullets", "numbers"]


@dataclass(frozen=True)
class Run:
    """Text with one weight."""

    text: str
    bold: bool = False


@dataclass
class Block:
    """A paragraph (one item) or a list (one item per entry); each item is a list of runs."""

    kind: BlockKind
    items: list[list[Run]] = field(default_factory=list)
    start: int = 1  # first number of a numbered list

    @property
    def runs(self) -> list[Run]:
        """A paragraph's runs (the first item)."""
        return self.items[0] if self.items else []


def _runs(inline: Token) -> list[Run]:
    runs: list[Run] = []
    bold = 0
    for child in inline.children or []:
        if child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold = max(bold - 1, 0)
        elif child.type in {"em_open", "em_close"}:
            runs.append(Run(child.markup, bold > 0))  # single stars/underscores are not markup here
        elif child.type in {"softbreak", "hardbreak"}:
            runs.append(Run(" ", bold > 0))
        else:
            runs.append(Run(_LINE_BREAK.sub(" ", child.content), bold > 0))
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    """Adjacent runs of the same weight as one; empty runs dropped; outer spaces trimmed."""
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].bold == run.bold:
            merged[-1] = Run(merged[-1].text + run.text, run.bold)
        else:
            merged.append(run)
    if merged:
        merged[0] = Run(merged[0].text.lstrip(), merged[0].bold)
        merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold)
    return [run for run in merged if run.text]


def parse(text: str) -> list[Block]:
    """The narrative as blocks, in order."""
    blocks: list[Block] = []
    list_depth = 0
    item: list[Run] | None = None
    for token in _PARSER.parse(text or ""):
        if token.type in {"bullet_list_open", "ordered_list_open"}:
            if list_depth == 0:
                bulleted = token.type == "bullet_list_open"
                blocks.append(Block("bullets" if bulleted else "numbers", start=int(token.attrs.get("start", 1))))
            elif item:  # a parent entry followed by nested ones: the parent comes first
                blocks[-1].items.append(item)
                item = None
            list_depth += 1
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            list_depth -= 1
        elif token.type == "list_item_close":
            if item:
                blocks[-1].items.append(item)
            item = None
        elif token.type == "inline":
            runs = _runs(token)
            if not list_depth:
                if runs:
                    blocks.append(Block("paragraph", [runs]))
            elif item:  # a second paragraph in the same entry
                item[:] = _merge([*item, Run(" ", False), *runs])
            else:
                item = runs
    return _join_lists([block for block in blocks if block.items])


def _join_lists(blocks: list[Block]) -> list[Block]:
    """Markdown starts a new list when the bullet changes (``-`` then ``*``); here it is one list."""
    joined: list[Block] = []
    for block in blocks:
        if joined and block.kind != "paragraph" and joined[-1].kind == block.kind:
            joined[-1].items.extend(block.items)
        else:
            joined.append(block)
    return joined


def runs_html(runs: list[Run]) -> SafeString:
    """Escaped text with ``<strong>`` around the bold runs."""
    return format_html_join(
        "", "{}", ((format_html("<strong>{}</strong>", run.text) if run.bold else run.text,) for run in runs)
    )


def block_html(block: Block, number: str = "") -> SafeString:
    """One block as GOV.UK markup, every piece of text escaped; ``number`` (``2.1``) goes before a paragraph."""
    if block.kind == "paragraph":
        prefix = f"{number} " if number else ""
        return format_html('<p class="govuk-body">{}{}</p>', prefix, runs_html(block.runs))
    items = format_html_join("", "<li>{}</li>", ((runs_html(runs),) for runs in block.items))
    if block.kind == "bullets":
        return format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items)
    if block.start != 1:
        return format_html('<ol class="govuk-list govuk-list--number" start="{}">{}</ol>', block.start, items)
    return format_html('<ol class="govuk-list govuk-list--number">{}</ol>', items)


def narrative_html(text: str) -> SafeString:
    """A whole narrative as safe HTML (no raw HTML of the author's ever reaches the page)."""
    return format_html_join("", "{}", ((block_html(block),) for block in parse(text)))
