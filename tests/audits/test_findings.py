"""Findings (areas for improvement) carry a severity, low to critical, defined on the form."""

from __future__ import annotations

from typing import Any

import pytest

from audits import services
from audits.choices import SEVERITY_DEFINITIONS
from audits.models import Audit, LearningPoint
from oversight.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_finding_needs_a_severity_and_good_practice_has_none(audit: Audit, lead: Any) -> None:
    with pytest.raises(ApplicationError, match="severity"):
        services.learning_point_create(audit=audit, actor=lead, kind="improvement", theme="supervision", text="Late")
    with pytest.raises(ApplicationError, match="no severity"):
        services.learning_point_create(
            audit=audit, actor=lead, kind="good_practice", theme="victim_care", severity="low", text="Prompt contact"
        )
    assert not LearningPoint.objects.exists()
    point = services.learning_point_create(
        audit=audit, actor=lead, kind="improvement", theme="supervision", severity="high", text="No 28-day review"
    )
    assert point.severity == "high"


def test_the_form_shows_every_severity_with_its_definition(client_for: Any, audit: Audit, lead: Any) -> None:
    html = client_for(user=lead).get(f"/audits/{audit.pk}/learning/new/").content.decode()
    for definition in SEVERITY_DEFINITIONS.values():
        assert definition.replace("'", "&#x27;") in html
    assert html.index("Low") < html.index("Medium") < html.index("High") < html.index("Critical")


def test_a_finding_without_severity_is_refused_on_the_page(client_for: Any, audit: Audit, lead: Any) -> None:
    client = client_for(user=lead)
    body = {"kind": "improvement", "theme": "supervision", "text": "Reviews late", "review": ""}
    response = client.post(f"/audits/{audit.pk}/learning/new/", body)
    assert response.status_code == 200 and "Choose the severity of the finding" in response.content.decode()
    assert not LearningPoint.objects.exists()
    client.post(f"/audits/{audit.pk}/learning/new/", {**body, "severity": "critical"})
    assert LearningPoint.objects.get().severity == "critical"
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "Critical" in page
