"""The report to the Commissioner, ready to send: the Word file (A4, marking, page numbers, properties,
title block, narrative markup, evidence, annex with the previous quarter, KPI appendix) and its page."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import html as lxml_html

from commitments import selectors
from commitments.models import PublishedEvidence, RagAssessment
from oversight.roles import Role
from tests.cases.factories import InvestigationFactory
from tests.commitments.factories import (
    ChapterFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    RagAssessmentFactory,
    period,
)
from tests.performance.factories import BenchmarkFigureFactory, BenchmarkMeasureFactory

pytestmark = pytest.mark.django_db

URL = "/commitments/report/?period=2025-26-Q2"
NARRATIVE = (
    "OCSET is a **dedicated** team.\n\n"
    "- over 2300 referrals\n"
    "- over 500 warrants\n\n"
    "1. Recruit a sergeant\n"
    "2. Recruit six constables\n\n"
    "<script>alert(1)</script> stays as typed."
)


@pytest.fixture
def report_data() -> None:
    """147 GREEN (AMBER the quarter before) with a marked-up update; 256 AMBER (nothing before)."""
    chapter = ChapterFactory()
    first = CommitmentFactory(chapter=chapter, action_ref="147", order=1, text="Commitment 147.")
    second = CommitmentFactory(chapter=chapter, action_ref="256", order=2, text="Commitment 256.")
    RagAssessmentFactory(commitment=first, period=period("2025-26-Q2"), published=True, rating="GREEN")
    RagAssessmentFactory(commitment=first, period=period("2025-26-Q1"), published=True, rating="AMBER")
    RagAssessmentFactory(commitment=second, period=period("2025-26-Q2"), published=True, rating="AMBER")
    ProgressUpdateFactory(commitment=first, narrative=NARRATIVE)


def _docx(client: Any, url: str = URL) -> DocumentObject:
    response = client.get(url + "&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(io.BytesIO(response.content))


def _cm(length: Length | None) -> float:
    assert length is not None
    return round(length.cm, 2)


def _style(paragraph: Any) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _num_id(element: Any) -> int:
    """The numbering instance of a paragraph or a paragraph style (its ``w:numPr/w:numId``)."""
    return int(element.pPr.numPr.numId.val)


def _rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table_after(document: DocumentObject, caption_start: str) -> Any:
    """The table that follows the paragraph starting with ``caption_start``."""
    body = list(document.element.body.iterchildren())
    for index, element in enumerate(body):
        if element.tag == qn("w:p") and "".join(element.itertext()).startswith(caption_start):
            following = body[index + 1]
            return next(t for t in document.tables if t._tbl is following)
    raise AssertionError(f"no paragraph starts with {caption_start!r}")


# --- the page setup ----------------------------------------------------------------------------


def test_the_word_report_is_a4_portrait_with_margins_of_about_two_centimetres(
    client_for: Any, report_data: None
) -> None:
    section = _docx(client_for(Role.OPCC_SCRUTINY)).sections[0]
    assert _cm(section.page_width) == 21.0 and _cm(section.page_height) == 29.7
    for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
        assert 2.0 <= _cm(margin) <= 2.54


def test_the_marking_is_in_the_header_and_the_footer(client_for: Any, report_data: None) -> None:
    section = _docx(client_for(Role.OPCC_SCRUTINY)).sections[0]
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL-SENSITIVE"]
    assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"


def test_the_marking_comes_from_the_setting(client_for: Any, report_data: None, settings: Any) -> None:
    settings.PROTECTIVE_MARKING = "OFFICIAL"
    client = client_for(Role.OPCC_SCRUTINY)
    section = _docx(client).sections[0]
    assert section.header.paragraphs[0].text == section.footer.paragraphs[0].text == "OFFICIAL"
    html = client.get(URL).content.decode()
    assert 'data-marking="OFFICIAL"' in html
    assert html.count('<p class="app-report__marking"') == 2


def test_the_footer_numbers_pages_with_page_and_numpages_fields(client_for: Any, report_data: None) -> None:
    footer = _docx(client_for(Role.OPCC_SCRUTINY)).sections[0].footer
    instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    # Word and LibreOffice replace the placeholders when they lay the pages out.
    assert footer.paragraphs[1].text == "Page 1 of 1"
    kinds = [node.get(qn("w:fldCharType")) for node in footer._element.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2


def test_the_document_properties_name_the_report_and_its_author(
    client_for: Any, make_user: Any, report_data: None
) -> None:
    user = make_user(Role.OPCC_SCRUTINY, full_name="Priya Shah")
    before = timezone.now() - timedelta(seconds=1)
    properties = _docx(client_for(user=user)).core_properties
    assert properties.title == "Report to the Police and Crime Commissioner – Q2 25/26"
    assert properties.author == properties.last_modified_by == "Priya Shah"
    assert properties.subject == (
        "Progress on Police and Crime Plan commitments – Quarter 2, 2025/26: 1 July – 30 September 2025"
    )
    assert properties.created is not None and properties.created >= before.replace(microsecond=0)
    assert "python-docx" not in {properties.author, properties.title, properties.comments, properties.subject}


# --- the title block and the author ------------------------------------------------------------


def test_the_title_block_has_the_period_issue_date_version_and_the_generating_author(
    client_for: Any, make_user: Any, report_data: None
) -> None:
    user = make_user(Role.BOARD_CHAIR, full_name="Tony Hopkins")
    user.job_title = "Head of Public Protection"
    user.save()
    document = _docx(client_for(user=user))
    assert document.paragraphs[0].text == "Report to the Police and Crime Commissioner"
    assert _style(document.paragraphs[0]) == "Title"
    block = dict(_rows(document.tables[0]))
    assert block["Period"] == "Quarter 2, 2025/26: 1 July – 30 September 2025"
    today = timezone.localdate()  # the ratings were published today (factories)
    assert block["Date of issue"] == f"{today.day} {today:%B %Y}"
    assert block["Version"] == "1 (Final)"
    assert (block["Author"], block["Job title"]) == ("Tony Hopkins", "Head of Public Protection")
    assert block["Protective marking"] == "OFFICIAL-SENSITIVE"
    texts = [p.text for p in document.paragraphs]
    assert texts[-2:] == ["Author(s): Tony Hopkins", "Job Title: Head of Public Protection"]


def test_the_author_settings_win_over_the_person_generating_the_report(
    client_for: Any, report_data: None, settings: Any
) -> None:
    settings.REPORT_AUTHOR_NAME = "Detective Chief Superintendent Tony HOPKINS"
    settings.REPORT_AUTHOR_JOB_TITLE = "Head of Public Protection"
    client = client_for(Role.OPCC_SCRUTINY)
    document = _docx(client)
    block = dict(_rows(document.tables[0]))
    assert (block["Author"], block["Job title"]) == (
        "Detective Chief Superintendent Tony HOPKINS",
        "Head of Public Protection",
    )
    assert document.core_properties.author == "Detective Chief Superintendent Tony HOPKINS"
    page = client.get(URL).content.decode()
    assert "Author(s): Detective Chief Superintendent Tony HOPKINS<br>Job Title: Head of Public Protection" in page


def test_a_correction_makes_a_new_version_and_an_unpublished_rating_a_draft(
    client_for: Any, make_user: Any, report_data: None
) -> None:
    green = RagAssessment.objects.get(commitment__action_ref="256", period__key="2025-26-Q2")
    RagAssessmentFactory(
        commitment=green.commitment,
        period=green.period,
        version=2,
        corrects=green,
        correction_reason="Late data.",
        published=True,
        rating="RED",
    )
    CommitmentFactory(chapter=green.commitment.chapter, action_ref="43", order=3)  # nothing published
    block = dict(_rows(_docx(client_for(Role.OPCC_SCRUTINY)).tables[0]))
    # 1 + one published correction; one of three commitments has no published rating.
    assert block["Version"] == "2 (Draft: 1 rating not yet published)"


# --- narratives ---------------------------------------------------------------------------------


def test_narratives_keep_numbered_paragraphs_bold_and_lists(client_for: Any, report_data: None) -> None:
    document = _docx(client_for(Role.OPCC_SCRUTINY))
    paragraphs = document.paragraphs
    first = next(p for p in paragraphs if p.text.startswith("2.1 "))
    assert first.text == "2.1 OCSET is a dedicated team."
    assert [(run.text, bool(run.bold)) for run in first.runs] == [
        ("2.1 ", False),
        ("OCSET is a ", False),
        ("dedicated", True),
        (" team.", False),
    ]
    bullets = [p.text for p in paragraphs if _style(p) == "List Bullet" and "over" in p.text]
    assert bullets == ["over 2300 referrals", "over 500 warrants"]
    numbered = [p for p in paragraphs if _style(p) == "List Number"]
    assert [p.text for p in numbered] == ["Recruit a sergeant", "Recruit six constables"]
    # Each numbered list restarts at its own first number: a numbering instance of its own.
    num_ids = {_num_id(p._p) for p in numbered}
    assert len(num_ids) == 1 and num_ids != {_num_id(document.styles["List Number"].element)}
    # Lists are not numbered as paragraphs: the paragraph after them is 2.2; markup-like text stays text.
    assert "2.2 <script>alert(1)</script> stays as typed." in [p.text for p in paragraphs]


def test_the_page_renders_the_markup_and_escapes_everything_else(client_for: Any, report_data: None) -> None:
    html = client_for(Role.OPCC_SCRUTINY).get(URL).content.decode()
    assert '<p class="govuk-body">2.1 OCSET is a <strong>dedicated</strong> team.</p>' in html
    assert (
        '<ul class="govuk-list govuk-list--bullet"><li>over 2300 referrals</li><li>over 500 warrants</li></ul>' in html
    )
    assert "<li>Recruit a sergeant</li><li>Recruit six constables</li></ol>" in html
    assert "2.2 &lt;script&gt;alert(1)&lt;/script&gt; stays as typed." in html
    assert "<script>alert(1)" not in html


def test_a_commitment_without_an_update_says_so(client_for: Any, report_data: None) -> None:
    texts = [p.text for p in _docx(client_for(Role.OPCC_SCRUTINY)).paragraphs]
    assert "3.1 No progress update was submitted for Q2 25/26." in texts


def test_the_update_form_says_which_markup_is_allowed(cast: Any, client_for: Any) -> None:
    html = client_for(user=cast.lead).get(f"/commitments/{cast.commitment.pk}/update/2025-26-Q2/").content.decode()
    assert "“- ” for a bulleted list or “1. ” for a numbered list" in html
    assert "**two stars** around words to make them bold" in html


# --- evidence -------------------------------------------------------------------------------


def test_each_commitment_has_its_evidence_section_saying_when_no_indicator_is_linked(
    client_for: Any, report_data: None
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    texts = [p.text for p in _docx(client).paragraphs]
    for ref in ("147", "256"):
        caption = texts.index(f"Evidence: indicators for action ref {ref}, Q2 25/26")
        assert texts[caption + 1] == "No indicators are linked to this commitment."
    page = lxml_html.fromstring(client.get(URL).content)
    assert [e.text_content() for e in page.find_class("govuk-body") if e.get("data-testid") == "evidence-147"] == [
        "No indicators are linked to this commitment."
    ]


def test_linked_indicators_make_an_evidence_table_in_the_word_file_and_on_the_page(
    client_for: Any, report_data: None
) -> None:
    # 256 is published for the quarter: the report shows the figures stored with that rating.
    assessment = RagAssessment.objects.get(commitment__action_ref="256", period__key="2025-26-Q2")
    PublishedEvidence.objects.create(
        assessment=assessment,
        recorded_at=timezone.now(),
        indicators=[
            {"name": "CSE positive outcome rate", "metric": "positive_outcome_rate", "value": 22.4, "target": 20,
             "direction": "higher", "same_quarter_last_year": 7.4, "on_track": True},
            {"name": "CSE recorded offences", "metric": "recorded_offences", "value": None, "target": None,
             "direction": "higher", "same_quarter_last_year": 1234, "on_track": None},
        ],
    )  # fmt: skip
    client = client_for(Role.OPCC_SCRUTINY)
    table = _table_after(_docx(client), "Evidence: indicators for action ref 256")
    assert _rows(table) == [
        ["Indicator", "Value", "Target", "Same quarter last year", "On track"],
        ["CSE positive outcome rate", "22.4", "20", "7.4", "On track"],
        ["CSE recorded offences", "–", "–", "1,234", "No value yet"],
    ]
    page = lxml_html.fromstring(client.get(URL).content)
    shown = page.xpath('//table[@data-testid="evidence-256"]//tr')
    assert [[cell.text_content() for cell in row] for row in shown] == _rows(table)


# --- annex one --------------------------------------------------------------------------------


def test_annex_one_has_the_previous_quarter_beside_this_quarter_exactly_as_the_page(
    client_for: Any, report_data: None
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    annex = _table_after(_docx(client), "Table 1.")
    assert _rows(annex) == [
        [
            "Individual Commitment (in the order listed above) – Action references below",
            "Q2 25/26 Deliverable Rating",
            "Q1 25/26 Deliverable Rating (previous quarter)",
        ],
        ["147 - Commitment 147.", "Green", "Amber"],
        ["256 - Commitment 256.", "Amber", "Not published"],
    ]
    page = lxml_html.fromstring(client.get(URL).content)
    shown = page.xpath('//table[@data-testid="annex"]/tbody/tr')
    assert [[" ".join(cell.text_content().split()) for cell in row] for row in shown] == _rows(annex)[1:]
    headers = page.xpath('//table[@data-testid="annex"]/thead//th')
    assert [h.text_content() for h in headers][1:] == [
        "Q2 25/26 deliverable rating",
        "Q1 25/26 deliverable rating (previous quarter)",
    ]


def test_the_annex_cells_are_shaded_by_rating(client_for: Any, report_data: None) -> None:
    annex = _table_after(_docx(client_for(Role.OPCC_SCRUTINY)), "Table 1.")
    fills = [
        [cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) if cell._tc.tcPr.find(qn("w:shd")) is not None else None
         for cell in row.cells[1:]]
        for row in annex.rows[1:]
    ]  # fmt: skip
    assert fills == [["CCE2D8", "FFF7BF"], ["FFF7BF", None]]


def test_the_rag_key_follows_the_annex(client_for: Any, report_data: None) -> None:
    key = _table_after(_docx(client_for(Role.BOARD_CHAIR)), "Table 2.")
    assert _rows(key) == [
        ["RAG Rating Key", "Definition"],
        ["Green", "On track – can be delivered by lead"],
        ["Amber", "Not on track – requires support from SMT lead to resolve"],
        ["Red", "Not on track – requires support from wider SMT to resolve"],
    ]


# --- the appendix -----------------------------------------------------------------------------


@pytest.fixture
def register() -> None:
    """Q2 2025/26, RASSO: 4 recorded; outcomes 1 charged (1), 1 caution (3), 2 withdrawals (16).
    Domestic abuse: 1 recorded, no outcome. Q2 2024/25, RASSO: 1 recorded (its outcome: 15, not
    positive) and 1 charge (1) of an offence recorded in Q1.
    """
    q2 = {"recorded_date": "2025-07-10", "outcome_date": "2025-08-20", "unplaced": True}
    InvestigationFactory(outcome_type="1", **q2)
    InvestigationFactory(outcome_type="3", **q2)
    InvestigationFactory(outcome_type="16", **q2)
    InvestigationFactory(outcome_type="16", **q2)
    InvestigationFactory(
        strand="domestic_abuse", offence_group="other_sexual", recorded_date="2025-09-01", unplaced=True
    )
    last_year = {"recorded_date": "2024-07-10", "outcome_date": "2024-08-20", "unplaced": True}
    InvestigationFactory(outcome_type="15", **last_year)
    InvestigationFactory(outcome_type="1", recorded_date="2024-04-01", outcome_date="2024-09-30", unplaced=True)


def test_the_appendix_has_the_headline_kpis_by_strand_with_a_chart(
    client_for: Any, report_data: None, register: None
) -> None:
    client = client_for(Role.OPCC_SCRUTINY)
    document = _docx(client)
    table = _table_after(document, "Table 3.")
    assert _rows(table) == [
        [
            "Strand",
            "Recorded offences",
            "Positive outcome rate",
            "Charged (% of outcomes)",
            "Victim withdrawal (% of outcomes)",
            "Positive outcome rate, same quarter last year",
        ],
        # RASSO: positive outcomes per recorded offence 2 / 4 = 50.0 %; charged 1 of 4 outcomes = 25.0 %;
        # withdrawal 2 of 4 outcomes = 50.0 %; a year earlier 1 positive / 1 recorded = 100.0 % (the
        # July 2024 offence; the charge in September 2024 was of one recorded in April).
        ["Rape and serious sexual offences", "4", "50.0%", "25.0%", "50.0%", "100.0%"],
        # Domestic abuse: 0 positive / 1 recorded; no outcomes, so no shares of them; nothing a year earlier.
        ["Domestic abuse", "1", "0.0%", "–", "–", "–"],
        # 2 positive / 5 recorded = 40.0 %.
        ["All strands", "5", "40.0%", "25.0%", "50.0%", "100.0%"],
    ]
    images = document.inline_shapes
    assert len(images) == 1
    blob = images[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert document.part.related_parts[blob].content_type == "image/png"
    assert document.part.related_parts[blob].blob[:8] == b"\x89PNG\r\n\x1a\n"
    page = lxml_html.fromstring(client.get(URL).content)
    shown = page.xpath('//table[@data-testid="table-kpis"]//tr')
    assert [[cell.text_content() for cell in row] for row in shown] == _rows(table)
    assert page.xpath('//canvas[@data-chart="chart-report-kpis"]')


def test_the_appendix_has_the_live_sro_benchmark_of_the_quarter(client_for: Any, report_data: None) -> None:
    measure = BenchmarkMeasureFactory(unit="live orders")
    BenchmarkFigureFactory(measure=measure, force="West Midlands Police", is_own_force=True, value=Decimal(29))
    BenchmarkFigureFactory(measure=measure, force="Greater Manchester Police", value=Decimal(23))
    BenchmarkFigureFactory(measure=measure, force="Staffordshire Police", value=Decimal(6), period="2025-26-Q3")
    table = _table_after(_docx(client_for(Role.OPCC_SCRUTINY)), "Table 4.")
    # The quarter's figures only (Q3's Staffordshire figure is later than the report).
    assert _rows(table) == [
        ["Rank", "Force", "Live orders", "Source"],
        ["1", "West Midlands Police (this force)", "29", ""],
        ["2", "Greater Manchester Police", "23", ""],
    ]
    assert all(run.bold for run in table.rows[1].cells[1].paragraphs[0].runs)


def test_the_benchmark_is_the_latest_published_up_to_the_quarter(client_for: Any, report_data: None) -> None:
    BenchmarkFigureFactory(period="2025-26-Q1", force="West Mercia Police", value=Decimal(29))
    html = client_for(Role.OPCC_SCRUTINY).get(URL).content.decode()
    assert "Live SROs by force, 2025-26-Q1" in html


def test_the_tables_download_as_csv(client_for: Any, report_data: None, register: None) -> None:
    client = client_for(Role.COMMITMENT_LEAD)
    kpis = b"".join(client.get(URL + "&table=kpis&format=csv").streaming_content).decode("utf-8-sig")
    assert kpis.splitlines()[1] == "Rape and serious sexual offences,4,50.0,25.0,50.0,100.0"
    evidence = b"".join(client.get(URL + "&table=evidence&format=csv").streaming_content).decode("utf-8-sig")
    assert evidence.splitlines() == ["Action ref,Indicator,Value,Target,Same quarter last year,On track"]


# --- the period -------------------------------------------------------------------------------


def test_the_period_heading_spells_out_the_quarter() -> None:
    assert selectors.quarter_heading(period("2025-26-Q4").quarter) == "Quarter 4, 2025/26: 1 January – 31 March 2026"
    assert selectors.quarter_heading(period("2025-26-Q3").quarter) == (
        "Quarter 3, 2025/26: 1 October – 31 December 2025"
    )


def _rate(commitments: list[Any], key: str, published: int) -> None:
    """Ratings of ``key`` for every commitment, the first ``published`` of them published."""
    for index, commitment in enumerate(commitments):
        RagAssessmentFactory(commitment=commitment, period=period(key), published=index < published)


def test_the_default_period_is_the_latest_quarter_whose_ratings_are_all_published() -> None:
    commitments = [CommitmentFactory() for _ in range(4)]
    _rate(commitments, "2025-26-Q1", published=4)
    _rate(commitments, "2025-26-Q2", published=4)
    _rate(commitments, "2025-26-Q3", published=1)  # mostly unpublished: in progress
    assert selectors.default_report_key() == "2025-26-Q2"


def test_a_quarter_with_a_commitment_never_rated_is_not_all_published() -> None:
    commitments = [CommitmentFactory() for _ in range(3)]
    _rate(commitments, "2025-26-Q1", published=3)
    _rate(commitments[:2], "2025-26-Q2", published=2)  # the third commitment has no rating at all
    assert selectors.default_report_key() == "2025-26-Q1"


def test_without_a_complete_quarter_the_latest_mostly_published_one_is_the_default() -> None:
    commitments = [CommitmentFactory() for _ in range(3)]
    _rate(commitments, "2025-26-Q1", published=2)
    _rate(commitments, "2025-26-Q2", published=1)
    assert selectors.default_report_key() == "2025-26-Q1"


def test_with_nothing_mostly_published_the_default_is_the_quarter_being_reported_on() -> None:
    commitments = [CommitmentFactory() for _ in range(3)]
    _rate(commitments, "2025-26-Q1", published=1)
    plan = commitments[0].plan
    plan.reporting_period = period("2025-26-Q2")
    plan.save()
    assert selectors.default_report_key() == "2025-26-Q2"


def test_a_quarter_that_has_not_started_is_never_the_default() -> None:
    commitments = [CommitmentFactory() for _ in range(2)]
    _rate(commitments, "2025-26-Q1", published=2)
    _rate(commitments, "2025-26-Q2", published=2)
    assert selectors.default_report_key(today=period("2025-26-Q2").start_date - timedelta(days=1)) == "2025-26-Q1"


def test_the_page_opens_on_the_default_period(client_for: Any) -> None:
    commitments = [CommitmentFactory() for _ in range(2)]
    _rate(commitments, "2025-26-Q1", published=2)
    _rate(commitments, "2025-26-Q2", published=1)
    html = client_for(Role.OPCC_SCRUTINY).get("/commitments/report/").content.decode()
    assert 'value="2025-26-Q1"' in html and "Quarter 1, 2025/26: 1 April – 30 June 2025" in html


# --- who may download -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_download_the_word_report(client_for: Any, report_data: None, role: Role) -> None:
    assert _docx(client_for(role)).core_properties.title.endswith("Q2 25/26")


def test_someone_without_a_role_is_refused_the_word_report(client_for: Any, report_data: None) -> None:
    assert client_for().get(URL + "&format=docx").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Any, report_data: None) -> None:
    response = client.get(URL + "&format=docx")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_bad_period_is_refused_with_a_message_not_a_file(client_for: Any) -> None:
    response = client_for(Role.OPCC_SCRUTINY).get("/commitments/report/?period=2025-26-Q9&format=docx")
    assert response.status_code == 400
    assert "not a reporting period" in response.content.decode()


def test_the_report_document_needs_the_same_queries_whatever_the_number_of_commitments(
    make_user: Any, report_data: None, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        ProgressUpdateFactory(commitment=CommitmentFactory(chapter=ChapterFactory()), narrative="- one\n- two")
    user = make_user(Role.OPCC_SCRUTINY)
    # The role lookup; rag_report 4 (the period check, the rows, the stored evidence, the live
    # indicators); plan, commitments, updates, the version and issue date, chapters: 5; the KPI
    # engine 3 per call (the rollup's two and one for repeat victims and suspects; by strand and
    # overall, this quarter and a year before; its cache is off in tests): 12.
    with django_assert_max_num_queries(22):
        document = selectors.report_document(user=user, period_key="2025-26-Q2")
    assert len(document["sections"]) == 7
