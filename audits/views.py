"""Pages of the audit lead's journey, the action pages and the aggregate overview.

Views are thin: they check the capability, call a selector or a service and
render. Crime references reach a template only when ``can_see_case_references``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accesslog import record_access
from oversight.concurrency import version_token, versioned
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, export_format, page_or_download, query_string
from oversight.models import AccessKind
from oversight.periods import financial_year_of, month_of, months_later, parse_financial_year
from oversight.roles import Cap, can_see_case_references, capability_required, has_capability

from . import rules, sampling, selectors, services
from .choices import AssuranceLevel, AuditArea, AuditKind, AuditStatus, Stratum, SubjectKind
from .filters import ActionFilter, AuditFilter
from .forms import (
    ActionForm,
    AssuranceForm,
    AuditEditForm,
    AuditPlanForm,
    LearningForm,
    OverviewForm,
    PlanFillForm,
    PlanItemForm,
    ProgressForm,
    QuestionForm,
    QuestionSetCopyForm,
    QuestionSetForm,
    ReauditForm,
    ReturnForm,
    ReviewForm,
    SampleDrawForm,
    SamplePickForm,
    TrendsForm,
    VerifyForm,
)
from .models import Action, Audit, CaseReview, LearningPoint, PlannedAudit, Question, QuestionSet

PAGE_SIZE = 25


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except (
        PlannedAudit.DoesNotExist,
        Audit.DoesNotExist,
        CaseReview.DoesNotExist,
        Action.DoesNotExist,
        QuestionSet.DoesNotExist,
        Question.DoesNotExist,
    ) as exc:
        raise Http404("Not found.") from exc


def _manage_audit(request: HttpRequest, pk: int) -> Audit:
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    if not rules.can_manage_audit(request.user, audit):
        raise PermissionDenied("Only the audit's lead auditor may change it.")
    return audit


def _review_choices(request: HttpRequest, audit: Audit) -> list[tuple[int, str]]:
    show = can_see_case_references(request.user)
    return [
        (r.pk, f"{r.label} ({r.reference})" if show else r.label)
        for r in audit.reviews.select_related("investigation", "subject").order_by("position")
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
    """Plan an audit; ``?plan_item=ID`` fills the form from an entry of the annual plan."""
    initial: dict[str, Any] = {"month": timezone.localdate().strftime("%Y-%m")}
    item = PlannedAudit.objects.filter(pk=request.GET.get("plan_item") or 0, audit__isnull=True).first()
    if item is not None:
        initial = {
            "kind": item.kind,
            "area": item.area,
            "theme": item.theme,
            "month": item.month.strftime("%Y-%m"),
            "planned_sample_size": item.sample_size,
            "question_set": QuestionSet.objects.filter(area=item.area, published_at__isnull=False)
            .order_by("-published_at")
            .first(),
        }
    form = AuditPlanForm(request.POST or None, initial=initial)
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
            "n_questions": audit.question_set.questions.asked().count(),
            "comparison": selectors.reaudit_comparison(audit=audit),
            "learning": selectors.learning_list(user=request.user, audit_id=audit.pk),
            "actions": selectors.action_list(user=request.user, today=today, audit_id=audit.pk),
            "can_manage": rules.can_manage_audit(request.user, audit),
            "can_sign_off": rules.can_sign_off(request.user, audit) and audit.status == AuditStatus.SUBMITTED,
            "can_reaudit": has_capability(request.user, Cap.AUDITS_MANAGE)
            and audit.status in (AuditStatus.SUBMITTED, AuditStatus.SIGNED_OFF),
            "show_refs": can_see_case_references(request.user),
            "show_evidence": rules.can_see_case_evidence(request.user),
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
    if audit.kind == AuditKind.JOINT_DIP:
        return redirect("audits:dip_sample", pk=audit.pk)
    month = audit.month
    frame = sampling.frame_for(audit.area)
    default_start = months_later(month, -(frame.window_months if frame else 12)).start
    draw = SampleDrawForm(
        request.POST if request.POST.get("form") == "draw" else None,
        initial={
            "size": audit.planned_sample_size,
            "window_start": audit.sample_window_start or default_start,
            "window_end": audit.sample_window_end or month_of(month).end,
        },
        prefix="draw",
    )
    kind = sampling.subject_kind_for(audit.area, frame)
    cast(forms.ChoiceField, draw.fields["stratify_by"]).choices = [
        ("", "No: a simple random sample"),
        *[(value, Stratum(value).label) for value in sampling.allowed_strata(kind)],
    ]
    if not draw.is_bound:
        # The last draw's stratum; before the first draw, the frame's default.
        drawn = audit.sample_seed is not None
        draw.fields["stratify_by"].initial = audit.sample_strata if drawn else (frame.stratify_by if frame else "")
    pick = SamplePickForm(request.POST if request.POST.get("form") == "pick" else None, prefix="pick")
    if request.method == "POST":
        if request.POST.get("form") == "draw" and draw.is_valid():
            try:
                reviews = services.audit_draw_sample(audit=audit, actor=request.user, **draw.cleaned_data)
            except ApplicationError as exc:
                add_errors_to_form(draw, exc)
            else:
                how = (
                    "stratified by " + Stratum(audit_strata(audit)).label.lower()
                    if audit_strata(audit)
                    else "at random"
                )
                messages.success(request, f"{len(reviews)} cases drawn {how}.")
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
            "frame": sampling.describe(audit.area, frame),
            "is_investigations": kind == SubjectKind.INVESTIGATIONS,
            "sample_size": audit.reviews.count(),
        },
    )


def audit_strata(audit: Audit) -> str:
    """The stratum of the audit's last draw (read again: the service saved it)."""
    return Audit.objects.values_list("sample_strata", flat=True).get(pk=audit.pk)


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
    record_access(request, AccessKind.CASE_REVIEW, object_id=review.pk, reference=review.reference)
    audit = review.audit
    questions = list(audit.question_set.questions.asked())
    answers = {a.question_id: a for a in review.answers.all()}
    can_answer = rules.can_manage_audit(request.user, audit) and audit.is_editable
    if request.method == "POST" and not can_answer:
        raise PermissionDenied("Only the lead auditor answers, and only before the audit is submitted.")
    # The version of the case's answers (the review and every answer): two people answering the same
    # case from the same version, the second is refused rather than overwriting the first.
    opened = {"version": selectors.review_version(review)}
    form = ReviewForm(request.POST or None, questions=questions, answers=answers, initial=opened)
    if request.method == "POST" and form.is_valid():
        version, parts = form.cleaned_data["version"], selectors.review_answer_histories(review)
        try:
            with versioned(review, version, noun="case review", also=parts):
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
            "subject": review.subject,
            "form": form,
            "rows": form.rows(),
            "answers": answers,
            "can_answer": can_answer,
            "show_refs": can_see_case_references(request.user),
            "attachments": selectors.evidence_list(review=review)
            if rules.can_see_evidence(request.user, review)
            else None,
            "can_attach": rules.can_attach_evidence(request.user, review),
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


def _independent_audit(request: HttpRequest, pk: int) -> Audit:
    """A submitted audit the user may decide on: refused (403) to its lead auditor and its submitter."""
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    if not rules.can_sign_off(request.user, audit):
        raise PermissionDenied("You led or submitted this audit: another audit lead must sign it off.")
    return audit


@capability_required(Cap.AUDITS_MANAGE)
def audit_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page that says sign-off locks the audit; the POST signs it off."""
    audit = _independent_audit(request, pk)
    if request.method == "POST":
        try:
            services.audit_sign_off(audit=audit, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Audit signed off and locked.")
        return redirect("audits:audit_detail", pk=audit.pk)
    if audit.status != AuditStatus.SUBMITTED:
        messages.error(request, "Only a submitted audit can be signed off.")
        return redirect("audits:audit_detail", pk=audit.pk)
    compliance = selectors.audit_compliance(audit_id=audit.pk)
    return render(
        request,
        "audits/audit_sign_off.html",
        {
            "audit": audit,
            "compliance": compliance,
            "assurance": selectors.effective_assurance(audit, compliance["compliance_rate"]),
            "assurance_labels": dict(AssuranceLevel.choices),
            "reviews": audit.reviews.count(),
        },
    )


@capability_required(Cap.AUDITS_MANAGE)
def audit_return(request: HttpRequest, pk: int) -> HttpResponse:
    """An independent audit lead returns a submitted audit for rework, with a reason."""
    audit = _independent_audit(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_return_for_rework(audit=audit, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Audit returned to {audit.lead_auditor} for rework.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request, "audits/audit_form.html", {"form": form, "title": "Return the audit for rework", "audit": audit}
    )


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
                severity=data["severity"],
                text=data["text"],
                review=review,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Learning point recorded.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/learning_form.html",
        {"form": form, "title": "Record a finding or good practice", "audit": audit},
    )


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
            "attachments": selectors.evidence_list(action=action)
            if rules.can_see_evidence(request.user, action)
            else None,
            "can_attach": rules.can_attach_evidence(request.user, action),
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
            "version": version_token(action),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with versioned(action, data["version"], noun="action"):
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
        "yMax": 100,  # a compliance axis always reaches 100 %, so a bar's length reads against the whole
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
        "yMax": 100,  # a compliance axis always reaches 100 %, so a bar's length reads against the whole
    }
    return {
        "chart": chart,
        "areas": [selectors.area_label(a) for a in areas],
        "pivot": [{"month": m, "rates": [grid.get((m, a)) for a in areas]} for m in months],
    }


# --- Question sets --------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_VIEW)
def question_set_list(request: HttpRequest) -> HttpResponse:
    sets = selectors.question_set_list(user=request.user)
    return render(
        request,
        "audits/question_set_list.html",
        {"sets": sets, "can_manage": has_capability(request.user, Cap.AUDITS_MANAGE)},
    )


@capability_required(Cap.AUDITS_MANAGE)
def question_set_create(request: HttpRequest) -> HttpResponse:
    """Start a question set for an area (or a theme): version 1, a draft to add questions to."""
    form = QuestionSetForm(request.POST or None, initial={"area": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question_set = services.question_set_create(
                actor=request.user,
                code=data["code"],
                title=data["title"],
                area=data["area"],
                description=data["description"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{question_set.title} created as a draft. Add its questions.")
            return redirect("audits:question_set_detail", pk=question_set.pk)
    return render(
        request,
        "audits/question_set_form.html",
        {"form": form, "title": "Create a question set", "back": reverse("audits:question_set_list")},
    )


@capability_required(Cap.AUDITS_VIEW)
def question_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's questions. On a draft an audit lead adds, edits, reorders and retires questions and
    publishes the version; a published version is frozen (new version or copy instead)."""
    question_set = _get(selectors.question_set_detail, user=request.user, pk=pk)
    questions = list(question_set.questions.order_by("order"))
    can_manage = has_capability(request.user, Cap.AUDITS_MANAGE)
    return render(
        request,
        "audits/question_set_detail.html",
        {
            "question_set": question_set,
            "questions": questions,
            "asked": [q for q in questions if not q.is_retired],
            "can_edit": can_manage and not question_set.is_published,
            "can_manage": can_manage,
            "versions": selectors.question_set_versions(user=request.user, code=question_set.code),
        },
    )


def _draft(request: HttpRequest, pk: int) -> QuestionSet:
    question_set = _get(selectors.question_set_detail, user=request.user, pk=pk)
    if question_set.is_published:
        raise PermissionDenied(services.FROZEN)
    return question_set


@capability_required(Cap.AUDITS_MANAGE)
def question_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = _draft(request, pk)
    form = QuestionSetForm(
        request.POST or None,
        with_code=False,
        initial={
            "title": question_set.title,
            "area": question_set.area,
            "description": question_set.description,
            "version": version_token(question_set),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with versioned(question_set, data.pop("version"), noun="question set"):
                services.question_set_update_details(question_set=question_set, actor=request.user, **data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Details saved.")
            return redirect("audits:question_set_detail", pk=question_set.pk)
    back = reverse("audits:question_set_detail", args=[question_set.pk])
    return render(
        request, "audits/question_set_form.html", {"form": form, "title": f"Change {question_set}", "back": back}
    )


@capability_required(Cap.AUDITS_MANAGE)
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = _draft(request, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            question = services.question_add(question_set=question_set, actor=request.user, **data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Question {question.order} added.")
            if request.POST.get("another") == "1":
                return redirect("audits:question_add", pk=question_set.pk)
            return redirect("audits:question_set_detail", pk=question_set.pk)
    back = reverse("audits:question_set_detail", args=[question_set.pk])
    return render(
        request,
        "audits/question_set_form.html",
        {"form": form, "title": "Add a question", "caption": str(question_set), "back": back, "another": True},
    )


def _draft_question(request: HttpRequest, pk: int) -> Question:
    question = _get(Question.objects.select_related("question_set").get, pk=pk)
    _draft(request, question.question_set_id)
    return question


@capability_required(Cap.AUDITS_MANAGE)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _draft_question(request, pk)
    form = QuestionForm(
        request.POST or None,
        initial={
            "text": question.text,
            "guidance": question.guidance,
            "standard": question.standard,
            "answer_scale": question.answer_scale,
            "allow_not_applicable": "yes" if question.allow_not_applicable else "no",
            "weight": question.weight,
            "version": version_token(question),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with versioned(question, data.pop("version"), noun="question"):
                services.question_edit(question=question, actor=request.user, **data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Question {question.order} saved.")
            return redirect("audits:question_set_detail", pk=question.question_set_id)
    back = reverse("audits:question_set_detail", args=[question.question_set_id])
    return render(
        request,
        "audits/question_set_form.html",
        {
            "form": form,
            "title": f"Change question {question.order}",
            "caption": str(question.question_set),
            "back": back,
        },
    )


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _draft_question(request, pk)
    try:
        services.question_move(question=question, actor=request.user, direction=request.POST.get("direction", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("audits:question_set_detail", args=[question.question_set_id]) + f"#question-{pk}")


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    question = _draft_question(request, pk)
    retire = request.POST.get("retire", "1") == "1"
    try:
        services.question_retire(question=question, actor=request.user, retired=retire)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Question retired: it is no longer asked." if retire else "Question restored.")
    return redirect("audits:question_set_detail", pk=question.question_set_id)


@capability_required(Cap.AUDITS_VIEW)
def question_set_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The questions as an auditor answers them (inputs disabled)."""
    question_set = _get(selectors.question_set_detail, user=request.user, pk=pk)
    questions = list(question_set.questions.asked())
    form = ReviewForm(None, questions=questions, answers={})
    return render(request, "audits/question_set_preview.html", {"question_set": question_set, "rows": form.rows()})


@capability_required(Cap.AUDITS_MANAGE)
def question_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a version's questions into a new draft set."""
    source = _get(selectors.question_set_detail, user=request.user, pk=pk)
    form = QuestionSetCopyForm(request.POST or None, initial={"title": f"{source.title} (copy)", "area": source.area})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = services.question_set_copy(
                question_set=source, actor=request.user, code=data["code"], title=data["title"], area=data["area"]
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{copy.title} created as a draft from {source}.")
            return redirect("audits:question_set_detail", pk=copy.pk)
    back = reverse("audits:question_set_detail", args=[source.pk])
    return render(
        request,
        "audits/question_set_form.html",
        {"form": form, "title": "Copy into a new question set", "caption": str(source), "back": back},
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


# --- Annual plan and coverage ------------------------------------------------------------------------

CELL_LABELS = {"done": "Done", "overdue": "Overdue", "in_progress": "In progress", "planned": "Planned"}


def plan_current(request: HttpRequest) -> HttpResponse:
    """The plan of the financial year that contains today."""
    if not has_capability(request.user, Cap.AUDIT_SUMMARIES_VIEW):
        raise PermissionDenied("Your role does not include audits.")
    return redirect("audits:plan", year=financial_year_of(timezone.localdate()).key)


def _year(year: str) -> str:
    try:
        return parse_financial_year(year).key
    except ApplicationError as exc:
        raise Http404(exc.message) from exc


@capability_required(Cap.AUDIT_SUMMARIES_VIEW)
def plan(request: HttpRequest, year: str) -> HttpResponseBase:
    """The annual audit plan and its coverage: planned vs done vs overdue per area per month, with RAG."""
    year = _year(year)
    today = timezone.localdate()
    coverage = selectors.plan_coverage(financial_year=year, today=today)
    items = selectors.plan_items(financial_year=year)
    months = coverage["months"]
    downloads = {
        "coverage": Download(
            filename=f"audit-plan-coverage-{year}",
            headers=["Area", *months, "Planned", "Done", "In progress", "Overdue", "Unplanned done", "RAG"],
            rows=coverage["rows"],
            row=lambda r: [
                r["label"],
                *[CELL_LABELS.get(c["status"], "") for c in r["cells"]],
                r["planned"],
                r["done"],
                r["in_progress"],
                r["overdue"],
                r["unplanned"],
                r["rag"] or "Not due",
            ],
        ),
        "items": Download(
            filename=f"audit-plan-{year}",
            headers=["Month", "Kind", "Area", "Theme", "Sample size", "Audit status"],
            rows=items,
            row=lambda i: [
                i.month.strftime("%Y-%m"),
                i.get_kind_display(),
                i.get_area_display(),
                i.theme,
                i.sample_size,
                i.audit.get_status_display() if i.audit else "Not started",
            ],
        ),
    }
    start = parse_financial_year(year).start
    by_month = coverage["by_month"]
    chart = {
        "type": "bar",
        "labels": months,
        "datasets": [
            {"label": "Planned", "data": [m["planned"] for m in by_month], "backgroundColor": "#b1b4b6"},
            {"label": "Done", "data": [m["done"] for m in by_month], "backgroundColor": "#00703c"},
            {"label": "Overdue", "data": [m["overdue"] for m in by_month], "backgroundColor": "#d4351c"},
        ],
        "yLabel": "Planned audits",
    }
    return page_or_download(
        request,
        template="audits/plan.html",
        context=lambda: {
            "year": year,
            "coverage": coverage,
            "items": items,
            "chart": chart,
            "cell_labels": CELL_LABELS,
            "can_manage": has_capability(request.user, Cap.AUDITS_MANAGE),
            "can_view_audits": rules.can_view_audits(request.user),
            "previous_year": financial_year_of(months_later(start, -1).start).key,
            "next_year": financial_year_of(months_later(start, 12).start).key,
            "query_string": query_string(request),
        },
        download=downloads,
    )


@capability_required(Cap.AUDITS_MANAGE)
def plan_item_create(request: HttpRequest, year: str) -> HttpResponse:
    year = _year(year)
    form = PlanItemForm(request.POST or None, initial={"month": parse_financial_year(year).start.strftime("%Y-%m")})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.plan_item_add(actor=request.user, financial_year=year, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{item} added to the plan.")
            return redirect("audits:plan", year=year)
    back = reverse("audits:plan", args=[year])
    return render(
        request,
        "audits/question_set_form.html",
        {"form": form, "title": "Add an audit to the plan", "caption": f"Audit plan {year}", "back": back},
    )


@capability_required(Cap.AUDITS_MANAGE)
def plan_fill(request: HttpRequest, year: str) -> HttpResponse:
    """Plan a monthly audit of the chosen areas in every month of the year."""
    year = _year(year)
    form = PlanFillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.plan_fill_monthly(actor=request.user, financial_year=year, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{len(added)} monthly audits added to the plan.")
            return redirect("audits:plan", year=year)
    back = reverse("audits:plan", args=[year])
    return render(
        request,
        "audits/question_set_form.html",
        {"form": form, "title": "Plan monthly audits for the year", "caption": f"Audit plan {year}", "back": back},
    )


@require_POST
@capability_required(Cap.AUDITS_MANAGE)
def plan_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(PlannedAudit.objects.select_related("plan").get, pk=pk)
    try:
        services.plan_item_remove(item=item, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{item} taken out of the plan.")
    return redirect("audits:plan", year=item.plan.financial_year)


# --- Re-audit --------------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_MANAGE)
def audit_reaudit(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule a re-audit of a submitted or signed-off audit (its failed cases, or the area)."""
    audit = _get(selectors.audit_detail, user=request.user, pk=pk)
    form = ReauditForm(request.POST or None, initial={"month": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reaudit = services.audit_schedule_reaudit(
                audit=audit,
                actor=request.user,
                month=data["month"],
                review_ids=None if data["scope"] == "failed" else [],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Re-audit planned with {reaudit.reviews.count()} cases.")
            return redirect("audits:audit_detail", pk=reaudit.pk)
    return render(request, "audits/audit_form.html", {"form": form, "title": "Schedule a re-audit", "audit": audit})


# --- Question trends -------------------------------------------------------------------------------


def _trend_filters(request: HttpRequest) -> tuple[TrendsForm, dict[str, Any], list[str]]:
    this_month = timezone.localdate().replace(day=1)
    form = TrendsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("month_to") or this_month
    start = data.get("month_from") or months_later(end, -11).start
    errors = []
    if start > end:
        errors.append("The first month must not be after the last month.")
        start = months_later(end, -11).start
    filters = {
        "month_start": start,
        "month_end": month_of(end).end,
        "area": data.get("area") or "",
        "team": data.get("team") or "",
    }
    return form, filters, errors


@capability_required(Cap.AUDIT_SUMMARIES_VIEW)
def trends(request: HttpRequest) -> HttpResponseBase:
    """Compliance per question over (by default) the last 12 months, by area and team; the questions
    most often failed; learning themes. Aggregates only: the drill-down to reviews is for roles that see audits."""
    form, filters, errors = _trend_filters(request)
    data = selectors.question_trends(**filters)
    failed = selectors.most_failed_questions(data)
    themes = selectors.learning_theme_counts(month_start=filters["month_start"], month_end=filters["month_end"])
    months = data["months"]
    downloads = {
        "questions": Download(
            filename="audit-question-trends",
            headers=["Question set", "Question", *months, *COUNT_HEADERS],
            rows=data["questions"],
            row=lambda q: [q["set"], q["text"], *q["months"], *_counts(q)],
        ),
        "failed": Download(
            filename="audit-most-failed-questions",
            headers=["Question set", "Question", "Failed (partial or not compliant)", "Compliance %"],
            rows=failed,
            row=lambda q: [q["set"], q["text"], q["failed"], q["compliance_rate"]],
        ),
        "themes": Download(
            filename="audit-learning-themes",
            headers=["Theme", "Good practice", "Improvement", "Total"],
            rows=themes,
            row=lambda t: [t["theme_label"], t["good_practice"], t["improvement"], t["total"]],
        ),
    }
    chart = {
        "type": "bar",
        "horizontal": True,
        "labels": [f"{q['text'][:60]}" for q in failed],
        "datasets": [{"label": "Compliance %", "data": [q["compliance_rate"] for q in failed]}],
        "percent": True,
        "yLabel": "Compliance %",
        "yMax": 100,  # a compliance axis always reaches 100 %, so a bar's length reads against the whole
    }
    return page_or_download(
        request,
        template="audits/trends.html",
        context=lambda: {
            "form": form,
            "errors": errors,
            "filters": filters,
            "months": months,
            "month_labels": data["month_labels"],
            "questions": data["questions"],
            "failed": failed,
            "themes": themes,
            "chart": chart,
            "can_drill": rules.can_view_audits(request.user),
            "query_string": query_string(request),
        },
        download=downloads,
    )


@capability_required(Cap.AUDITS_VIEW)
def trend_question(request: HttpRequest, key: str) -> HttpResponseBase:
    """The reviews that failed one question (partial or not compliant), for roles that see audits."""
    _form, filters, _errors = _trend_filters(request)
    answers = selectors.question_failures(user=request.user, key=key, **filters)
    question = Question.objects.filter(key=key).order_by("-question_set__version").first()
    if question is None:
        raise Http404("No such question.")
    show_refs = can_see_case_references(request.user)
    return page_or_download(
        request,
        template="audits/trend_question.html",
        context=lambda: {
            "question": question,
            "answers": answers,
            "filters": filters,
            "show_refs": show_refs,
            "query_string": query_string(request),
        },
        download=Download(
            filename=f"question-{key}-failures",
            headers=["Audit", "Case", *(["Reference"] if show_refs else []), "Answer", "Comment"],
            rows=answers,
            row=lambda a: [
                a.review.audit.title,
                a.review.label,
                *([a.review.reference] if show_refs else []),
                a.get_value_display(),
                a.comment,
            ],
        ),
    )
