"""Pages of the OPCC's scrutiny: scrutiny queries (list, raise, detail, answer, close, reopen) and the
inspection tracker (reports, items, evidence, the OPCC's decision). Reads via
:mod:`commitments.scrutiny_selectors`, writes via :mod:`commitments.scrutiny_services`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.concurrency import version_token, versioned
from oversight.errors import ApplicationError, add_errors_to_form
from oversight.exports import Download, page_or_download, query_string
from oversight.models import User
from oversight.roles import Cap, capability_required

from . import rules
from . import scrutiny_selectors as selectors
from . import scrutiny_services as services
from .choices import RecommendationStatus
from .models import Board, Commitment, InspectionRecommendation, InspectionReport, ScrutinyQuery
from .scrutiny_forms import (
    EvidenceDecisionForm,
    EvidenceForm,
    InspectionReportForm,
    QueryAnswerForm,
    QueryCloseForm,
    QueryFilter,
    QueryRaiseForm,
    QueryReopenForm,
    RecommendationFilter,
    RecommendationForm,
)

PAGE_SIZE = 50
QUERY_HEADERS = [
    "Query",
    "Subject",
    "Question",
    "Owner",
    "Raised by",
    "Raised on",
    "Due",
    "Status",
    "Overdue",
    "Response",
    "OPCC comment",
]


def _query_row(query: ScrutinyQuery) -> list[Any]:
    return [
        query.pk,
        query.subject_label,
        query.question,
        str(query.owner),
        str(query.raised_by),
        timezone.localtime(query.raised_at).date(),
        query.due_date,
        query.get_status_display(),
        "yes" if getattr(query, "is_overdue", False) else "no",
        query.response,
        query.opcc_comment,
    ]


def _changes(
    records: Sequence[Any],
    fields: Iterable[str],
    labels: dict[str, str] | None = None,
    names: dict[Any, str] | None = None,
) -> list[dict]:
    """History rows (newest first) naming each changed field with its new value.

    ``records`` are simple-history records of one object, oldest first; ``names`` shows user ids
    (``…_id`` fields) as names. No extra queries.
    """
    labels, names = labels or {}, names or {}
    rows, previous = [], None
    for record in records:
        if previous is None:
            change = "Created"
        else:
            changed = []
            for name in fields:
                before, after = getattr(previous, name), getattr(record, name)
                if before != after:
                    display = getattr(record, f"get_{name}_display", None)
                    shown = (
                        display() if callable(display) else names.get(after, after) if name.endswith("_id") else after
                    )
                    text = str(shown) if len(str(shown)) <= 80 else str(shown)[:77] + "…"
                    changed.append(f"{labels.get(name, name.replace('_', ' '))}: {text or '–'}")
            change = "; ".join(changed) or "Saved"
        rows.append({"when": record.history_date, "who": record.history_user, "change": change})
        previous = record
    return list(reversed(rows))


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one: a form of optional fields is still submitted), else None."""
    return request.POST if request.method == "POST" else None


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except (ScrutinyQuery.DoesNotExist, InspectionRecommendation.DoesNotExist, InspectionReport.DoesNotExist) as exc:
        raise Http404 from exc


# --- scrutiny queries ------------------------------------------------------------------------------


@capability_required(Cap.COMMITMENTS_VIEW)
def query_list(request: HttpRequest) -> HttpResponseBase:
    """Every scrutiny query, filterable by status, subject, owner and overdue; CSV/XLSX."""
    today = timezone.localdate()
    filterset = QueryFilter(request.GET or None, queryset=selectors.query_list(user=request.user, today=today))
    form, queries = filterset.form, filterset.qs
    return page_or_download(
        request,
        template="commitments/query_list.html",
        context=lambda: {
            "form": form,
            "page_obj": Paginator(queries, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": query_string(request),
            "counts": selectors.query_home_counts(user=request.user, today=today),
            "can_raise": rules.can_raise_queries(request.user),
        },
        download=Download(filename="scrutiny-queries", headers=QUERY_HEADERS, rows=queries, row=_query_row),
        status=400 if form.errors else 200,
    )


def _subject_initial(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """Initial subject from ``?commitment=``, ``?board=`` or ``?recommendation=`` (an id), and its label."""
    models: dict[str, Any] = {
        "commitment": Commitment,
        "board": Board,
        "recommendation": InspectionRecommendation,
    }
    for name, model in models.items():
        value = request.GET.get(name, "")
        if value.isdigit():
            record = model.objects.filter(pk=int(value)).first()
            if record is not None:
                label = {
                    "commitment": lambda r: f"Commitment {r.action_ref}",
                    "board": lambda r: f"Board: {r.name}",
                    "recommendation": lambda r: f"{r.short_label}: {r.report.title}",
                }[name](record)
                return {"subject_type": name, name: record.pk}, label
    return {}, ""


@require_http_methods(["GET", "POST"])
@capability_required(Cap.SCRUTINY_QUERIES)
def query_create(request: HttpRequest) -> HttpResponse:
    """The OPCC raises a query on a commitment, board, recommendation, KPI or audit area."""
    initial, subject_label = _subject_initial(request)
    form = QueryRaiseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        subject = form.subject_arguments()
        if not form.errors:
            try:
                query = services.query_raise(
                    actor=request.user,
                    question=form.cleaned_data["question"],
                    due_date=form.cleaned_data["due_date"],
                    owner=form.cleaned_data["owner"],
                    **subject,
                )
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, f"Query raised on {query.subject_label}; {query.owner} will answer it.")
                return redirect("commitments:query_detail", pk=query.pk)
    return render(
        request,
        "commitments/query_form.html",
        {"form": form, "subject_label": subject_label},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.COMMITMENTS_VIEW)
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A query: subject, question, owner, due date, status, response and its history."""
    today = timezone.localdate()
    query = _get(selectors.query_detail, user=request.user, pk=pk, today=today)
    records = list(query.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = ("status", "owner_id", "due_date", "question", "response", "opcc_comment")
    labels = {"owner_id": "owner", "opcc_comment": "OPCC comment"}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={r.owner_id for r in records})}
    history = _changes(records, fields, labels, names)
    is_opcc = rules.can_raise_queries(request.user)
    return render(
        request,
        "commitments/query_detail.html",
        {
            "query": query,
            "history": history,
            "can_answer": rules.can_answer(request.user, query),
            "can_close": is_opcc and query.status != "closed",
            "can_reopen": is_opcc and not query.awaiting_owner,
            "today": today,
        },
    )


def _query_for_action(pk: int) -> ScrutinyQuery:
    return get_object_or_404(selectors.query_queryset(timezone.localdate()), pk=pk)


@require_http_methods(["GET", "POST"])
def query_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner answers the query (whatever their role); everyone else is refused."""
    query = _query_for_action(pk)
    rules.require_query_owner(request.user, query)
    form = QueryAnswerForm(_posted(request), initial={"response": query.response, "version": version_token(query)})
    if request.method == "POST" and form.is_valid():
        try:
            with versioned(query, form.cleaned_data["version"], noun="scrutiny query"):
                services.query_answer(query=query, response=form.cleaned_data["response"], actor=request.user)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Your answer to query {query.pk} was sent to the OPCC.")
            return redirect("commitments:query_detail", pk=query.pk)
    return render(
        request,
        "commitments/query_action.html",
        {"query": query, "form": form, "action": "answer", "title": "Answer the query", "button": "Send answer"},
        status=400 if request.method == "POST" else 200,
    )


def _opcc_action(request: HttpRequest, pk: int, *, action: str) -> HttpResponse:
    query = _query_for_action(pk)
    form: Any = (QueryCloseForm if action == "close" else QueryReopenForm)(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if action == "close":
                services.query_close(query=query, comment=form.cleaned_data["comment"], actor=request.user)
            else:
                services.query_reopen(
                    query=query,
                    reason=form.cleaned_data["reason"],
                    due_date=form.cleaned_data["due_date"],
                    actor=request.user,
                )
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, f"Query {query.pk} {'closed' if action == 'close' else 'reopened'}.")
            return redirect("commitments:query_detail", pk=query.pk)
    title, button = ("Close the query", "Close query") if action == "close" else ("Reopen the query", "Reopen query")
    return render(
        request,
        "commitments/query_action.html",
        {"query": query, "form": form, "action": action, "title": title, "button": button},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.SCRUTINY_QUERIES)
def query_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The OPCC closes the query."""
    return _opcc_action(request, pk, action="close")


@require_http_methods(["GET", "POST"])
@capability_required(Cap.SCRUTINY_QUERIES)
def query_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The OPCC reopens an answered or closed query, saying why."""
    return _opcc_action(request, pk, action="reopen")


# --- the inspection tracker ------------------------------------------------------------------------

TRACKER_HEADERS = [
    "Report",
    "Published",
    "Number",
    "Type",
    "Text",
    "Force response",
    "Owner",
    "Due",
    "Status",
    "Linked commitments",
    "Board",
]


def _tracker_row(r: InspectionRecommendation) -> list[Any]:
    return [
        r.report.title,
        r.report.published_on,
        r.number,
        r.get_kind_display(),
        r.text,
        r.response,
        str(r.owner or ""),
        r.due_date,
        r.get_status_display(),
        ", ".join(c.action_ref for c in r.commitments.all()),
        str(r.board or ""),
    ]


@capability_required(Cap.COMMITMENTS_VIEW)
def recommendation_list(request: HttpRequest) -> HttpResponseBase:
    """The inspection tracker: reports with the PCC's response deadline, and every item (filterable)."""
    today = timezone.localdate()
    filterset = RecommendationFilter(request.GET or None, queryset=selectors.recommendation_list(user=request.user))
    form, items = filterset.form, filterset.qs
    reports = [{"report": r, "state": r.response_state(today)} for r in selectors.report_list(user=request.user)]
    return page_or_download(
        request,
        template="commitments/recommendation_list.html",
        context=lambda: {
            "form": form,
            "items": [{"item": r, "overdue": r.is_overdue(today)} for r in items],
            "reports": reports,
            "today": today,
            "query_string": query_string(request),
            "can_manage": rules.can_manage_inspections(request.user),
        },
        download={
            "items": Download(filename="inspection-tracker", headers=TRACKER_HEADERS, rows=items, row=_tracker_row),
            "reports": Download(
                filename="inspection-reports",
                headers=["Report", "Inspectorate", "Published", "PCC response due", "PCC response", "Items", "Open"],
                rows=reports,
                row=lambda row: [
                    row["report"].title,
                    row["report"].inspectorate,
                    row["report"].published_on,
                    row["report"].response_deadline,
                    row["state"]["text"],
                    row["report"].items,
                    row["report"].open_items,
                ],
            ),
        },
        status=400 if form.errors else 200,
    )


@capability_required(Cap.COMMITMENTS_VIEW)
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A tracker item: text, owner, status, evidence trail, linked commitments, queries and history."""
    today = timezone.localdate()
    item = _get(selectors.recommendation_detail, user=request.user, pk=pk)
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = ("status", "owner_id", "due_date", "kind", "text", "response", "number")
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={r.owner_id for r in records if r.owner_id})}
    history = _changes(records, fields, {"owner_id": "owner", "response": "force response"}, names)
    return render(
        request,
        "commitments/recommendation_detail.html",
        {
            "item": item,
            "history": history,
            "today": today,
            "overdue": item.is_overdue(today),
            "response_state": item.report.response_state(today),
            "can_manage": rules.can_manage_inspections(request.user),
            "is_owner": rules.is_recommendation_owner(request.user, item)
            and item.status != RecommendationStatus.EVIDENCE_ACCEPTED,
            "can_decide": rules.can_decide_evidence(request.user, item)
            and item.status == RecommendationStatus.IMPLEMENTED,
        },
    )


def _save_form(request: HttpRequest, form: Any, save: Any) -> Any:
    """Run ``save()`` for a valid bound ``form``; a service error goes back on the form. Returns the result."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ApplicationError as exc:
        add_errors_to_form(form, exc)
    return None


@require_http_methods(["GET", "POST"])
@capability_required(Cap.INSPECTIONS_MANAGE)
def recommendation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The OPCC or an administrator records a new tracker item or edits one (not its status)."""
    item = get_object_or_404(InspectionRecommendation, pk=pk) if pk else None
    initial = {}
    if item is None and request.GET.get("report", "").isdigit():
        initial["report"] = int(request.GET["report"])
    form = RecommendationForm(_posted(request), instance=item, initial=initial)
    saved = _save_form(
        request,
        form,
        lambda: services.recommendation_save(
            recommendation=form.save(commit=False), commitments=form.cleaned_data["commitments"], actor=request.user
        ),
    )
    if saved is not None:
        messages.success(request, f"{saved.short_label} saved.")
        return redirect("commitments:recommendation_detail", pk=saved.pk)
    return render(
        request,
        "commitments/recommendation_form.html",
        {"form": form, "item": item},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def recommendation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's owner records dated evidence and may move the item up to implemented."""
    item = get_object_or_404(selectors.recommendation_queryset(), pk=pk)
    rules.require_recommendation_owner(request.user, item)
    form = EvidenceForm(_posted(request), initial={"date": timezone.localdate()})
    saved = _save_form(
        request,
        form,
        lambda: services.recommendation_add_evidence(
            recommendation=item,
            date=form.cleaned_data["date"],
            text=form.cleaned_data["text"],
            status=form.cleaned_data["status"],
            actor=request.user,
        ),
    )
    if saved is not None:
        messages.success(request, f"Evidence recorded for {item.short_label}.")
        return redirect("commitments:recommendation_detail", pk=item.pk)
    return render(
        request,
        "commitments/recommendation_action.html",
        {"item": item, "form": form, "title": "Add an evidence update", "button": "Save evidence"},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.INSPECTIONS_ACCEPT)
def recommendation_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The OPCC accepts the evidence of an implemented item or returns it to the owner."""
    item = get_object_or_404(selectors.recommendation_queryset(), pk=pk)
    rules.require_evidence_decider(request.user, item)
    form = EvidenceDecisionForm(_posted(request))

    def decide() -> InspectionRecommendation:
        data = form.cleaned_data
        if data["decision"] == "accept":
            return services.recommendation_accept(recommendation=item, comment=data["comment"], actor=request.user)
        return services.recommendation_return(recommendation=item, comment=data["comment"], actor=request.user)

    saved = _save_form(request, form, decide)
    if saved is not None:
        messages.success(request, f"{item.short_label}: {saved.get_status_display()}.")
        return redirect("commitments:recommendation_detail", pk=item.pk)
    return render(
        request,
        "commitments/recommendation_action.html",
        {"item": item, "form": form, "title": "Decide on the evidence", "button": "Record decision"},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.COMMITMENTS_VIEW)
def inspection_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection report, the PCC's response with its 56-day deadline, and the report's items."""
    today = timezone.localdate()
    report = _get(selectors.report_detail, user=request.user, pk=pk)
    return render(
        request,
        "commitments/inspection_report_detail.html",
        {
            "report": report,
            "state": report.response_state(today),
            "today": today,
            "can_manage": rules.can_manage_inspections(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.INSPECTIONS_MANAGE)
def inspection_report_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The OPCC or an administrator records an inspection report, then the PCC's published response."""
    report = get_object_or_404(InspectionReport, pk=pk) if pk else None
    form = InspectionReportForm(_posted(request), instance=report)
    saved = _save_form(
        request, form, lambda: services.inspection_report_save(report=form.save(commit=False), actor=request.user)
    )
    if saved is not None:
        messages.success(request, f"{saved.title} saved.")
        return redirect("commitments:inspection_report_detail", pk=saved.pk)
    return render(
        request,
        "commitments/inspection_report_form.html",
        {"form": form, "report": report},
        status=400 if request.method == "POST" else 200,
    )
