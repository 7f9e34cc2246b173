"""Pages of the audit lead's journey, the action pages and the aggregate overview.

Views are thin: they check the capability, call a selector or a service and
render. Crime references reach a template only when ``can_see_case_references``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.choices import Strand
from oversight.accesslog import record_access
from oversight.concurrency import version_token
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, export_format, page_or_download, query_string
from oversight.models import AccessKind
from oversight.periods import month_of, months_later
from oversight.roles import Cap, can_see_case_references, capability_required, has_capability

from . import rules, selectors, services
from .choices import AnswerValue, AssuranceLevel, AuditArea, AuditStatus, strands_for_area
from .filters import ActionFilter, AuditFilter
from .forms import (
    ActionForm,
    AssuranceForm,
    AuditEditForm,
    AuditPlanForm,
    LearningForm,
    OverviewForm,
    ProgressForm,
    QuestionSetEditForm,
    ReviewForm,
    SampleDrawForm,
    SamplePickForm,
    VerifyForm,
)
from .models import Action, Audit, CaseReview, LearningPoint, QuestionSet

PAGE_SIZE = 25


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except (Audit.DoesNotExist, CaseReview.DoesNotExist, Action.DoesNotExist, QuestionSet.DoesNotExist) as exc:
        raise Http404("Not found.") from exc


def _manage_audit(request: HttpRequest, pk: int) -> Audit:
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    if not rules.can_manage_audit(request.user, audit):
        raise PermissionDenied("Only the audit's lead auditor may change it.")
    return audit


def _review_choices(request: HttpRequest, audit: Audit) -> list[tuple[int, str]]:
    show = can_see_case_references(request.user)
    return [
        (r.pk, f"{r.label} ({r.investigation.crime_reference})" if show else r.label)
        for r in audit.reviews.select_related("investigation").order_by("position")
    ]


# --- Audit list and planning ----------------------------------------------------------------------


def audit_list(request: HttpRequest) -> HttpResponseBase:
    """Every audit, filterable and exportable. A user who sees the overview only is sent there."""
    if not rules.can_view_audits(request.user):
        if has_capability(request.user, Cap.AUDIT_SUMMARIES_VIEW):
            return redirect("audits:overview")
        raise PermissionDenied("Your role does not include audits.")
    filterset = AuditFilter(request.GET or None, queryset=selectors.audit_list(user=request.user))
    form, audits = filterset.form, filterset.qs
    return page_or_download(
        request,
        template="audits/audit_list.html",
        context=lambda: _audit_list_context(request, form, audits),
        download=Download(
            filename="audits",
            headers=["Audit", "Kind", "Area", "Month", "Lead auditor", "Status", "Cases", "Compliance %", "Assurance"],
            rows=audits,
            row=_audit_row,
        ),
    )


def _audit_row(audit: Audit) -> list[Any]:
    """One audit of the list's download (annotated by ``with_answer_counts``)."""
    row = selectors.audit_rows([audit])[0]
    return [
        audit.title,
        audit.get_kind_display(),
        audit.get_area_display(),
        audit.month.strftime("%Y-%m"),
        str(audit.lead_auditor),
        audit.get_status_display(),
        row["reviews"],
        row["compliance_rate"],
        row["assurance"],
    ]


def _audit_list_context(request: HttpRequest, form: Any, audits: Any) -> dict[str, Any]:
    page_obj = Paginator(audits, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "form": form,
        "rows": selectors.audit_rows(page_obj.object_list),
        "page_obj": page_obj,
        "query_string": query_string(request),
        "can_plan": has_capability(request.user, Cap.AUDITS_MANAGE),
    }


@capability_required(Cap.AUDITS_MANAGE)
def audit_create(request: HttpRequest) -> HttpResponse:
    form = AuditPlanForm(request.POST or None, initial={"month": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_plan(
                actor=request.user,
                kind=data["kind"],
                area=data["area"],
                theme=data["theme"],
                month=data["month"],
                question_set=data["question_set"],
                planned_sample_size=data["planned_sample_size"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{audit.title} planned. Draw its sample next.")
            return redirect("audits:audit_sample", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "title": "Plan an audit"})


@capability_required(Cap.AUDITS_VIEW)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    record_access(request, AccessKind.AUDIT_CASES, object_id=audit.pk)
    compliance = selectors.audit_compliance(audit_id=audit.pk)
    reviews = selectors.compliance_by_review(user=request.user, audit_id=audit.pk)
    today = timezone.localdate()
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "compliance": compliance,
            "suggested": selectors.suggested_assurance(compliance["compliance_rate"]),
            "assurance": selectors.effective_assurance(audit, compliance["compliance_rate"]),
            "reviews": reviews,
            "reviewed": sum(1 for r in reviews if r["review"].reviewed_at),
            "learning": selectors.learning_list(user=request.user, audit_id=audit.pk),
            "actions": selectors.action_list(user=request.user, today=today, audit_id=audit.pk),
            "can_manage": rules.can_manage_audit(request.user, audit),
            "can_sign_off": rules.can_sign_off(request.user, audit) and audit.status == AuditStatus.SUBMITTED,
            "show_refs": can_see_case_references(request.user),
            "assurance_labels": dict(AssuranceLevel.choices),
        },
    )


@capability_required(Cap.AUDITS_MANAGE)
def audit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _manage_audit(request, pk)
    form = AuditEditForm(
        request.POST or None,
        initial={
            "theme": audit.theme,
            "planned_sample_size": audit.planned_sample_size,
            "version": version_token(audit),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.audit_update(audit=audit, actor=request.user, expected_version=data.pop("version"), **data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Audit updated.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/audit_form.html",
        {"form": form, "title": f"Change {audit.title}", "audit": audit},
        status=400 if form.errors else 200,
    )


# --- Sample ---------------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_MANAGE)
def audit_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw a random sample (reproducible by seed) or add cases by crime reference."""
    audit = _manage_audit(request, pk)
    month = audit.month
    default_start = months_later(month, -12).start
    draw = SampleDrawForm(
        request.POST if request.POST.get("form") == "draw" else None,
        initial={
            "size": audit.planned_sample_size,
            "window_start": audit.sample_window_start or default_start,
            "window_end": audit.sample_window_end or month_of(month).end,
        },
        prefix="draw",
    )
    pick = SamplePickForm(request.POST if request.POST.get("form") == "pick" else None, prefix="pick")
    if request.method == "POST":
        if request.POST.get("form") == "draw" and draw.is_valid():
            try:
                reviews = services.audit_draw_sample(audit=audit, actor=request.user, **draw.cleaned_data)
            except ApplicationError as exc:
                add_errors_to_form(draw, exc)
            else:
                messages.success(request, f"{len(reviews)} cases drawn at random.")
                return redirect("audits:audit_detail", pk=audit.pk)
        elif request.POST.get("form") == "pick" and pick.is_valid():
            try:
                reviews = services.audit_add_cases(
                    audit=audit, actor=request.user, crime_references=pick.cleaned_data["crime_references"]
                )
            except ApplicationError as exc:
                add_errors_to_form(pick, exc)
            else:
                messages.success(request, f"{len(reviews)} cases added to the sample.")
                return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/audit_sample.html",
        {
            "audit": audit,
            "draw": draw,
            "pick": pick,
            "strands": [Strand(s).label for s in strands_for_area(audit.area)],
            "sample_size": audit.reviews.count(),
        },
    )


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def review_remove(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get(CaseReview.objects.select_related("audit").get, pk=pk)
    if not rules.can_manage_audit(request.user, review.audit):
        raise PermissionDenied("Only the audit's lead auditor may change its sample.")
    try:
        services.audit_remove_case(review=review, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{review.label} left the sample.")
    return redirect("audits:audit_detail", pk=review.audit_id)


# --- Case review ----------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_VIEW)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case against the whole question set, on one page. The lead auditor answers; others read."""
    review = _get(selectors.review_detail, user=request.user, pk=pk)
    record_access(request, AccessKind.CASE_REVIEW, object_id=review.pk, reference=review.investigation.crime_reference)
    audit = review.audit
    questions = list(audit.question_set.questions.order_by("order"))
    answers = {a.question_id: a for a in review.answers.all()}
    can_answer = rules.can_manage_audit(request.user, audit) and audit.is_editable
    if request.method == "POST" and not can_answer:
        raise PermissionDenied("Only the lead auditor answers, and only before the audit is submitted.")
    form = ReviewForm(request.POST or None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record_answers(review=review, actor=request.user, answers=form.answers())
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{review.label} saved.")
            if request.POST.get("next") == "1":
                following = (
                    audit.reviews.filter(reviewed_at__isnull=True).exclude(pk=review.pk).order_by("position").first()
                )
                if following:
                    return redirect("audits:review_detail", pk=following.pk)
            return redirect("audits:audit_detail", pk=audit.pk)
    siblings = list(audit.reviews.order_by("position").values_list("pk", flat=True))
    index = siblings.index(review.pk)
    return render(
        request,
        "audits/review_detail.html",
        {
            "review": review,
            "audit": audit,
            "investigation": review.investigation,
            "form": form,
            "rows": form.rows(),
            "answers": answers,
            "can_answer": can_answer,
            "show_refs": can_see_case_references(request.user),
            "answer_choices": AnswerValue.choices,
            "previous_pk": siblings[index - 1] if index > 0 else None,
            "next_pk": siblings[index + 1] if index + 1 < len(siblings) else None,
            "count": len(siblings),
        },
    )


# --- Assurance, submission, sign-off ---------------------------------------------------------------------


@capability_required(Cap.AUDITS_MANAGE)
def audit_assurance(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _manage_audit(request, pk)
    compliance = selectors.audit_compliance(audit_id=audit.pk)
    form = AssuranceForm(
        request.POST or None,
        initial={
            "assurance_override": audit.assurance_override,
            "assurance_override_reason": audit.assurance_override_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_set_assurance(
                audit=audit,
                actor=request.user,
                override=form.cleaned_data["assurance_override"],
                reason=form.cleaned_data["assurance_override_reason"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Assurance level saved.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/audit_assurance.html",
        {
            "audit": audit,
            "form": form,
            "compliance": compliance,
            "suggested": selectors.suggested_assurance(compliance["compliance_rate"]),
            "assurance_labels": dict(AssuranceLevel.choices),
        },
    )


def _transition(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    try:
        service(audit=audit, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("audits:audit_detail", pk=audit.pk)


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def audit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.audit_submit, "Audit submitted for sign-off.")


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def audit_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.audit_reopen, "Audit reopened.")


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def audit_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.audit_sign_off, "Audit signed off and locked.")


# --- Learning and actions --------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_MANAGE)
def learning_create(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _manage_audit(request, pk)
    form = LearningForm(request.POST or None, review_choices=_review_choices(request, audit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = audit.reviews.filter(pk=data["review"]).first() if data["review"] else None
        try:
            services.learning_point_create(
                audit=audit,
                actor=request.user,
                kind=data["kind"],
                theme=data["theme"],
                text=data["text"],
                review=review,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Learning point recorded.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "title": "Record learning", "audit": audit})


@capability_required(Cap.AUDITS_MANAGE)
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _manage_audit(request, pk)
    learning = [(lp.pk, str(lp)) for lp in LearningPoint.objects.filter(audit=audit)]
    initial = {"learning_point": request.GET.get("learning_point")} if request.GET.get("learning_point") else {}
    form = ActionForm(request.POST or None, learning_choices=learning, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        point = (
            LearningPoint.objects.filter(audit=audit, pk=data["learning_point"]).first()
            if data.get("learning_point")
            else None
        )
        try:
            action = services.action_raise(
                audit=audit,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
                learning_point=point,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Action raised for {action.owner}.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "title": "Raise an action", "audit": audit})


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An action with its notes: the owner records progress, another audit lead verifies."""
    today = timezone.localdate()
    action = _get(selectors.action_detail, user=request.user, pk=pk, today=today)
    can_update = rules.can_update_action(request.user, action) and action.status != "verified"
    can_verify = rules.can_verify_action(request.user, action) and action.status == "completed"
    progress = (
        ProgressForm(request.POST if request.POST.get("form") == "progress" else None, current=action.status)
        if can_update
        else None
    )
    verify = VerifyForm(request.POST if request.POST.get("form") == "verify" else None) if can_verify else None
    if request.method == "POST":
        form_name = request.POST.get("form")
        if form_name == "progress":
            if progress is None:
                raise PermissionDenied("Only the action's owner may update its progress.")
            if progress.is_valid():
                try:
                    services.action_update_progress(
                        action=action,
                        actor=request.user,
                        note=progress.cleaned_data["note"],
                        status=progress.cleaned_data["status"],
                    )
                except ApplicationError as exc:
                    add_errors_to_form(progress, exc)
                else:
                    messages.success(request, "Progress saved.")
                    return redirect("audits:action_detail", pk=action.pk)
        elif form_name == "verify":
            if verify is None:
                raise PermissionDenied("Only an audit lead who does not own this completed action may verify it.")
            if verify.is_valid():
                try:
                    if verify.cleaned_data["decision"] == "verify":
                        services.action_verify(action=action, actor=request.user, note=verify.cleaned_data["note"])
                        done = "Action verified."
                    else:
                        services.action_return(action=action, actor=request.user, note=verify.cleaned_data["note"])
                        done = "Action sent back to its owner."
                except ApplicationError as exc:
                    add_errors_to_form(verify, exc)
                else:
                    messages.success(request, done)
                    return redirect("audits:action_detail", pk=action.pk)
        else:
            raise PermissionDenied("Unknown form.")
    return render(
        request,
        "audits/action_detail.html",
        {
            "action": action,
            "progress": progress,
            "verify": verify,
            "can_edit": rules.can_edit_action(request.user, action) and action.status != "verified",
            "can_view_audit": rules.can_view_audits(request.user),
        },
    )


@capability_required(Cap.AUDITS_MANAGE)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get(Action.objects.select_related("audit", "owner").get, pk=pk)
    if not rules.can_edit_action(request.user, action):
        raise PermissionDenied("Only the audit's lead auditor may change this action.")
    form = ActionForm(
        request.POST or None,
        initial={
            "title": action.title,
            "description": action.description,
            "owner": action.owner,
            "due_date": action.due_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_edit(
                action=action,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Action updated.")
            return redirect("audits:action_detail", pk=action.pk)
    return render(
        request, "audits/audit_form.html", {"form": form, "title": "Change the action", "audit": action.audit}
    )


ACTION_HEADERS = ["Action", "Audit", "Area", "Owner", "Due", "Status", "Overdue", "Raised", "Verified by"]


def _action_row(action: Action) -> list[Any]:
    return [
        action.title,
        action.audit.title,
        action.audit.get_area_display(),
        str(action.owner),
        action.due_date,
        action.get_status_display(),
        "yes" if action.is_overdue else "no",  # type: ignore[attr-defined]  # annotated by the selector
        action.created_at,
        str(action.verified_by or ""),
    ]


@capability_required(Cap.AUDITS_VIEW)
def action_list(request: HttpRequest) -> HttpResponseBase:
    """The actions tracker: every action, filterable by status, owner, overdue, audit and area."""
    today = timezone.localdate()
    filterset = ActionFilter(request.GET or None, queryset=selectors.action_list(user=request.user, today=today))
    form, actions = filterset.form, filterset.qs
    return page_or_download(
        request,
        template="audits/action_list.html",
        context=lambda: {
            "form": form,
            "page_obj": Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": query_string(request),
            "counts": selectors.action_counts(start=today, end=today, today=today),
            "today": today,
        },
        download=Download(filename="actions", headers=ACTION_HEADERS, rows=actions, row=_action_row),
    )


def my_actions(request: HttpRequest) -> HttpResponseBase:
    """The actions the signed-in user owns, whatever their role."""
    today = timezone.localdate()
    actions = selectors.my_actions(user=request.user, today=today)
    return page_or_download(
        request,
        template="audits/my_actions.html",
        context={"actions": actions, "today": today},
        download=Download(filename="my-actions", headers=ACTION_HEADERS, rows=actions, row=_action_row),
    )


# --- Report ---------------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_VIEW)
def audit_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Compliance by question (chart and table), by case, assurance, learning and actions."""
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    record_access(
        request, AccessKind.AUDIT_EXPORT if export_format(request) else AccessKind.AUDIT_CASES, object_id=audit.pk
    )
    show_refs = can_see_case_references(request.user)
    questions = selectors.compliance_by_question(audit_id=audit.pk)
    cases = selectors.compliance_by_review(user=request.user, audit_id=audit.pk)
    learning = selectors.learning_list(user=request.user, audit_id=audit.pk)
    today = timezone.localdate()
    actions = selectors.action_list(user=request.user, today=today, audit_id=audit.pk)
    name = f"audit-{audit.pk}"
    downloads = {
        "questions": Download(
            filename=f"{name}-questions",
            headers=["Question", "Text", *COUNT_HEADERS],
            rows=questions,
            row=lambda q: [q["order"], q["text"], *_counts(q)],
        ),
        "cases": Download(
            filename=f"{name}-cases",
            headers=["Case", *(["Crime reference"] if show_refs else []), *COUNT_HEADERS],
            rows=cases,
            row=lambda r: [r["label"], *([r["crime_reference"]] if show_refs else []), *_counts(r)],
        ),
        "learning": Download(
            filename=f"{name}-learning",
            headers=["Kind", "Theme", "Learning", "Case"],
            rows=learning,
            row=lambda lp: [
                lp.get_kind_display(),
                lp.get_theme_display(),
                lp.text,
                lp.review.label if lp.review else "",
            ],
        ),
        "actions": Download(filename=f"{name}-actions", headers=ACTION_HEADERS, rows=actions, row=_action_row),
    }
    return page_or_download(
        request,
        template="audits/audit_report.html",
        context=lambda: _report_context(audit, questions, cases, learning, actions, show_refs),
        download=downloads,
    )


COUNT_HEADERS = ["Compliant", "Partial", "Not compliant", "Not applicable", "Compliance %"]


def _counts(row: dict[str, Any]) -> list[Any]:
    """The answer counts and rate of a compliance row, in the order of ``COUNT_HEADERS``."""
    return [row["compliant"], row["partial"], row["non_compliant"], row["not_applicable"], row["compliance_rate"]]


def _report_context(
    audit: Audit, questions: Any, cases: Any, learning: Any, actions: Any, show_refs: bool
) -> dict[str, Any]:
    compliance = selectors.audit_compliance(audit_id=audit.pk)
    chart = {
        "type": "bar",
        "labels": [f"Q{q['order']}" for q in questions],
        "datasets": [{"label": "Compliance %", "data": [q["compliance_rate"] for q in questions]}],
        "percent": True,
        "yLabel": "Compliance %",
    }
    return {
        "audit": audit,
        "questions": questions,
        "cases": cases,
        "learning": learning,
        "actions": actions,
        "compliance": compliance,
        "suggested": selectors.suggested_assurance(compliance["compliance_rate"]),
        "assurance": selectors.effective_assurance(audit, compliance["compliance_rate"]),
        "assurance_labels": dict(AssuranceLevel.choices),
        "chart": chart,
        "show_refs": show_refs,
    }


# --- Overview (aggregates, every role) -------------------------------------------------------------------


@capability_required(Cap.AUDIT_SUMMARIES_VIEW)
def overview(request: HttpRequest) -> HttpResponseBase:
    """Compliance trend by area over months, assurance levels, learning themes and action counts. No case data."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    form = OverviewForm(
        request.GET or None,
        initial={
            "month_from": months_later(this_month, -11).start.strftime("%Y-%m"),
            "month_to": this_month.strftime("%Y-%m"),
        },
    )
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("month_to") or today.replace(day=1)
    start = data.get("month_from") or months_later(end, -11).start
    errors = []
    if start > end:
        errors.append("The first month must not be after the last month.")
        start = months_later(end, -11).start
    month_end = month_of(end).end
    trend = selectors.compliance_trend(month_start=start, month_end=month_end)
    by_area = selectors.compliance_by_area(month_start=start, month_end=month_end)
    themes = selectors.learning_theme_counts(month_start=start, month_end=month_end)
    downloads = {
        "trend": Download(
            filename="audit-compliance-trend",
            headers=["Month", "Area", *COUNT_HEADERS],
            rows=trend,
            row=lambda r: [r["month"], r["area_label"], *_counts(r)],
        ),
        "areas": Download(
            filename="audit-compliance-by-area",
            headers=["Area", "Audits", *COUNT_HEADERS, *[lvl.label for lvl in AssuranceLevel]],
            rows=by_area,
            row=lambda r: [
                r["area_label"],
                r["audits"],
                *_counts(r),
                *[r["assurance"][lvl] for lvl in AssuranceLevel.values],
            ],
        ),
        "themes": Download(
            filename="audit-learning-themes",
            headers=["Theme", "Good practice", "Improvement", "Total"],
            rows=themes,
            row=lambda t: [t["theme_label"], t["good_practice"], t["improvement"], t["total"]],
        ),
    }
    return page_or_download(
        request,
        template="audits/overview.html",
        context=lambda: {
            "form": form,
            "errors": errors,
            "start": start,
            "end": end,
            **_overview_chart(trend, start=start, month_end=month_end),
            "by_area": by_area,
            "assurance": selectors.assurance_counts(month_start=start, month_end=month_end),
            "assurance_labels": dict(AssuranceLevel.choices),
            "themes": themes,
            "actions": selectors.action_counts(start=start, end=month_end, today=today),
            "query_string": query_string(request),
        },
        download=downloads,
    )


def _overview_chart(trend: list[dict[str, Any]], *, start: date, month_end: date) -> dict[str, Any]:
    """The compliance trend as a line per area, and the same figures as a month × area table."""
    months = selectors.overview_months(month_start=start, month_end=month_end)
    areas = [key for key in [*AuditArea.values, selectors.THEMATIC_KEY] if any(r["area"] == key for r in trend)]
    grid = {(r["month"], r["area"]): r["compliance_rate"] for r in trend}
    chart = {
        "type": "line",
        "labels": months,
        "datasets": [{"label": selectors.area_label(a), "data": [grid.get((m, a)) for m in months]} for a in areas],
        "percent": True,
        "yLabel": "Compliance %",
    }
    return {
        "chart": chart,
        "areas": [selectors.area_label(a) for a in areas],
        "pivot": [{"month": m, "rates": [grid.get((m, a)) for a in areas]} for m in months],
    }


# --- Question sets --------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_VIEW)
def question_set_list(request: HttpRequest) -> HttpResponse:
    sets = QuestionSet.objects.annotate(
        n_questions=Count("questions", distinct=True), n_audits=Count("audits", distinct=True)
    ).order_by("code", "-version")
    return render(
        request,
        "audits/question_set_list.html",
        {"sets": sets, "can_manage": has_capability(request.user, Cap.AUDITS_MANAGE)},
    )


@capability_required(Cap.AUDITS_VIEW)
def question_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's questions. A draft can be edited by an audit lead and published; a published one is frozen."""
    question_set = _get(QuestionSet.objects.get, pk=pk)
    questions = list(question_set.questions.order_by("order"))
    can_manage = has_capability(request.user, Cap.AUDITS_MANAGE)
    form = None
    if can_manage and not question_set.is_published:
        form = QuestionSetEditForm(
            request.POST or None,
            initial={"title": question_set.title, "questions": "\n".join(q.text for q in questions)},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("A published question set is frozen.")
        if form.is_valid():
            try:
                services.question_set_update_questions(
                    question_set=question_set,
                    actor=request.user,
                    questions=form.cleaned_data["questions"],
                    title=form.cleaned_data["title"],
                )
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, "Draft saved.")
                return redirect("audits:question_set_detail", pk=question_set.pk)
    return render(
        request,
        "audits/question_set_detail.html",
        {"question_set": question_set, "questions": questions, "form": form, "can_manage": can_manage},
    )


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def question_set_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = _get(QuestionSet.objects.get, pk=pk)
    try:
        draft = services.question_set_new_version(question_set=question_set, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("audits:question_set_detail", pk=question_set.pk)
    messages.success(request, f"Version {draft.version} created as a draft.")
    return redirect("audits:question_set_detail", pk=draft.pk)


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def question_set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = _get(QuestionSet.objects.get, pk=pk)
    try:
        services.question_set_publish(question_set=question_set, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Version {question_set.version} published and frozen.")
    return redirect(reverse("audits:question_set_detail", args=[question_set.pk]))
