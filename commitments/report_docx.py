"""The report to the Commissioner as a Word document, in the shape of the force's progress report:
numbered sections per commitment (plan order) with the quarter's narrative, then Annex One with the
ratings table (Table 1) and the RAG key (Table 2).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .choices import Rating

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RATING_LABELS = dict(Rating.choices)
# Fill colours of the annex cells (the text label is always there as well).
RATING_FILL = {Rating.GREEN: "CCE2D8", Rating.AMBER: "FFF7BF", Rating.RED: "F4CDC6"}
NOT_PUBLISHED = "Not published"


def annex_heading(label: str) -> tuple[str, str]:
    return (
        "Individual Commitment (in the order listed above) – Action references below",
        f"{label} Deliverable Rating",
    )


def annex_rows(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``("147 - Ensure effective …", "Green")`` per commitment, as in the force's Table 1."""
    return [
        (f"{r['action_ref']} - {r['commitment']}", RATING_LABELS.get(r["rating"] or "", NOT_PUBLISHED)) for r in rows
    ]


def chapters_phrase(chapters: list[str]) -> str:
    if len(chapters) <= 1:
        return "".join(chapters)
    return ", ".join(chapters[:-1]) + " and " + chapters[-1]


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


def build_report_docx(document: dict[str, Any]) -> bytes:
    """``document`` is :func:`commitments.selectors.report_document`'s result."""
    plan_title = str(document["plan"] or "the Police and Crime Plan")
    label = document["label"]
    chapters = chapters_phrase(document["chapters"])
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = f"Report to the Commissioner – {label}"

    doc.add_heading("Report to the Police and Crime Commissioner", level=0)
    doc.add_paragraph(f"Progress on Police and Crime Plan commitments – {label}")

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

    for number, section in enumerate(document["sections"], start=2):
        doc.add_heading(f"{number}. Action ref {section['action_ref']}: {section['commitment']}", level=1)
        if not section["paragraphs"]:
            doc.add_paragraph(f"{number}.1 No progress update was submitted for {label}.")
        for index, paragraph in enumerate(section["paragraphs"], start=1):
            doc.add_paragraph(f"{number}.{index} {paragraph}")

    doc.add_page_break()
    doc.add_heading("ANNEX ONE", level=1)
    doc.add_paragraph(
        f"Table 1. Showing the individual commitments from {plan_title}"
        + (f" – {chapters} chapters" if chapters else "")
        + ". RAG ratings as assigned through internal OPCC processes."
    )
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, annex_heading(label), strict=True):
        cell.text = text
    _bold_row(table.rows[0])
    for (commitment, rating_label), row in zip(annex_rows(document["rows"]), document["rows"], strict=True):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = commitment, rating_label
        if row["rating"]:
            _shade(cells[1], RATING_FILL[row["rating"]])

    doc.add_paragraph()
    doc.add_paragraph("Table 2. Showing the RAG rating definitions used in table 1 above")
    key = doc.add_table(rows=1, cols=2)
    key.style = "Table Grid"
    key.rows[0].cells[0].text, key.rows[0].cells[1].text = "RAG Rating Key", "Definition"
    _bold_row(key.rows[0])
    for rating, definition in document["definitions"].items():
        cells = key.add_row().cells
        cells[0].text, cells[1].text = RATING_LABELS[rating], definition
        _shade(cells[0], RATING_FILL[rating])

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
