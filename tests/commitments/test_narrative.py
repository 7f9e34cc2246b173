"""The narrative markup of progress updates: paragraphs, bulleted and numbered lists, bold; nothing else."""

from __future__ import annotations

from commitments.narrative import Block, Run, narrative_html, parse


def test_paragraphs_are_split_on_blank_lines_and_lines_inside_one_are_joined() -> None:
    assert parse("OCSET is a dedicated team.\n\nA permanent uplift\nhas been agreed.") == [
        Block("paragraph", [[Run("OCSET is a dedicated team.")]]),
        Block("paragraph", [[Run("A permanent uplift has been agreed.")]]),
    ]


def test_two_stars_make_bold_and_one_star_is_kept_as_typed() -> None:
    assert parse("Outcomes rose to **22%+** in *25/26*.") == [
        Block("paragraph", [[Run("Outcomes rose to "), Run("22%+", bold=True), Run(" in *25/26*.")]])
    ]


def test_dash_and_star_lines_make_one_bulleted_list() -> None:
    blocks = parse("The strands:\n\n- rape and serious sexual offences\n* domestic **abuse**")
    assert blocks[1] == Block(
        "bullets", [[Run("rape and serious sexual offences")], [Run("domestic "), Run("abuse", bold=True)]]
    )


def test_a_list_may_follow_its_paragraph_without_a_blank_line() -> None:
    assert [block.kind for block in parse("The 4P plan:\n- Pursue\n- Prevent")] == ["paragraph", "bullets"]


def test_numbered_lists_keep_their_first_number() -> None:
    assert parse("1. Prepare\n2. Protect") == [Block("numbers", [[Run("Prepare")], [Run("Protect")]], start=1)]
    assert parse("Then:\n\n3. Pursue\n4. Prevent")[1].start == 3


def test_nested_entries_join_their_parent_list_after_it() -> None:
    assert parse("- VAWG\n  - rape\n  - stalking\n- CSE") == [
        Block("bullets", [[Run("VAWG")], [Run("rape")], [Run("stalking")], [Run("CSE")]])
    ]


def test_other_markup_is_plain_text() -> None:
    text = "# Heading\n\n> quote <b>tag</b> &amp; [link](http://example.org)"
    assert parse(text) == [
        Block("paragraph", [[Run("# Heading")]]),
        Block("paragraph", [[Run("> quote <b>tag</b> &amp; [link](http://example.org)")]]),
    ]


def test_an_empty_narrative_has_no_blocks() -> None:
    assert parse("") == [] and parse("\n\n  \n") == []


def test_the_html_escapes_everything_the_author_typed() -> None:
    html = narrative_html('Before <script>alert("x")</script> **bold <i>**\n\n- <img src=x onerror=alert(1)>')
    assert html == (
        '<p class="govuk-body">Before &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; '
        "<strong>bold &lt;i&gt;</strong></p>"
        '<ul class="govuk-list govuk-list--bullet"><li>&lt;img src=x onerror=alert(1)&gt;</li></ul>'
    )


def test_the_html_numbers_lists_from_their_first_number() -> None:
    assert narrative_html("2. Protect\n3. Pursue") == (
        '<ol class="govuk-list govuk-list--number" start="2"><li>Protect</li><li>Pursue</li></ol>'
    )
