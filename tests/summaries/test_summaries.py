"""Periodic summaries: figures on hand-built data, idempotency, the digest's once-a-day rule,
no crime references in anything built or sent, and the pages."""

from __future__ import annotations

import html as html_text
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from audits.choices import ActionStatus, AuditStatus
from commitments.choices import Rating
from oversight.errors import ApplicationError
from oversight.roles import Role
from summaries import builders, emails, services
from summaries.models import Summary, SummaryBuild, SummaryKind
from tests.audits.factories import ActionFactory, AuditFactory, CaseReviewFactory, answer_all
from tests.cases.factories import CpsReferralFactory, InvestigationFactory
from tests.commitments.factories import CommitmentFactory, RagAssessmentFactory, period

pytestmark = pytest.mark.django_db

OCTOBER = "2025-10"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


@pytest.fixture
def october(make_user: Any) -> dict[str, Any]:
    """Hand-built October 2025: 4 rape offences recorded, 1 charged, 1 caution, 1 victim withdrawal;
    one signed-off RASSO audit (answers: compliant, partial, n/a → 50.0 %); two actions, one overdue."""
    charged = InvestigationFactory(
        unplaced=True, recorded_date="2025-10-02", outcome_type="1", outcome_date="2025-10-20"
    )
    InvestigationFactory(unplaced=True, recorded_date="2025-10-03", outcome_type="3", outcome_date="2025-10-21")
    InvestigationFactory(unplaced=True, recorded_date="2025-10-04", outcome_type="16", outcome_date="2025-10-22")
    InvestigationFactory(unplaced=True, recorded_date="2025-10-05")
    # the same month last year
    InvestigationFactory(unplaced=True, recorded_date="2024-10-10", outcome_type="1", outcome_date="2024-10-25")
    InvestigationFactory(unplaced=True, recorded_date="2025-10-06", strand="domestic_abuse", offence_group="violence")

    lead = make_user(Role.AUDIT_LEAD)
    audit = AuditFactory(
        month=date(2025, 10, 1),
        status=AuditStatus.SIGNED_OFF,
        lead_auditor=lead,
        signed_off_at=_aware(date(2025, 10, 30)),
        assurance_level="limited",
    )
    review = CaseReviewFactory(audit=audit, investigation=charged)
    answer_all(review, ["compliant", "partial", "not_applicable"])

    owner = make_user(Role.COMMITMENT_LEAD, email="owner@example.org")
    overdue = ActionFactory(audit=audit, owner=owner, due_date=date(2025, 10, 15), created_at=_aware(date(2025, 10, 8)))
    ActionFactory(
        audit=audit,
        owner=owner,
        due_date=date(2025, 12, 1),
        created_at=_aware(date(2025, 10, 9)),
        status=ActionStatus.IN_PROGRESS,
    )
    return {"audit": audit, "owner": owner, "overdue": overdue, "charged": charged}


def _strand(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(row for row in data["strands"] if row["code"] == code)


def test_the_monthly_summary_has_kpis_by_strand_audits_and_actions(october: dict[str, Any]) -> None:
    result = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)
    data = result.summary.data

    rasso = _strand(data, "rasso")
    assert rasso["month"]["recorded_offences"] == 4
    assert rasso["month"]["outcomes_assigned"] == 3
    assert rasso["month"]["charged"] == 1
    assert rasso["month"]["charged_pct"] == 33.3
    assert rasso["month"]["positive_outcomes"] == 2  # charge + caution
    assert rasso["month"]["positive_outcome_rate"] == 50.0
    assert rasso["month"]["victim_withdrawal_pct"] == 33.3
    assert rasso["last_year"]["recorded_offences"] == 1
    assert rasso["last_year"]["positive_outcome_rate"] == 100.0
    assert rasso["rolling"]["recorded_offences"] == 4  # Nov 2024 – Oct 2025
    assert _strand(data, "domestic_abuse")["month"]["recorded_offences"] == 1
    assert data["kpis"]["month_total"]["recorded_offences"] == 5

    rasso_audits = next(row for row in data["audits"] if row["area"] == "rasso")
    assert rasso_audits["audits"] == 1
    assert rasso_audits["compliance_rate"] == 50.0  # partial is not compliant, N/A left out

    assert data["actions"]["opened"] == 2
    assert data["actions"]["overdue"] == 1  # due 15 Oct, still open at 31 Oct
    assert result.summary.period_start == date(2025, 10, 1)
    assert result.summary.period_end == date(2025, 10, 31)
    assert "Performance by strand" in result.summary.html


def test_rebuilding_replaces_the_summary_and_keeps_its_history(october: dict[str, Any]) -> None:
    first = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)
    InvestigationFactory(unplaced=True, recorded_date="2025-10-07")
    second = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)

    assert Summary.objects.filter(kind=SummaryKind.MONTHLY_PERFORMANCE, period=OCTOBER).count() == 1
    assert first.created and not second.created
    assert second.summary.pk == first.summary.pk
    assert _strand(second.summary.data, "rasso")["month"]["recorded_offences"] == 5
    assert second.summary.history.count() == 2
    builds = SummaryBuild.objects.filter(kind=SummaryKind.MONTHLY_PERFORMANCE, period=OCTOBER)
    assert builds.count() == 2
    assert all(b.status == SummaryBuild.Status.SUCCEEDED and b.duration_ms is not None for b in builds)


def test_a_failed_build_is_logged_with_its_error(monkeypatch: Any) -> None:
    def broken(period: Any) -> dict[str, Any]:
        raise RuntimeError("database went away")

    monkeypatch.setitem(builders.BUILDERS, SummaryKind.MONTHLY_PERFORMANCE, broken)
    with pytest.raises(RuntimeError):
        services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)
    build = SummaryBuild.objects.get()
    assert build.status == SummaryBuild.Status.FAILED
    assert "database went away" in build.error
    assert not Summary.objects.exists()


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("monthly_performance", "2025-13"),
        ("quarterly_rag", "2025-Q2"),
        ("overdue_digest", "yesterday"),
        ("weekly", "2025-10"),
        ("monthly_performance", "2999-01"),
    ],
)
def test_it_rejects_bad_kinds_and_periods(kind: str, key: str) -> None:
    with pytest.raises(ApplicationError):
        services.build_summary(kind=kind, period_key=key)
    assert not SummaryBuild.objects.exists()


def test_the_quarterly_summary_lists_the_annex_with_changes() -> None:
    improved = CommitmentFactory(action_ref="147", order=1)
    steady = CommitmentFactory(action_ref="256", order=2, chapter=improved.chapter)
    RagAssessmentFactory(commitment=improved, period=period("2025-26-Q1"), published=True, rating=Rating.AMBER)
    RagAssessmentFactory(commitment=improved, period=period("2025-26-Q2"), published=True, rating=Rating.GREEN)
    RagAssessmentFactory(commitment=steady, period=period("2025-26-Q1"), published=True, rating=Rating.AMBER)
    RagAssessmentFactory(commitment=steady, period=period("2025-26-Q2"), published=True, rating=Rating.AMBER)

    summary = services.build_summary(kind=SummaryKind.QUARTERLY_RAG, period_key="2025-26-Q2").summary
    data = summary.data
    headers, rows = builders.summary_table(summary)
    assert headers[5:] == ["2025-26-Q1", "2025-26-Q2", "Change"]
    assert [row[0] for row in rows] == ["147", "256"] and rows[0][5:] == ["AMBER", "GREEN", "improved"]

    assert [(r["action_ref"], r["previous_rating"], r["rating"], r["change"]) for r in data["rows"]] == [
        ("147", "AMBER", "GREEN", "improved"),
        ("256", "AMBER", "AMBER", "unchanged"),
    ]
    assert data["counts"] == {"GREEN": 1, "AMBER": 1, "RED": 0, "unpublished": 0}
    assert data["changed"] == 1
    assert data["definitions"]["AMBER"] == "Not on track – requires support from SMT lead to resolve"


def test_the_digest_goes_to_each_owner_at_most_once_a_day(october: dict[str, Any], make_user: Any) -> None:
    other = make_user(Role.AUDIT_LEAD, email="other@example.org")
    ActionFactory(audit=october["audit"], owner=other, due_date=date(2025, 11, 1))
    day = date(2025, 11, 20)

    assert emails.send_overdue_digests(today=day) == {"sent": 2, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.org", "owner@example.org"]
    owner_mail = next(m for m in mail.outbox if m.to == ["owner@example.org"])
    assert "1 overdue action" in owner_mail.subject
    assert october["overdue"].title in owner_mail.body

    assert emails.send_overdue_digests(today=day) == {"sent": 0, "skipped": 2}
    assert len(mail.outbox) == 2
    assert emails.send_overdue_digests(today=day + timedelta(days=1))["sent"] == 2


def test_the_digest_skips_owners_with_nothing_overdue(october: dict[str, Any]) -> None:
    october["overdue"].status = ActionStatus.COMPLETED
    october["overdue"].completed_at = timezone.now()
    october["overdue"].save()
    assert emails.send_overdue_digests(today=date(2025, 11, 20)) == {"sent": 0, "skipped": 0}
    assert mail.outbox == []


def test_no_crime_reference_reaches_summaries_or_opcc_emails(october: dict[str, Any], make_user: Any) -> None:
    opcc = make_user(Role.OPCC_SCRUTINY, email="opcc@example.org")
    make_user(Role.BOARD_CHAIR, email="chair@example.org")
    ActionFactory(audit=october["audit"], owner=opcc, due_date=date(2025, 10, 1))
    references = [i.crime_reference for i in __import__("cases.models").models.Investigation.objects.all()]

    monthly = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER).summary
    digest = services.build_summary(kind=SummaryKind.OVERDUE_DIGEST, period_key="2025-11-20").summary
    assert emails.email_summary(monthly) == 2
    emails.send_overdue_digests(today=date(2025, 11, 20))

    opcc_mail = [m for m in mail.outbox if m.to == ["opcc@example.org"]]
    assert len(opcc_mail) == 2  # the summary and their own digest
    content = [monthly.html, json.dumps(monthly.data), digest.html, json.dumps(digest.data)]
    for message in mail.outbox:
        assert isinstance(message, EmailMultiAlternatives)
        content.append(str(message.body))
        for alternative, _mimetype in message.alternatives:
            assert isinstance(alternative, str)
            content.append(alternative)
    for text in content:
        for reference in references:
            assert reference not in text


def test_the_schedules_exist_for_every_summary() -> None:
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    assert tasks["summaries.tasks.build_monthly_summary"] == "6"
    assert tasks["summaries.tasks.build_quarterly_rag_summary"] == "6"
    assert tasks["summaries.tasks.send_overdue_digests"] == "7"


def test_scheduled_tasks_default_to_the_period_just_ended() -> None:
    assert builders.default_period(SummaryKind.MONTHLY_PERFORMANCE, today=date(2026, 1, 1)).key == "2025-12"
    assert builders.default_period(SummaryKind.QUARTERLY_RAG, today=date(2025, 10, 5)).key == "2025-26-Q2"
    assert builders.default_period(SummaryKind.OVERDUE_DIGEST, today=date(2025, 10, 5)).key == "2025-10-05"


def test_a_scheduled_monthly_task_stores_and_emails_the_summary(october: dict[str, Any], make_user: Any) -> None:
    from summaries.tasks import build_monthly_summary

    make_user(Role.BOARD_CHAIR, email="chair@example.org")
    result = build_monthly_summary.delay(OCTOBER).get(timeout=10)
    assert result["created"] is True and result["emailed"] == 1
    assert mail.outbox[0].subject == "Oversight: Monthly performance summary 2025-10"
    assert SummaryBuild.objects.get().trigger == SummaryBuild.Trigger.SCHEDULE


# --- pages -------------------------------------------------------------------------------------


def test_every_role_reads_the_archive_and_a_summary(client_for: Any, october: dict[str, Any]) -> None:
    summary = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER).summary
    for role in Role:
        client = client_for(role)
        listing = client.get("/summaries/")
        assert listing.status_code == 200
        assert "Monthly performance summary" in listing.content.decode()
        detail = client.get(f"/summaries/{summary.pk}/")
        assert detail.status_code == 200
        assert october["charged"].crime_reference not in detail.content.decode()


def test_the_archive_filters_by_kind_and_exports(client_for: Any, october: dict[str, Any]) -> None:
    services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER)
    services.build_summary(kind=SummaryKind.OVERDUE_DIGEST, period_key="2025-11-20")
    client = client_for(Role.OPCC_SCRUTINY)
    html = client.get("/summaries/?kind=overdue_digest").content.decode()
    assert "2025-11-20" in html and ">2025-10<" not in html
    html = client.get("/summaries/?period=2025-10").content.decode()
    assert ">2025-10<" in html and "2025-11-20" not in html
    export = client.get("/summaries/?format=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Monthly performance summary,2025-10" in body


def test_an_administrator_rebuilds_a_summary_now(
    client_for: Any, october: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_for(Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/summaries/rebuild/", {"kind": "monthly_performance", "period": OCTOBER})
    build = SummaryBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/summaries/builds/{build.pk}/"
    assert build.trigger == SummaryBuild.Trigger.MANUAL and build.triggered_by == admin.user
    assert build.status == SummaryBuild.Status.SUCCEEDED
    page = admin.get(response["Location"]).content.decode()
    assert "Succeeded" in page and "View the summary" in page
    assert mail.outbox == []  # a manual rebuild does not email everyone again


def test_a_bad_rebuild_request_changes_nothing(client_for: Any) -> None:
    response = client_for(Role.ADMINISTRATOR).post(
        "/summaries/rebuild/", {"kind": "quarterly_rag", "period": "2025-26"}
    )
    assert response.status_code == 400
    assert "is not a reporting period" in response.content.decode()
    assert not SummaryBuild.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR], ids=str)
def test_only_administrators_rebuild(role: Role, client_for: Any) -> None:
    response = client_for(role).post("/summaries/rebuild/", {"kind": "monthly_performance", "period": OCTOBER})
    assert response.status_code == 403
    assert not SummaryBuild.objects.exists()


def test_chairs_and_opcc_see_the_latest_summaries_on_their_home_page(client_for: Any, october: dict[str, Any]) -> None:
    summary = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER).summary
    for role in (Role.BOARD_CHAIR, Role.OPCC_SCRUTINY):
        html = client_for(role).get("/").content.decode()
        assert f'href="/summaries/{summary.pk}/"' in html
        assert "Latest monthly performance summary: 2025-10" in html
    assert f'href="/summaries/{summary.pk}/"' not in client_for(Role.CASE_EDITOR).get("/").content.decode()


def test_a_task_retries_after_a_transient_database_error(monkeypatch: Any, october: dict[str, Any]) -> None:
    from django.db import OperationalError

    from summaries.tasks import build_monthly_summary

    real = builders.BUILDERS[SummaryKind.MONTHLY_PERFORMANCE]
    calls = {"n": 0}

    def flaky(period: Any) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("connection reset")
        return real(period)

    monkeypatch.setitem(builders.BUILDERS, SummaryKind.MONTHLY_PERFORMANCE, flaky)
    # Eager mode runs the retry in-process at once (a worker would wait for the backoff).
    monkeypatch.setitem(build_monthly_summary.app.conf, "task_eager_propagates", False)
    result = build_monthly_summary.apply(args=[OCTOBER]).get()

    assert calls["n"] == 2
    assert result["created"] is True
    statuses = list(SummaryBuild.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [SummaryBuild.Status.FAILED, SummaryBuild.Status.SUCCEEDED]
    assert Summary.objects.count() == 1


def test_a_task_does_not_retry_a_bad_period() -> None:
    from summaries.tasks import build_quarterly_rag_summary

    with pytest.raises(ApplicationError):
        build_quarterly_rag_summary.apply(args=["2025-26-Q9"]).get()
    assert not SummaryBuild.objects.exists()


@pytest.mark.parametrize(
    ("kind", "key", "header", "cell"),
    [
        ("monthly_performance", OCTOBER, "recorded_offences (2025-10)", "Rape and serious sexual offences"),
        ("overdue_digest", "2025-11-20", "Overdue actions", "1"),
    ],
)
def test_a_summary_table_downloads_as_csv_and_xlsx(
    kind: str, key: str, header: str, cell: str, client_for: Any, october: dict[str, Any]
) -> None:
    summary = services.build_summary(kind=kind, period_key=key).summary
    client = client_for(Role.OPCC_SCRUTINY)
    body = b"".join(client.get(f"/summaries/{summary.pk}/?format=csv").streaming_content).decode("utf-8-sig")
    assert header in body.splitlines()[0]
    assert cell in body
    assert october["charged"].crime_reference not in body
    xlsx = client.get(f"/summaries/{summary.pk}/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_monthly_summary_reports_victim_care_and_the_cps_charge_rate_with_their_counts() -> None:
    """October 2025 outcomes (Victims' Code / VPS / ISVA-IDVA, "" = not recorded):
    V1 charged 10-20 yes/yes/no, CPS charge 10-15; V2 withdrawal (16) 10-21 no/""/yes, CPS NFA 10-16;
    V3 no suspect (18) 10-22 yes/""/"", CPS further evidence 10-10. In the 12 months only:
    V4 caution 2025-06-01 no/no/no."""
    v1 = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-10-01",
        outcome_type="1",
        outcome_date="2025-10-20",
        vcop_compliant="yes",
        vps_offered="yes",
        advocate_referral="no",
    )
    CpsReferralFactory(investigation=v1, referral_date="2025-10-02", decision="charge", decision_date="2025-10-15")
    v2 = InvestigationFactory(
        unplaced=True,
        recorded_date="2025-10-02",
        outcome_type="16",
        outcome_date="2025-10-21",
        vcop_compliant="no",
        advocate_referral="yes",
    )
    CpsReferralFactory(investigation=v2, referral_date="2025-10-03", decision="nfa", decision_date="2025-10-16")
    v3 = InvestigationFactory(
        unplaced=True, recorded_date="2025-10-03", outcome_type="18", outcome_date="2025-10-22", vcop_compliant="yes"
    )
    CpsReferralFactory(
        investigation=v3, referral_date="2025-10-04", decision="further_evidence", decision_date="2025-10-10"
    )
    InvestigationFactory(
        unplaced=True,
        recorded_date="2025-05-01",
        outcome_type="3",
        outcome_date="2025-06-01",
        vcop_compliant="no",
        vps_offered="no",
        advocate_referral="no",
    )
    summary = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER).summary
    care = {row["label"]: row for row in summary.data["victim_care"]}
    assert care["Victims' Code compliance"]["month"] == {"rate": 66.7, "yes": 2, "answered": 3, "not_recorded": 0}
    assert care["Victims' Code compliance"]["rolling"] == {"rate": 50.0, "yes": 2, "answered": 4, "not_recorded": 0}
    assert care["Victim personal statement offered"]["month"] == {
        "rate": 100.0,
        "yes": 1,
        "answered": 1,
        "not_recorded": 2,  # V2 V3
    }
    assert care["ISVA/IDVA referral"]["rolling"] == {"rate": 33.3, "yes": 1, "answered": 3, "not_recorded": 1}
    month = summary.data["kpis"]["month_total"]
    assert (month["cps_charge_rate"], month["cps_action_plans"], month["cps_advice"]) == (50.0, 1, 0)

    page = html_text.unescape(re.sub(r"\s+", " ", summary.html))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Victims' Code compliance 66.7% (2 of 3) 0 50.0% (2 of 4) 0" in text
    cps = page.split('data-testid="summary-cps">')[1].split("</dd>")[0]
    assert "50.0% (1 of 2) of charge and no-further-action decisions this month" in cps
    assert "1 action plan and 0 early advice" in cps
    # the strand table shows the counts behind its rates: V1 positive of 3 recorded in October
    assert "33.3% (1 of 3)" in page


def test_the_monthly_summary_reports_repeat_people_and_bail_at_month_end(client_for: Any) -> None:
    """October 2025: victim P1 in two investigations recorded in October (a repeat victim this month);
    P2 in one in October and one in May (repeat over 12 months only); suspect S1 in both of P1's.
    On 31 October: two on bail (one since 1 June: over 3 months), one RUI since 1 March (over 6 months),
    one bail that ended with an outcome on 20 October (not counted)."""

    def make(recorded: str, **values: Any) -> Any:
        return InvestigationFactory(unplaced=True, recorded_date=recorded, **values)

    make("2025-10-02", victim_id="P1", suspect_id="S1", bail_status="bail", arrest_date="2025-10-03",
         bail_start_date="2025-10-03", bail_expiry_date="2026-01-02")  # fmt: skip
    make("2025-10-09", victim_id="P1", suspect_id="S1")
    make("2025-10-12", victim_id="P2")
    make("2025-05-01", victim_id="P2", bail_status="bail", arrest_date="2025-06-01", bail_start_date="2025-06-01",
         bail_expiry_date="2025-12-01")  # fmt: skip
    make("2025-02-20", bail_status="rui", arrest_date="2025-03-01", rui_start_date="2025-03-01")
    make("2025-09-01", bail_status="bail", arrest_date="2025-09-02", bail_start_date="2025-09-02",
         bail_expiry_date="2025-12-02", outcome_type="1", outcome_date="2025-10-20")  # fmt: skip

    summary = services.build_summary(kind=SummaryKind.MONTHLY_PERFORMANCE, period_key=OCTOBER).summary
    month, rolling = summary.data["kpis"]["month_total"], summary.data["kpis"]["rolling_12_months_total"]
    assert (month["repeat_victims"], month["repeat_suspects"]) == (1, 1)  # P1; S1
    assert (rolling["repeat_victims"], rolling["repeat_suspects"]) == (2, 1)  # P1, P2; S1
    bail = summary.data["bail"]
    assert bail["on"] == "2025-10-31"
    assert (bail["bail"]["count"], bail["bail"]["over_3_months"]) == (2, 1)
    assert (bail["rui"]["count"], bail["rui"]["over_6_months"]) == (1, 1)

    stored = re.sub(r"\s+", " ", html_text.unescape(re.sub(r"<[^>]+>", " ", summary.html)))
    assert "Repeat victims 1 this month; 2 in the last 12 months" in stored
    assert "Repeat suspects 1 this month; 1 in the last 12 months" in stored
    assert "Pre-charge bail and RUI on 31 October 2025" in stored
    assert "2 on bail (1 for more than 3 months" in stored
    assert "1 released under investigation (1 for more than 6 months" in stored
    assert "/cases/" not in summary.html  # the stored copy has no links

    # on the page, for a role that may see investigations, each count opens onto the people behind it
    client = client_for(Role.CASE_EDITOR)
    page = client.get(f"/summaries/{summary.pk}/").content.decode()
    links = re.findall(r'href="(/cases/repeat-people/[^"]+)"', page)
    assert len(links) == 4
    people = client.get(html_text.unescape(links[0]))
    assert people.status_code == 200 and "P1" in people.content.decode()
    assert (
        "/cases/repeat-people/" not in client_for(Role.OPCC_SCRUTINY).get(f"/summaries/{summary.pk}/").content.decode()
    )
