"""Evidence pages: the files attached to a case review, a finding or an action, an upload form
for those who may attach, and the one download view (files are never served from MEDIA_URL)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from oversight.accesslog import record_access
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.models import AccessKind
from oversight.roles import Cap, capability_required

from . import evidence, rules, selectors, services
from .forms import EvidenceForm
from .models import Action, CaseReview, EvidenceAttachment, LearningPoint

TARGETS: dict[str, Any] = {
    "review": CaseReview.objects.select_related("audit", "investigation", "subject"),
    "finding": LearningPoint.objects.select_related("audit", "review"),
    "action": Action.objects.select_related("audit", "owner"),
}


def target_url(target: rules.EvidenceTarget) -> str:
    if isinstance(target, CaseReview):
        return reverse("audits:review_detail", args=[target.pk])
    if isinstance(target, Action):
        return reverse("audits:action_detail", args=[target.pk])
    return reverse("audits:audit_detail", args=[target.audit_id]) + "#learning"


def _evidence_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        target = TARGETS[kind].get(pk=pk)
    except (CaseReview.DoesNotExist, LearningPoint.DoesNotExist, Action.DoesNotExist) as exc:
        raise Http404("Not found.") from exc
    if not rules.can_see_evidence(request.user, target):
        raise PermissionDenied("Evidence files are case-level: your role may not see them.")
    can_attach = rules.can_attach_evidence(request.user, target)
    if request.method == "POST" and not can_attach:
        raise PermissionDenied("Only the audit's lead auditor (or an action's owner) may attach evidence.")
    form = EvidenceForm(request.POST or None, request.FILES or None) if can_attach else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            attachment = services.evidence_attach(
                target=target,
                actor=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"{attachment.original_name} attached.")
            return redirect(request.path)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "audits/evidence.html",
        {
            "target": target,
            "kind": kind,
            "audit": target.audit,
            "back_url": target_url(target),
            "attachments": selectors.evidence_list(**{"learning_point" if kind == "finding" else kind: target}),
            "form": form,
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
            "allowed": evidence.ALLOWED_TEXT,
        },
        status=status,
    )


@capability_required(Cap.AUDITS_VIEW)
def review_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _evidence_page(request, "review", pk)


@capability_required(Cap.AUDITS_VIEW)
def finding_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _evidence_page(request, "finding", pk)


@capability_required(Cap.AUDITS_VIEW)
def action_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _evidence_page(request, "action", pk)


@capability_required(Cap.AUDITS_VIEW)
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as a download, to those who may see the record's evidence; every download is logged."""
    try:
        attachment = selectors.evidence_detail(user=request.user, pk=pk)
    except EvidenceAttachment.DoesNotExist as exc:
        raise Http404("Not found.") from exc
    try:
        handle = evidence.open_stored(attachment.file.name or "")
    except (SuspiciousOperation, FileNotFoundError, OSError) as exc:
        raise Http404("The file is not available.") from exc
    record_access(request, AccessKind.CASE_REVIEW, object_id=attachment.review_id or attachment.audit_id)
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
