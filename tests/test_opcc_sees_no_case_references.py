"""Case-level data never reaches an OPCC-only user (DESIGN.md §5): every page and endpoint
they may open, and its CSV/XLSX export, is searched for every crime reference in the database."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.choices import AuditStatus
from cases.models import Investigation
from oversight.roles import Role
from summaries import services
from summaries.models import SummaryKind
from tests.audits.factories import ActionFactory, AuditFactory, CaseReviewFactory, answer_all
from tests.cases.factories import InvestigationFactory
from tests.test_role_matrix import ENTRIES

pytestmark = pytest.mark.django_db

OPCC_PAGES = [e for e in ENTRIES if Role.OPCC_SCRUTINY in e.allowed and e.method == "get"]


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body[:2] == b"PK":  # XLSX: search every part of the workbook
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return " ".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return body.decode("utf-8", "replace")


@pytest.fixture
def case_level_data(make_user: Any) -> Any:
    """Investigations in audits, reviews with answers, actions (one owned by the OPCC user), summaries."""
    opcc = make_user(Role.OPCC_SCRUTINY)
    lead = make_user(Role.AUDIT_LEAD)
    month = timezone.localdate().replace(day=1) - timedelta(days=40)
    cases = [
        InvestigationFactory(
            unplaced=True,
            recorded_date=month + timedelta(days=n),
            outcome_type="1" if n % 2 else "",
            outcome_date=month + timedelta(days=n + 5) if n % 2 else None,
        )
        for n in range(4)
    ]
    audit = AuditFactory(
        month=month.replace(day=1),
        status=AuditStatus.SIGNED_OFF,
        lead_auditor=lead,
        signed_off_at=timezone.now(),
        assurance_level="reasonable",
    )
    for case in cases[:2]:
        answer_all(CaseReviewFactory(audit=audit, investigation=case), ["compliant", "partial", "non_compliant"])
    ActionFactory(
        audit=audit,
        owner=opcc,
        due_date=date.today() - timedelta(days=3),
        title=f"Review the file of case {cases[0].pk}",
    )
    services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=f"{month:%Y-%m}")
    services.build_summary(kind=SummaryKind.OVERDUE_DIGEST, period_key=date.today().isoformat())
    return opcc


@pytest.mark.parametrize("entry", OPCC_PAGES, ids=str)
def test_no_crime_reference_on_any_page_or_export_the_opcc_opens(
    entry: Any, case_level_data: Any, client_for: Any, make_user: Any
) -> None:
    client = client_for(user=case_level_data)
    path = entry.resolve(make_user)
    references = list(Investigation.objects.values_list("crime_reference", flat=True))
    assert references
    separator = "&" if "?" in path else "?"
    for url in (path, f"{path}{separator}format=csv", f"{path}{separator}format=xlsx"):
        response = client.get(url)
        if response.status_code != 200:
            continue  # an export the page does not offer, or a parameter an endpoint refuses
        text = _text(response)
        leaked = [ref for ref in references if ref in text]
        assert not leaked, f"{url} shows {leaked}"
