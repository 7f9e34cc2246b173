"""Pages for what audits sample: each area's sampling frame, and the pseudonymous managed offenders and
missing episodes (entered one by one or imported from CSV). Audit leads only: the subjects are
case-level, and the frames are the leads' working set-up (no other role, and never an OPCC user)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.importer import ImportRejected
from oversight.accesslog import record_access
from oversight.concurrency import version_token, versioned
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.models import AccessKind
from oversight.roles import Cap, capability_required

from . import frame_services, sampling
from .choices import AuditArea, RiskLevel, SubjectKind, VisorCategory
from .frame_forms import SamplingFrameForm, SubjectForm, SubjectImportForm
from .models import AuditSubject, SamplingFrame
from .subjects_import import SUBJECT_COLUMNS, SUBJECT_REQUIRED, import_subjects

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 1000
KIND_SLUGS: dict[str, str] = {
    "managed-offenders": SubjectKind.MANAGED_OFFENDERS,
    "missing-episodes": SubjectKind.MISSING_EPISODES,
}
SLUG_OF: dict[str, str] = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_TITLES: dict[str, str] = {
    SubjectKind.MANAGED_OFFENDERS: "Managed offenders",
    SubjectKind.MISSING_EPISODES: "Missing episodes",
}
HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


# --- Sampling frames --------------------------------------------------------------------------------


@capability_required(Cap.AUDITS_MANAGE)
def frame_list(request: HttpRequest) -> HttpResponse:
    """Every area with what its audits sample (its frame, or the built-in default)."""
    frames = {frame.area: frame for frame in SamplingFrame.objects.all()}
    rows = [
        {
            "area": area,
            "label": label,
            "frame": frames.get(area),
            "lines": sampling.describe(area, frames.get(area)),
        }
        for area, label in AuditArea.choices
    ]
    return render(request, "audits/frame_list.html", {"rows": rows})


def _frame_initial(frame: SamplingFrame | None, area: str) -> dict[str, Any]:
    if frame is None:
        return {"subject_kind": sampling.subject_kind_for(area), "window_months": 12, "sample_size": 10}
    initial = {name: getattr(frame, name) for name in SamplingFrameForm.FILTERS}
    initial.update(
        subject_kind=frame.subject_kind,
        window_months=frame.window_months,
        sample_size=frame.sample_size,
        stratify_by=frame.stratify_by,
        description=frame.description,
    )
    return initial


def _frame_history(frame: SamplingFrame | None) -> list[dict[str, Any]]:
    """Each saved version of the frame, newest first, with the fields that changed from the one before."""
    if frame is None:
        return []
    records = list(frame.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    rows = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changed = [change.field for change in record.diff_against(older).changes] if older is not None else []
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user.get_full_name() if record.history_user else "System",
                "what": HISTORY_TYPES.get(record.history_type, record.history_type),
                "changed": [name.replace("_", " ") for name in changed],
            }
        )
    return rows


@capability_required(Cap.AUDITS_MANAGE)
def frame_edit(request: HttpRequest, area: str) -> HttpResponse:
    """Set what an area's audits sample: investigations and their filters, or the area's subjects;
    the default window, sample size and stratum. Its history is shown below the form."""
    if area not in AuditArea.values:
        raise Http404("Not an audit area.")
    frame = sampling.frame_for(area)
    form = SamplingFrameForm(
        request.POST or None, initial={**_frame_initial(frame, area), "version": version_token(frame)}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with versioned(frame, data["version"], noun="sampling frame"):
                    frame_services.sampling_frame_save(
                        area=area,
                        actor=request.user,
                        subject_kind=data["subject_kind"],
                        filters=form.filters(),
                        window_months=data["window_months"],
                        sample_size=data["sample_size"],
                        stratify_by=data["stratify_by"],
                        description=data["description"],
                    )
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, f"The sampling frame of {AuditArea(area).label} is saved.")
                return redirect("audits:frame_list")
        status = 400
    return render(
        request,
        "audits/frame_form.html",
        {
            "form": form,
            "area": area,
            "area_label": AuditArea(area).label,
            "filter_fields": [form[name] for name in SamplingFrameForm.FILTERS],
            "history": _frame_history(frame),
        },
        status=status,
    )


# --- Managed offenders and missing episodes ----------------------------------------------------------


def _kind(slug: str) -> str:
    try:
        return KIND_SLUGS[slug]
    except KeyError:
        raise Http404("Not a kind of subject.") from None


def _subject_context(kind: str) -> dict[str, Any]:
    return {"kind": kind, "slug": SLUG_OF[kind], "kind_title": KIND_TITLES[kind]}


@capability_required(Cap.AUDITS_MANAGE)
def subject_list(request: HttpRequest, kind: str) -> HttpResponse:
    """The subjects of one kind, newest first; ``?q=`` finds a reference (part of it)."""
    kind = _kind(kind)
    query = request.GET.get("q", "").strip()[:40]
    subjects = AuditSubject.objects.filter(kind=kind).select_related("team", "lpa").order_by("-start_date", "reference")
    if query:
        subjects = subjects.filter(reference__icontains=query)
    page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, AccessKind.AUDIT_SUBJECTS)
    return render(
        request,
        "audits/subject_list.html",
        {
            **_subject_context(kind),
            "page": page,
            "query": query,
            "query_string": urlencode({"q": query}) if query else "",
            "visor": kind == SubjectKind.MANAGED_OFFENDERS,
        },
    )


SUBJECT_NOUN: dict[str, str] = {
    SubjectKind.MANAGED_OFFENDERS: "managed offender",
    SubjectKind.MISSING_EPISODES: "missing episode",
}


def _subject_form_page(request: HttpRequest, kind: str, subject: AuditSubject | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if subject is not None:
        initial = {name: getattr(subject, name) for name in frame_services.SUBJECT_FIELDS}
    form = SubjectForm(request.POST or None, kind=kind, initial={**initial, "version": version_token(subject)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                with versioned(subject, values.pop("version"), noun=SUBJECT_NOUN[kind]):
                    saved = frame_services.subject_save(actor=request.user, kind=kind, values=values, subject=subject)
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, f"{saved.reference} is saved.")
                return redirect("audits:subject_list", kind=SLUG_OF[kind])
        status = 400
    title = f"Change {subject.reference}" if subject is not None else f"Add a {SUBJECT_NOUN[kind]}"
    return render(
        request,
        "audits/subject_form.html",
        {**_subject_context(kind), "form": form, "title": title, "subject": subject},
        status=status,
    )


@capability_required(Cap.AUDITS_MANAGE)
def subject_create(request: HttpRequest, kind: str) -> HttpResponse:
    return _subject_form_page(request, _kind(kind), None)


@capability_required(Cap.AUDITS_MANAGE)
def subject_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = AuditSubject.objects.filter(pk=pk).first()
    if subject is None:
        raise Http404("No such subject.")
    record_access(request, AccessKind.AUDIT_SUBJECTS, object_id=subject.pk, reference=subject.reference)
    return _subject_form_page(request, subject.kind, subject)


@capability_required(Cap.AUDITS_MANAGE)
def subject_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a CSV of subjects: every error listed (nothing written), or a summary of what changed."""
    kind = _kind(kind)
    form = SubjectImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        **_subject_context(kind),
        "form": form,
        "columns": SUBJECT_COLUMNS[kind],
        "required": SUBJECT_REQUIRED[kind],
        "visor_codes": VisorCategory.values if kind == SubjectKind.MANAGED_OFFENDERS else [],
        "risk_codes": RiskLevel.values,
        "list_url": reverse("audits:subject_list", kwargs={"kind": SLUG_OF[kind]}),
    }
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                context["result"] = import_subjects(source=upload.file, kind=kind, actor=request.user)
                context["form"] = SubjectImportForm()
            except ImportRejected as rejected:
                context.update(
                    {
                        "import_errors": rejected.errors[:MAX_ERRORS_SHOWN],
                        "error_count": len(rejected.errors),
                        "message": rejected.message,
                    }
                )
                status = 400
            context["file_name"] = upload.name
        else:
            status = 400
    return render(request, "audits/subject_import.html", context, status=status)
