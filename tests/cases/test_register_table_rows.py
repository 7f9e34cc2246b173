"""The register table's rows, written by the ``register_table_rows`` filter rather than a template loop."""

from __future__ import annotations

from datetime import date

from django.template import engines

from cases.selectors import RegisterRow


def _render(rows: list[RegisterRow]) -> str:
    return engines["django"].from_string("{% load cases_tags %}{{ rows|register_table_rows }}").render({"rows": rows})


def _row(**changes: object) -> RegisterRow:
    values: dict[str, object] = {
        "url": "/cases/7/",
        "crime_reference": "CR/2025/0007",
        "strand": "RASSO",
        "offence_group": "Rape",
        "lpa": "Birmingham",
        "team": "RASSO team",
        "recorded_date": date(2025, 5, 3),
        "outcome": "Charged/summonsed",
        "outcome_date": date(2025, 11, 21),
        "phase_code": "post_charge",
        "flags": "Domestic abuse, Repeat victim",
    }
    return RegisterRow(**{**values, **changes})  # type: ignore[arg-type]


def test_a_row_has_every_cell_in_column_order_with_long_dates_and_the_phase_tag() -> None:
    html = _render([_row()])
    assert html.startswith('<tr class="govuk-table__row"><td class="govuk-table__cell">')
    assert '<a class="govuk-link" href="/cases/7/">CR/2025/0007</a>' in html
    cells = html.split('<td class="govuk-table__cell')[1:]
    assert len(cells) == 10
    texts = ["RASSO", "Rape", "Birmingham", "RASSO team", "3 May 2025", "Charged/summonsed", "21 November 2025"]
    for cell, text in zip(cells[1:8], texts, strict=True):
        assert f">{text}</td>" in cell
    assert 'govuk-tag govuk-tag--blue">Post-charge</strong>' in cells[8]
    assert ">Domestic abuse, Repeat victim</td>" in cells[9]


def test_blanks_read_as_a_dash_and_an_open_case_as_open() -> None:
    html = _render([_row(lpa="", team="", outcome="", outcome_date=None, flags="", phase_code="pre_charge")])
    assert html.count(">—</td>") == 4  # LPA, team, outcome date, flags
    assert ">Open</td>" in html
    assert "govuk-tag--yellow" in html


def test_every_value_is_escaped() -> None:
    html = _render([_row(crime_reference='<script>alert("x")</script>', flags="A & B", url='/cases/1/"onclick="x')])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert ">A &amp; B</td>" in html
    assert 'href="/cases/1/&quot;onclick=&quot;x"' in html


def test_one_row_per_investigation_and_none_for_none() -> None:
    assert _render([_row(), _row(crime_reference="CR/2025/0008")]).count("<tr ") == 2
    assert _render([]) == ""


def test_an_unknown_phase_reads_as_finalised_and_quotes_are_escaped() -> None:
    html = _render([_row(phase_code="", team="O'Neill's team")])
    assert 'govuk-tag govuk-tag--grey">Finalised</strong>' in html
    assert ">O&#x27;Neill&#x27;s team</td>" in html
