"""The report to the Commissioner as a Word document, ready to send, in the shape of the force's
progress report: a title block, numbered sections per commitment (plan order) with the quarter's
narrative and its evidence, Annex One with the ratings table (Table 1, this quarter beside the
previous one) and the RAG key (Table 2), an appendix of headline KPIs (chart and table) and the
live-SRO benchmark, and the author. A4, the protective marking in every header and footer, and
"Page X of Y".

The page (``templates/commitments/report.html``) shows the same document: both read
:func:`commitments.selectors.report_document`.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from oversight.exports import Table

from .choices import Rating
from .narrative import Block
from .report_chart import bar_chart_png
from .selectors import EVIDENCE_HEADERS, NO_EVIDENCE

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RATING_LABELS = dict(Rating.choices)
# Fill colours of the annex cells (the text label is always there as well).
RATING_FILL = {Rating.GREEN: "CCE2D8", Rating.AMBER: "FFF7BF", Rating.RED: "F4CDC6"}
FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.2)


def annex_heading(label: str, previous_label: str) -> tuple[str, str, str]:
    return (
        "Individual Commitment (in the order listed above) – Action references below",
        f"{label} Deliverable Rating",
        f"{previous_label} Deliverable Rating (previous quarter)",
    )


def chapters_phrase(chapters: list[str]) -> str:
    if len(chapters) <= 1:
        return "".join(chapters)
    return ", ".join(chapters[:-1]) + " and " + chapters[-1]


# --- low-level helpers ----------------------------------------------------------------------


def _shade(cell: Any, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _bold_row(row: Any) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def _repeat_header(row: Any) -> None:
    """The header row is repeated at the top of every page the table runs onto."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _font(style: Any, size: float, *, bold: bool | None = None) -> None:
    """Arial everywhere, black: the theme fonts of python-docx's template are removed."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice compute when they lay the page out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("result", placeholder)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "result":
            run.text = text or ""
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _table(
    doc: DocumentObject,
    headers: list[str] | tuple[str, ...],
    rows: list[list[str]],
    *,
    widths: tuple[float, ...],
    numeric: set[int] | frozenset[int] = frozenset(),
) -> DocxTable:
    """A grid table across the text width (``widths`` in cm): a bold header row repeated on every
    page, rows never split across pages, numeric columns aligned right."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    _bold_row(table.rows[0])
    _repeat_header(table.rows[0])
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    _widths(table, widths)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for index in numeric:
            row.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _widths(table: DocxTable, widths: tuple[float, ...]) -> None:
    """Column widths in cm: on the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _caption(doc: DocumentObject, text: str) -> None:
    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(text)
    paragraph.paragraph_format.keep_with_next = True


def _numbering_restart(doc: DocumentObject, style: str, start: int) -> int:
    """A new numbering instance of ``style``'s list starting at ``start`` (every list counts from its
    own first number instead of continuing the last one). Returns its ``numId``."""
    numbering = doc.part.numbering_part.element
    style_num = doc.styles[style].element.pPr.numPr.numId.val
    abstract = next(n for n in numbering.num_lst if n.numId == style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start_override = OxmlElement("w:startOverride")
    start_override.set(qn("w:val"), str(start))
    override.append(start_override)
    num.append(override)
    return int(num.numId)


def _add_runs(paragraph: Paragraph, block_runs: list[Any]) -> None:
    for run in block_runs:
        paragraph.add_run(run.text).bold = run.bold or None


def _add_block(doc: DocumentObject, block: Block, number: str) -> None:
    """A narrative block: a numbered paragraph (``2.1 …``), or a bulleted or numbered list."""
    if block.kind == "paragraph":
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{number} ")
        _add_runs(paragraph, block.runs)
        return
    style = "List Bullet" if block.kind == "bullets" else "List Number"
    num_id = _numbering_restart(doc, style, block.start) if block.kind == "numbers" else None
    for runs in block.items:
        paragraph = doc.add_paragraph(style=style)
        if num_id is not None:
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = 0
            numbering.get_or_add_numId().val = num_id
        _add_runs(paragraph, runs)


# --- the document ---------------------------------------------------------------------------


def _page_setup(doc: DocumentObject, marking: str) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = MARGIN
    section.header_distance = section.footer_distance = Cm(1.0)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(marking).bold = True

    footer = section.footer
    marking_line = footer.paragraphs[0]
    marking_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking_line.add_run(marking).bold = True
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _field(pages, "PAGE", "1")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES", "1")


def _styles(doc: DocumentObject) -> None:
    _font(doc.styles["Normal"], 11)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    _font(doc.styles["Title"], 22, bold=True)
    _font(doc.styles["Subtitle"], 14)
    _font(doc.styles["Heading 1"], 14, bold=True)
    _font(doc.styles["Heading 2"], 12, bold=True)
    _font(doc.styles["Caption"], 10, bold=True)
    doc.styles["Caption"].font.italic = False
    for name in ("List Bullet", "List Number"):
        _font(doc.styles[name], 11)
    # The template draws a rule under the title; a plain title block reads better.
    title_pr = doc.styles["Title"].element.pPr
    if title_pr is not None:
        for border in title_pr.findall(qn("w:pBdr")):
            title_pr.remove(border)


def _properties(doc: DocumentObject, document: dict[str, Any], created: datetime) -> None:
    properties = doc.core_properties
    properties.title = f"{document['title']} – {document['label']}"
    properties.subject = f"Progress on Police and Crime Plan commitments – {document['quarter_heading']}"
    properties.author = document["author"]["name"]
    properties.last_modified_by = document["author"]["name"]
    properties.created = properties.modified = created
    properties.revision = document["version"]
    properties.keywords = f"{document['marking']}; RAG; Police and Crime Plan"
    properties.category = document["marking"]
    properties.content_status = document["status"]
    properties.comments = f"Version {document['version']}, issued {document['issued']:%d %B %Y}."


def _title_block(doc: DocumentObject, document: dict[str, Any]) -> None:
    doc.add_paragraph(document["title"], style="Title")
    doc.add_paragraph("Progress on Police and Crime Plan commitments", style="Subtitle")
    author = document["author"]
    rows = [
        ("Period", document["quarter_heading"]),
        ("Date of issue", f"{document['issued'].day} {document['issued']:%B %Y}"),
        ("Version", f"{document['version']} ({document['status']})"),
        ("Author", author["name"]),
        ("Job title", author["job_title"] or "–"),
        ("Protective marking", document["marking"]),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
        _shade(cells[0], "F3F2F1")
    table.autofit = False
    _widths(table, (4.5, 12.1))


def _sections(doc: DocumentObject, document: dict[str, Any], plan_title: str, chapters: str) -> None:
    label = document["label"]
    doc.add_heading("1. Police and Crime Plan", level=1)
    doc.add_paragraph(
        f"1.1 To provide the Commissioner with a report on progress towards the commitments of {plan_title} "
        f"for {label}."
    )
    doc.add_paragraph(
        f"1.2 The {chapters} chapters of {plan_title} contain the following commitments:"
        if chapters
        else f"1.2 {plan_title} contains the following commitments:"
    )
    for section in document["sections"]:
        doc.add_paragraph(section["commitment"], style="List Bullet")

    for section in document["sections"]:
        number = section["number"]
        doc.add_heading(f"{number}. Action ref {section['action_ref']}: {section['commitment']}", level=1)
        if not section["blocks"]:
            doc.add_paragraph(f"{number}.1 No progress update was submitted for {label}.")
        for item in section["blocks"]:
            _add_block(doc, item["block"], item["number"])
        _caption(doc, f"Evidence: indicators for action ref {section['action_ref']}, {label}")
        if section["evidence_cells"]:
            _table(
                doc, EVIDENCE_HEADERS, section["evidence_cells"], widths=(6.6, 2.3, 2.3, 2.8, 2.6), numeric={1, 2, 3}
            )
        else:
            doc.add_paragraph(NO_EVIDENCE)


def _annex(doc: DocumentObject, document: dict[str, Any], plan_title: str, chapters: str) -> None:
    # A new page from the heading itself: a page-break paragraph at the foot of a full page would
    # leave a blank page.
    doc.add_heading("ANNEX ONE", level=1).paragraph_format.page_break_before = True
    _caption(
        doc,
        f"Table 1. Showing the individual commitments from {plan_title}"
        + (f" – {chapters} chapters" if chapters else "")
        + ". RAG ratings as assigned through internal OPCC processes.",
    )
    rows = document["annex"]
    table = _table(
        doc,
        annex_heading(document["label"], document["previous_label"]),
        [[row["commitment"], row["rating_label"], row["previous_label"]] for row in rows],
        widths=(10.2, 3.2, 3.2),
    )
    for row, cells in zip(rows, table.rows[1:], strict=True):
        for rating, cell in ((row["rating"], cells.cells[1]), (row["previous_rating"], cells.cells[2])):
            if rating:
                _shade(cell, RATING_FILL[rating])

    doc.add_paragraph()
    _caption(doc, "Table 2. Showing the RAG rating definitions used in table 1 above")
    key = _table(
        doc,
        ("RAG Rating Key", "Definition"),
        [[RATING_LABELS[rating], definition] for rating, definition in document["definitions"].items()],
        widths=(4.0, 12.6),
    )
    for rating, row in zip(document["definitions"], key.rows[1:], strict=True):
        _shade(row.cells[0], RATING_FILL[rating])


def _kpi_chart(kpis: Table, label: str, last_year_label: str) -> bytes:
    return bar_chart_png(
        labels=[row[0] for row in kpis.rows],
        series=[(label, [row[2] for row in kpis.rows]), (last_year_label, [row[5] for row in kpis.rows])],
        value_label="Positive outcome rate",
        percent=True,
    )


def _appendix(doc: DocumentObject, document: dict[str, Any]) -> None:
    kpis: Table | None = document["kpis"]
    benchmark: Table | None = document["benchmark"]
    if kpis is None and benchmark is None:
        return
    heading = doc.add_heading(f"APPENDIX – HEADLINE PERFORMANCE, {document['label']}", level=1)
    heading.paragraph_format.page_break_before = True
    if kpis is not None:
        doc.add_paragraph(document["kpis_intro"])
        doc.add_picture(io.BytesIO(_kpi_chart(kpis, document["label"], document["last_year_label"])), width=Cm(16.0))
        _caption(
            doc,
            f"Figure 1. Positive outcome rate by strand, {document['label']} and {document['last_year_label']} "
            "(Table 3 gives the figures)",
        )
        _caption(doc, f"Table 3. {kpis.caption}")
        table = _table(doc, kpis.headers, kpis.cells, widths=(4.6, 2.4, 2.4, 2.4, 2.4, 2.4), numeric=kpis.numeric)
        _bold_row(table.rows[-1])
    if benchmark is not None:
        doc.add_paragraph()
        _caption(doc, f"Table 4. {benchmark.caption}")
        table = _table(doc, benchmark.headers, benchmark.cells, widths=(1.4, 5.6, 2.4, 7.2), numeric=benchmark.numeric)
        for row, cells in zip(benchmark.rows, table.rows[1:], strict=True):
            if "(this force)" in str(row[1]):
                _bold_row(cells)


def build_report_docx(document: dict[str, Any], *, created: datetime | None = None) -> bytes:
    """``document`` is :func:`commitments.selectors.report_document`'s result."""
    plan_title = str(document["plan"] or "the Police and Crime Plan")
    chapters = chapters_phrase(document["chapters"])
    doc = Document()
    _styles(doc)
    _page_setup(doc, document["marking"])
    _properties(doc, document, created or timezone.now())
    _title_block(doc, document)
    _sections(doc, document, plan_title, chapters)
    _annex(doc, document, plan_title, chapters)
    _appendix(doc, document)
    doc.add_paragraph()
    doc.add_paragraph(f"Author(s): {document['author']['name']}")
    doc.add_paragraph(f"Job Title: {document['author']['job_title'] or '–'}")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
