"""Pages of joint police/CPS dip samples: drawing from the three frames, and the report shared with the CPS."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.accesslog import record_access
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, export_format, page_or_download
from oversight.models import AccessKind
from oversight.periods import month_of, months_later
from oversight.roles import Cap, capability_required

from . import joint, rules, selectors, services
from .choices import AuditKind, DipFrame
from .forms import DipSampleForm
from .models import Audit

CASE_HEADERS = [
    "Case",
    "Frame",
    "Crime reference",
    "Strand",
    "Offence group",
    "Outcome",
    "Outcome date",
    "Referred",
    "CPS decision",
    "Decision date",
    "Compliant",
    "Partial",
    "Not compliant",
    "Not applicable",
    "Compliance %",
]
COUNT_HEADERS = ["Compliant", "Partial", "Not compliant", "Not applicable", "Compliance %"]


def _counts(row: dict[str, Any]) -> list[Any]:
    return [row["compliant"], row["partial"], row["non_compliant"], row["not_applicable"], row["compliance_rate"]]


def _dip_audit(request: HttpRequest, pk: int) -> Audit:
    try:
        audit = selectors.audit_detail(user=request.user, pk=pk)
    except Audit.DoesNotExist as exc:
        raise Http404("Not found.") from exc
    if audit.kind != AuditKind.JOINT_DIP:
        raise Http404("This audit is not a joint police/CPS dip sample.")
    return audit


@capability_required(Cap.AUDITS_MANAGE)
def dip_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw cases from the three frames of a joint dip sample (reproducible by seed)."""
    audit = _dip_audit(request, pk)
    if not rules.can_manage_audit(request.user, audit):
        raise PermissionDenied("Only the audit's lead auditor may draw its sample.")
    start = audit.sample_window_start or months_later(audit.month, -3).start
    end = audit.sample_window_end or month_of(audit.month).end
    form = DipSampleForm(request.POST or None, initial={"window_start": start, "window_end": end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reviews = services.audit_draw_dip_sample(
                audit=audit,
                actor=request.user,
                sizes=form.sizes(),
                window_start=data["window_start"],
                window_end=data["window_end"],
                seed=data["seed"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{len(reviews)} cases drawn from the three frames.")
            return redirect("audits:audit_detail", pk=audit.pk)
    window_start = form.cleaned_data.get("window_start", start) if form.is_bound and form.is_valid() else start
    window_end = form.cleaned_data.get("window_end", end) if form.is_bound and form.is_valid() else end
    sizes = joint.frame_sizes(area=audit.area, window_start=window_start, window_end=window_end)
    return render(
        request,
        "audits/dip_sample.html",
        {
            "audit": audit,
            "form": form,
            "frames": [(frame.label, sizes[frame.value]) for frame in DipFrame],
            "window_start": window_start,
            "window_end": window_end,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@capability_required(Cap.AUDITS_VIEW, Cap.CASE_REFERENCES_VIEW)
def dip_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The report shared with the CPS: figures by frame and question, each case with register facts only,
    findings and agreed actions. Printable, and every table as CSV or XLSX."""
    audit = _dip_audit(request, pk)
    record_access(
        request, AccessKind.AUDIT_EXPORT if export_format(request) else AccessKind.AUDIT_CASES, object_id=audit.pk
    )
    report = joint.dip_report(audit=audit)
    learning = selectors.learning_list(user=request.user, audit_id=audit.pk)
    actions = selectors.action_list(user=request.user, today=timezone.localdate(), audit_id=audit.pk)
    name = f"dip-sample-{audit.pk}"
    downloads = {
        "frames": Download(
            filename=f"{name}-frames",
            headers=["Frame", "Cases", *COUNT_HEADERS],
            rows=report["frames"],
            row=lambda f: [f["label"], f["sampled"], *_counts(f)],
        ),
        "questions": Download(
            filename=f"{name}-questions",
            headers=["Frame", "Question", "Text", *COUNT_HEADERS],
            rows=report["questions"],
            row=lambda q: [q["frame_label"], q["question__order"], q["question__text"], *_counts(q)],
        ),
        "cases": Download(
            filename=f"{name}-cases",
            headers=CASE_HEADERS,
            rows=report["cases"],
            row=lambda c: [
                c["position"],
                c["frame"],
                c["crime_reference"],
                c["strand"],
                c["offence_group"],
                c["outcome"],
                c["outcome_date"],
                c["referral_date"],
                c["decision"],
                c["decision_date"],
                *_counts(c),
            ],
        ),
        "findings": Download(
            filename=f"{name}-findings",
            headers=["Kind", "Severity", "Theme", "Finding"],
            rows=learning,
            row=lambda lp: [lp.get_kind_display(), lp.get_severity_display(), lp.get_theme_display(), lp.text],
        ),
        "actions": Download(
            filename=f"{name}-actions",
            headers=["Agreed action", "Owner", "Due", "Status"],
            rows=actions,
            row=lambda a: [a.title, str(a.owner), a.due_date, a.get_status_display()],
        ),
    }
    return page_or_download(
        request,
        template="audits/dip_report.html",
        context=lambda: {"audit": audit, **report, "learning": learning, "actions": actions},
        download=downloads,
    )
